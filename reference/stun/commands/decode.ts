/**
 * `npm run stun -- decode HEX|FILE [--password P] [--json]`: a STUN message,
 * attribute by attribute, and whether its MESSAGE-INTEGRITY(-SHA256) and
 * FINGERPRINT verify. With --password the key is the long-term one when the
 * message carries USERNAME and REALM (§9.2.2, the algorithm PASSWORD-ALGORITHM
 * names, MD5 without), else the short-term one (§9.1.1).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError, type Command } from '../../../tools/command.ts';
import { longTermKey, shortTermKey } from '../auth/index.ts';
import { ATTRIBUTE_NAME, decodeMessage, firstAttribute, PASSWORD_ALGORITHM, verifyFingerprint, verifyIntegrity, type StunAttribute, type StunMessage } from '../message/index.ts';
import { json, StunCommandError } from './endpoint.ts';

/** The largest STUN message: a 20-byte header and a 16-bit length of attributes. */
const MAX_MESSAGE = 20 + 0xffff;

type Check = 'verified' | 'wrong' | 'absent' | 'not checked (no --password)';

export const decodeCommand: Command = {
  summary: 'decode a STUN message (hex or a file) and check its MESSAGE-INTEGRITY and FINGERPRINT',
  usage: `stun decode HEX|FILE [--password P] [--json]
  HEX           the message as hex digits (spaces and colons allowed), or a file holding the bytes or their hex
  --password    check MESSAGE-INTEGRITY(-SHA256) with this password (long-term key when USERNAME and REALM are there)
  --json        the message and the checks as JSON
exit 0: decoded, and every check that could be made verified; 1: it does not decode, or a check failed`,
  options: { password: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError(`decode wants one HEX or FILE, got ${positionals.length}`);
    const bytes = input(positionals[0]!);
    const decoded = decodeMessage(bytes, { rfc3489: true });
    if (!decoded.ok) throw new StunCommandError(`not a STUN message: ${decoded.reason} (at byte ${decoded.offset})`);
    const m = decoded.message;
    const password = values.password as string | undefined;
    const checks = {
      'MESSAGE-INTEGRITY': integrity(m, bytes, password, false),
      'MESSAGE-INTEGRITY-SHA256': integrity(m, bytes, password, true),
      FINGERPRINT: (firstAttribute(m, 'FINGERPRINT') ? (verifyFingerprint(bytes) ? 'verified' : 'wrong') : 'absent') as Check,
    };
    if (values.json) process.stdout.write(json({ ...m, checks }));
    else process.stdout.write(describe(m, bytes.length, checks));
    return Object.values(checks).includes('wrong') ? 1 : 0;
  },
};

/** The message's bytes: hex on the command line, or a file of bytes or of hex. */
function input(arg: string): Uint8Array {
  const hex = (text: string): Uint8Array | undefined => {
    const digits = text.replace(/[\s:]/g, '').replace(/^0x/i, '');
    return /^([0-9a-fA-F]{2})+$/.test(digits) ? new Uint8Array(Buffer.from(digits, 'hex')) : undefined;
  };
  if (!existsSync(arg)) {
    const b = hex(arg);
    if (!b) throw new UsageError(`${JSON.stringify(arg.slice(0, 40))} is neither a file nor an even number of hex digits`);
    if (b.length > MAX_MESSAGE) throw new StunCommandError(`${b.length} bytes: more than a STUN message can be (${MAX_MESSAGE})`);
    return b;
  }
  const size = statSync(arg).size;
  if (size > MAX_MESSAGE * 3 + 1024) throw new StunCommandError(`${arg}: ${size} bytes, more than a STUN message (${MAX_MESSAGE} bytes) or its hex can be`);
  const raw = new Uint8Array(readFileSync(arg));
  // A file of hex text, else the bytes themselves (a STUN message begins with 0x00-0x03, never a hex digit).
  const asHex = raw.length > 0 && raw[0]! >= 0x30 ? hex(Buffer.from(raw).toString('latin1')) : undefined;
  const b = asHex ?? raw;
  if (b.length > MAX_MESSAGE) throw new StunCommandError(`${arg}: ${b.length} bytes, more than a STUN message can be (${MAX_MESSAGE})`);
  return b;
}

function integrity(m: StunMessage, bytes: Uint8Array, password: string | undefined, sha256: boolean): Check {
  if (!firstAttribute(m, sha256 ? 'MESSAGE-INTEGRITY-SHA256' : 'MESSAGE-INTEGRITY')) return 'absent';
  if (password === undefined) return 'not checked (no --password)';
  const username = firstAttribute(m, 'USERNAME');
  const realm = firstAttribute(m, 'REALM');
  const algorithm = firstAttribute(m, 'PASSWORD-ALGORITHM')?.value.algorithm ?? PASSWORD_ALGORITHM.MD5;
  let key: Uint8Array;
  try {
    key = username && realm ? longTermKey(username.value, realm.value, password, algorithm) : shortTermKey(password);
  } catch (e) {
    throw new StunCommandError(`cannot make the key: ${(e as Error).message}`);
  }
  return verifyIntegrity(bytes, key, sha256) ? 'verified' : 'wrong';
}

function describe(m: StunMessage, length: number, checks: Record<string, Check>): string {
  const lines = [
    `${m.class} 0x${m.method.toString(16).padStart(3, '0')}${m.method === 1 ? ' (Binding)' : ''}, ${length} bytes, transaction id ${Buffer.from(m.transactionId).toString('hex')}${m.cookie !== undefined ? ` (RFC 3489: cookie field 0x${m.cookie.toString(16).padStart(8, '0')})` : ''}`,
    ...m.attributes.map((a) => `  ${attribute(a)}`),
    ...(m.ignored ?? []).map((i) => `  ignored at byte ${i.offset}: ${attribute(i.attribute)} (${i.reason})`),
    ...Object.entries(checks).map(([name, c]) => `${name}: ${c}`),
  ];
  return lines.join('\n') + '\n';
}

function attribute(a: StunAttribute): string {
  const { type, ...rest } = a;
  if (type === 'unknown') return `0x${(a as { code: number }).code.toString(16).padStart(4, '0')} (${ATTRIBUTE_NAME.get((a as { code: number }).code) ?? 'unknown'}): ${Buffer.from((a as { value: Uint8Array }).value).toString('hex')}`;
  const value = 'value' in rest ? rest.value : rest;
  const text = value instanceof Uint8Array ? Buffer.from(value).toString('hex') : typeof value === 'object' ? JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)) : String(value);
  return `${type}: ${text}`;
}
