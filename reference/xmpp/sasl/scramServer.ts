/**
 * A SCRAM server (RFC 5802 §5, §6; RFC 7677 §3): Initial → SentServerFirst
 * → Done, or Failed, each step's failure carrying the e= value of §7 and
 * the XMPP condition (RFC 6120 §6.5) to send. An unknown user is not told
 * apart from a wrong password: the exchange goes on with a salt made from
 * the name, and fails at the proof as a wrong password does.
 *
 * @implements RFC5802 (SCRAM)
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ChannelBinding } from './channelBinding.ts';
import { SaslCondition } from './conditions.ts';
import { type ScramPrep, PRECIS_PREP } from './prep.ts';
import { ScramStateError } from './scramClient.ts';
import { type ScramHash, type StoredCredentials, authMessage, deriveKeys, sameBytes, serverSignature, verifyProof } from './scramCrypto.ts';
import {
  type ClientFirst, type ServerErrorValue, ScramSyntaxError, cbindInput, parseClientFinal, parseClientFirst, writeServerFinal, writeServerFirst,
} from './scramMessages.ts';

export type ScramServerState = 'Initial' | 'SentServerFirst' | 'Done' | 'Failed';

export type ServerStep =
  | { ok: true; message: string }
  | { ok: false; error: ServerErrorValue; condition: SaslCondition; reason: string; /** the server-final-message to send, when the step has one */ message?: string };

export interface ScramServerOptions {
  hash: ScramHash;
  /** Whether the client chose the -PLUS mechanism. */
  plus: boolean;
  /** The user's stored credentials by prepared username; undefined for no such user. */
  lookup(username: string): StoredCredentials | undefined;
  /** The bindings of this channel the server supports, by type; absent when it supports none (then it offers no -PLUS). */
  channelBindings?: ChannelBinding[];
  /** May `authcid` act as `authzid`? Default: only as itself. */
  authorize?(authcid: string, authzid: string): boolean;
  /** The s-nonce; default 24 random octets in base64. */
  nonce?: string;
  /** The secret unknown users' salts are made from (default: random per process). */
  secret?: Uint8Array;
  /** The iteration count given for unknown users, as for known ones (default 4096). */
  iterations?: number;
  prep?: ScramPrep;
}

const PROCESS_SECRET = randomBytes(32);

/** Credentials for a user, made with SCRAM from a password: what a server stores. */
// @implements RFC5802 P7L42-P8L3
export function storedCredentials(hash: ScramHash, password: string, options: { salt?: Uint8Array; iterations?: number; prep?: ScramPrep } = {}): StoredCredentials {
  const salt = options.salt ?? new Uint8Array(randomBytes(16));
  // @implements RFC5802 P13L1-P13L2, RFC7677 P2L46-P2L47
  const iterations = options.iterations ?? 4096;
  const { storedKey, serverKey } = deriveKeys(hash, (options.prep ?? PRECIS_PREP).password(password), salt, iterations);
  return { salt, iterations, storedKey, serverKey };
}

// @implements RFC5802 P10L14-P10L26
export class ScramServer {
  state: ScramServerState = 'Initial';
  /** After Done: who authenticated, and as whom they act. */
  authcid?: string;
  authzid?: string;
  private first?: ClientFirst;
  private serverFirst = '';
  private combinedNonce = '';
  private credentials?: StoredCredentials;
  private known = false;

  constructor(private readonly options: ScramServerOptions) {}

  /** Initial → SentServerFirst (the server-first-message), or Failed. */
  receiveClientFirst(message: string): ServerStep {
    this.require('Initial', 'client-first-message');
    let first: ClientFirst;
    try {
      first = parseClientFirst(message);
    } catch (e) {
      return this.failSyntax(e);
    }
    const cbFailure = this.checkChannelBindingFlag(first);
    if (cbFailure) return cbFailure;
    // @implements RFC5802 P11L40-P12L3
    let username: string;
    try {
      username = (this.options.prep ?? PRECIS_PREP).username(first.username);
    } catch (e) {
      return this.failed('invalid-username-encoding', SaslCondition.NotAuthorized, `RFC5802 §5.1 n: the username does not prepare: ${(e as Error).message}`);
    }
    // @implements RFC5802 P7L42-P7L46
    const stored = this.options.lookup(username);
    this.known = stored !== undefined;
    this.credentials = stored ?? this.standIn(username);
    this.first = first;
    this.authcid = username;
    // @implements RFC5802 P10L14-P10L16, P12L18-P12L21
    this.combinedNonce = first.nonce + (this.options.nonce ?? randomBytes(24).toString('base64'));
    this.serverFirst = writeServerFirst(this.combinedNonce, this.credentials.salt, this.credentials.iterations);
    this.state = 'SentServerFirst';
    return { ok: true, message: this.serverFirst };
  }

