/**
 * SCRAM's messages (RFC 5802 §5.1, §7): each parsed into its attributes in
 * the fixed order §7 gives, and written back. A message that breaks the
 * grammar is a ScramSyntaxError naming the production; the server answers
 * it with `e=invalid-encoding`, or the value the rule names.
 *
 * @implements RFC5802 (SCRAM)
 */

/** The server-error-value of §7 (extensions of the list are read as other-error). */
export type ServerErrorValue =
  | 'invalid-encoding' | 'extensions-not-supported' | 'invalid-proof' | 'channel-bindings-dont-match'
  | 'server-does-support-channel-binding' | 'channel-binding-not-supported' | 'unsupported-channel-binding-type'
  | 'unknown-user' | 'invalid-username-encoding' | 'no-resources' | 'other-error';

// @implements RFC5802 P18L12-P18L31
const SERVER_ERROR_VALUES = new Set<string>([
  'invalid-encoding', 'extensions-not-supported', 'invalid-proof', 'channel-bindings-dont-match',
  'server-does-support-channel-binding', 'channel-binding-not-supported', 'unsupported-channel-binding-type',
  'unknown-user', 'invalid-username-encoding', 'no-resources', 'other-error',
]);

/** A message that breaks §7's grammar: the production, and the e= value a server answers with. */
export class ScramSyntaxError extends Error {
  constructor(readonly production: string, why: string, readonly serverError: ServerErrorValue = 'invalid-encoding') {
    super(`RFC5802 §7 ${production}: ${why}`);
    this.name = 'ScramSyntaxError';
  }
}

/** The channel binding flag: "n", "y", or "p=" with the type's name. */
export type CbindFlag = { flag: 'n' } | { flag: 'y' } | { flag: 'p'; name: string };

export interface Gs2Header {
  cbind: CbindFlag;
  authzid?: string;
}

export interface ClientFirst {
  gs2: Gs2Header;
  /** The gs2-header as sent, "n,," or "p=tls-exporter,a=...,": what c= repeats. */
  gs2Text: string;
  username: string;
  nonce: string;
  /** client-first-message-bare, as sent: part of the AuthMessage. */
  bare: string;
}

export interface ServerFirst {
  nonce: string;
  salt: Uint8Array;
  iterations: number;
}

export interface ClientFinal {
  channelBinding: Uint8Array;
  nonce: string;
  proof: Uint8Array;
  /** client-final-message-without-proof, as sent. */
  withoutProof: string;
}

export type ServerFinal = { verifier: Uint8Array } | { error: ServerErrorValue; received: string };

// --- the values ---------------------------------------------------------------

// @implements RFC5802 P16L19-P16L20
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
// @implements RFC5802 P16L24-P16L32
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)?$/;
// @implements RFC5802 P16L34-P16L35
const POSIT_NUMBER = /^[1-9][0-9]*$/;
// @implements RFC5802 P16L43
const CB_NAME = /^[A-Za-z0-9.-]+$/;