  /** SentServerFirst → Done (the server-final-message with v=), or Failed (with e=). */
  receiveClientFinal(message: string): ServerStep {
    this.require('SentServerFirst', 'client-final-message');
    let final;
    try {
      final = parseClientFinal(message);
    } catch (e) {
      return this.failSyntax(e, true);
    }
    const first = this.first!;
    // @implements RFC5802 P15L15-P15L17
    const cb = first.gs2.cbind;
    const expected = cbindInput(first.gs2Text, cb, cb.flag === 'p' ? this.bindingOf(cb.name)?.data : undefined);
    if (!sameBytes(final.channelBinding, expected))
      return this.failed('channel-bindings-dont-match', SaslCondition.NotAuthorized, 'RFC5802 §6: c= is not the GS2 header and channel binding data of this channel', true);
    // @implements RFC5802 P12L24-P12L26
    if (final.nonce !== this.combinedNonce)
      return this.failed('other-error', SaslCondition.NotAuthorized, 'RFC5802 §5.1 r: the nonce is not the one of the server-first-message', true);
    const auth = authMessage(first.bare, this.serverFirst, final.withoutProof);
    // @implements RFC6120 P91L3-P91L8
    // An unknown user fails here, as a wrong password does: the same e= and condition, nothing disclosed.
    if (!verifyProof(this.options.hash, this.credentials!, auth, final.proof) || !this.known)
      return this.failed('invalid-proof', SaslCondition.NotAuthorized, 'RFC5802 §3: the ClientProof does not verify against the StoredKey', true);
    // @implements RFC5802 P10L22-P10L26, P11L13-P11L16
    const authzid = first.gs2.authzid;
    if (authzid !== undefined && authzid !== this.authcid && !(this.options.authorize?.(this.authcid!, authzid) ?? false))
      return this.failed('other-error', SaslCondition.InvalidAuthzid, `RFC5802 §5.1 a: '${this.authcid}' may not act as '${authzid}'`, true);
    this.authzid = authzid ?? this.authcid;
    this.state = 'Done';
    return { ok: true, message: writeServerFinal({ verifier: serverSignature(this.options.hash, this.credentials!.serverKey, auth) }) };
  }

  /** §6's rules on the gs2-cbind-flag, checked on the client-first-message. */
  private checkChannelBindingFlag(first: ClientFirst): ServerStep | undefined {
    const cb = first.gs2.cbind;
    const supports = (this.options.channelBindings?.length ?? 0) > 0;
    // @implements RFC5802 P15L1-P15L9
    if (cb.flag === 'y' && supports)
      return this.failed('server-does-support-channel-binding', SaslCondition.NotAuthorized, 'RFC5802 §6: the client sent "y" (it thinks we do not support channel binding) but we do: a downgrade');
    // @implements RFC5802 P15L11-P15L13, P15L38-P15L39
    if (cb.flag === 'p' && !supports)
      return this.failed('channel-binding-not-supported', SaslCondition.NotAuthorized, `RFC5802 §6: the client requires channel binding ${cb.name}, which this server does not support`);
    if (cb.flag === 'p' && !this.bindingOf(cb.name))
      return this.failed('unsupported-channel-binding-type', SaslCondition.NotAuthorized, `RFC5802 §6: channel binding type '${cb.name}' is not one this server supports (${this.options.channelBindings!.map((b) => b.type).join(', ')})`);
    // The -PLUS name means channel binding is used, and only then (RFC 5802 §4).
    if (this.options.plus !== (cb.flag === 'p'))
      return this.failed('other-error', SaslCondition.NotAuthorized, `RFC5802 §4: the ${this.options.plus ? '-PLUS' : 'non-PLUS'} mechanism was chosen but the gs2-cbind-flag is "${cb.flag}"`);
    return undefined;
  }

  // @implements RFC5802 P12L38-P12L39
  private bindingOf(type: string): ChannelBinding | undefined {
    return this.options.channelBindings?.find((b) => b.type === type);
  }

  // @implements RFC6120 P91L3-P91L8
  // The exchange goes on to the proof, so that the cause (no such user) is not disclosed.
  /** For a user that does not exist: a salt that is the same on every try, keys that match no password. */
  private standIn(username: string): StoredCredentials {
    const secret = this.options.secret ?? PROCESS_SECRET;
    const salt = new Uint8Array(createHmac('sha256', secret).update(`salt:${username}`).digest().subarray(0, 16));
    const random = new Uint8Array(randomBytes(this.options.hash === 'SHA-1' ? 20 : 32));
    return { salt, iterations: this.options.iterations ?? 4096, storedKey: random, serverKey: random };
  }

  private failSyntax(e: unknown, final = false): ServerStep {
    if (!(e instanceof ScramSyntaxError)) throw e;
    return this.failed(e.serverError, SaslCondition.MalformedRequest, e.message, final);
  }

  // @implements RFC5802 P13L22-P13L28
  private failed(error: ServerErrorValue, condition: SaslCondition, reason: string, final = false): ServerStep {
    this.state = 'Failed';
    return { ok: false, error, condition, reason, ...(final ? { message: writeServerFinal({ error }) } : {}) };
  }

  private require(state: ScramServerState, event: string): void {
    if (this.state !== state) throw new ScramStateError('server', this.state, event);
  }
}