/** A saslname written: ',' as "=2C" and '=' as "=3D". */
// @implements RFC5802 P12L5-P12L6
export function encodeSaslname(s: string): string {
  return s.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** A saslname read: '=' not followed by "2C" or "3D" fails the authentication. */
// @implements RFC5802 P12L6-P12L8, P16L37-P16L38
export function decodeSaslname(s: string, production: string): string {
  if (s.length === 0) throw new ScramSyntaxError(production, 'an empty saslname', 'invalid-username-encoding');
  if (/=(?!2C|3D)/.test(s)) throw new ScramSyntaxError(production, `'=' not followed by "2C" or "3D" in '${s}'`, 'invalid-username-encoding');
  if (/[\0,]/.test(s)) throw new ScramSyntaxError(production, 'NUL or an unescaped \',\' in a saslname', 'invalid-username-encoding');
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function base64(value: string, production: string): Uint8Array {
  if (!BASE64.test(value)) throw new ScramSyntaxError(production, `'${value.slice(0, 40)}' is not base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

export const toBase64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The attributes of a message in order: one letter, "=", a value (extensions included). */
// @implements RFC5802 P16L7-P16L11, P10L36-P10L43
function attributes(message: string, production: string): { name: string; value: string }[] {
  if (message.length === 0) throw new ScramSyntaxError(production, 'an empty message');
  return message.split(',').map((part) => {
    const m = /^([A-Za-z])=([\s\S]+)$/.exec(part);
    if (!m) throw new ScramSyntaxError(production, `'${part.slice(0, 40)}' is not attr-val (a letter, '=', a value)`);
    return { name: m[1]!, value: m[2]! };
  });
}

/** Takes the next attribute, which must be `name`. */
function expect(attrs: { name: string; value: string }[], name: string, production: string): string {
  const a = attrs.shift();
  if (!a || a.name !== name) throw new ScramSyntaxError(production, `expected the '${name}=' attribute here, found ${a ? `'${a.name}='` : 'the end'}`);
  return a.value;
}

/** A leading m= is a mandatory extension, which this version does not know. */
// @implements RFC5802 P12L10-P12L13, P13L35-P13L37
function refuseMandatoryExtension(attrs: { name: string }[], production: string): void {
  if (attrs[0]?.name === 'm') throw new ScramSyntaxError(production, "the reserved 'm' attribute (a mandatory extension) is not supported", 'extensions-not-supported');
}

// --- client-first-message ---------------------------------------------------------

export function writeClientFirst(gs2: Gs2Header, username: string, nonce: string): { text: string; gs2Text: string; bare: string } {
  const flag = gs2.cbind.flag === 'p' ? `p=${gs2.cbind.name}` : gs2.cbind.flag;
  // @implements RFC5802 P17L8
  const gs2Text = `${flag},${gs2.authzid === undefined ? '' : `a=${encodeSaslname(gs2.authzid)}`},`;
  // @implements RFC5802 P17L43-P17L48
  const bare = `n=${encodeSaslname(username)},r=${nonce}`;
  return { text: gs2Text + bare, gs2Text, bare };
}

// @implements RFC5802 P17L1-P17L8, P17L43-P17L48
export function parseClientFirst(message: string): ClientFirst {
  const P = 'client-first-message';
  // @implements RFC5802 P10L9-P10L12
  if (!/^[nyp]/.test(message)) throw new ScramSyntaxError(P, `it starts with '${message.slice(0, 1)}', not "n", "y" or "p"`);
  const m = /^(n|y|p=[^,]*),(a=[^,]*)?,/.exec(message);
  if (!m) throw new ScramSyntaxError('gs2-header', `'${message.slice(0, 40)}' is not gs2-cbind-flag "," [authzid] ","`);
  let cbind: CbindFlag;
  if (m[1] === 'n' || m[1] === 'y') cbind = { flag: m[1] };
  else {
    const name = m[1]!.slice(2);
    if (!CB_NAME.test(name)) throw new ScramSyntaxError('cb-name', `'${name}' is not a channel binding type name`);
    cbind = { flag: 'p', name };
  }
  const authzid = m[2] === undefined ? undefined : decodeSaslname(m[2].slice(2), 'authzid');
  const gs2Text = m[0];
  const bare = message.slice(gs2Text.length);
  const attrs = attributes(bare, 'client-first-message-bare');
  refuseMandatoryExtension(attrs, 'client-first-message-bare');
  // @implements RFC5802 P11L21-P11L24
  const username = decodeSaslname(expect(attrs, 'n', 'username'), 'username');
  const nonce = expect(attrs, 'r', 'nonce');
  if (!PRINTABLE.test(nonce)) throw new ScramSyntaxError('c-nonce', 'the nonce is not printable ASCII without \',\'');
  // @implements RFC5802 P13L39, P18L40-P18L44
  // What remains are optional extensions: ignored.
  return { gs2: { cbind, ...(authzid === undefined ? {} : { authzid }) }, gs2Text, username, nonce, bare };
}

// --- server-first-message ---------------------------------------------------------

// @implements RFC5802 P18L1-P18L3
export function writeServerFirst(nonce: string, salt: Uint8Array, iterations: number): string {
  return `r=${nonce},s=${toBase64(salt)},i=${iterations}`;
}

export function parseServerFirst(message: string): ServerFirst {
  const P = 'server-first-message';
  const attrs = attributes(message, P);
  refuseMandatoryExtension(attrs, P);
  const nonce = expect(attrs, 'r', P);
  if (!PRINTABLE.test(nonce)) throw new ScramSyntaxError('nonce', 'the nonce is not printable ASCII without \',\'');
  const salt = base64(expect(attrs, 's', P), 'salt');
  // @implements RFC5802 P12L45-P12L47
  const i = expect(attrs, 'i', P);
  if (!POSIT_NUMBER.test(i)) throw new ScramSyntaxError('iteration-count', `'${i}' is not a positive number`);
  return { nonce, salt, iterations: Number(i) };
}

// --- client-final-message ---------------------------------------------------------

/** The c= attribute's data: the gs2-header as sent, then the channel binding data when, and only when, the flag is "p". */
// @implements RFC5802 P12L28-P12L39, P19L1-P19L4
export function cbindInput(gs2Text: string, cbind: CbindFlag, cbindData: Uint8Array | undefined): Uint8Array {
  const header = new TextEncoder().encode(gs2Text);
  if (cbind.flag !== 'p') return header;
  if (!cbindData) throw new Error(`RFC5802 §7 cbind-input: the gs2-cbind-flag is "p=${cbind.name}" but there is no channel binding data`);
  return new Uint8Array([...header, ...cbindData]);
}

// @implements RFC5802 P18L5-P18L7
export function writeClientFinalWithoutProof(cbindInput: Uint8Array, nonce: string): string {
  return `c=${toBase64(cbindInput)},r=${nonce}`;
}

// @implements RFC5802 P18L5-P18L10
export function parseClientFinal(message: string): ClientFinal {
  const P = 'client-final-message';
  const at = message.lastIndexOf(',p=');
  if (at < 0) throw new ScramSyntaxError(P, "no ',p=' proof at its end");
  const withoutProof = message.slice(0, at);
  const attrs = attributes(withoutProof, 'client-final-message-without-proof');
  // @implements RFC5802 P12L28-P12L30
  const channelBinding = base64(expect(attrs, 'c', 'channel-binding'), 'channel-binding');
  const nonce = expect(attrs, 'r', 'nonce');
  const proof = base64(message.slice(at + 3), 'proof');
  return { channelBinding, nonce, proof, withoutProof };
}

// --- server-final-message ---------------------------------------------------------

// @implements RFC5802 P18L37-P18L38
export function writeServerFinal(result: { verifier: Uint8Array } | { error: ServerErrorValue }): string {
  return 'verifier' in result ? `v=${toBase64(result.verifier)}` : `e=${result.error}`;
}

export function parseServerFinal(message: string): ServerFinal {
  const P = 'server-final-message';
  const attrs = attributes(message, P);
  const first = attrs[0]!;
  // @implements RFC5802 P13L19-P13L28, P18L29
  if (first.name === 'e') return { error: SERVER_ERROR_VALUES.has(first.value) ? (first.value as ServerErrorValue) : 'other-error', received: first.value };
  return { verifier: base64(expect(attrs, 'v', 'verifier'), 'verifier') };
}
