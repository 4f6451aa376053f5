/**
 * A SCRAM client (RFC 5802 §5, RFC 7677 §3) as a machine whose states are
 * the exchange: Initial → SentClientFirst → SentClientFinal → Done, or
 * Failed. A message the state does not expect is refused naming both.
 *
 * @implements RFC5802 (SCRAM)
 */
import { randomBytes } from 'node:crypto';
import type { ChannelBinding } from './channelBinding.ts';
import { type ScramHash, authMessage, clientProof, deriveKeys, sameBytes, serverSignature } from './scramCrypto.ts';
import {
  type CbindFlag, type ServerErrorValue, cbindInput, parseServerFinal, parseServerFirst, toBase64,
  writeClientFinalWithoutProof, writeClientFirst,
} from './scramMessages.ts';
import { type ScramPrep, PRECIS_PREP } from './prep.ts';

export type ScramClientState = 'Initial' | 'SentClientFirst' | 'SentClientFinal' | 'Done' | 'Failed';

// @implements RFC5802 P9L34-P9L36
/** A message arriving where the exchange has no place for it. */
export class ScramStateError extends Error {
  constructor(readonly role: 'client' | 'server', readonly state: string, readonly event: string) {
    super(`SCRAM ${role} in state ${state} cannot take ${event} (RFC 5802 §5: the exchange is client-first, server-first, client-final, server-final)`);
    this.name = 'ScramStateError';
  }
}

/** The exchange failed: the rule broken, and the server's e= value when it sent one. */
export class ScramFailure extends Error {
  constructor(message: string, readonly serverError?: ServerErrorValue) {
    super(message);
    this.name = 'ScramFailure';
  }
}

export interface ScramClientOptions {
  hash: ScramHash;
  username: string;
  password: string;
  authzid?: string;
  /** The c-nonce; default 24 random octets in base64 (printable, no ','). */
  nonce?: string;
  /** The channel's binding, when this client supports channel binding. */
  channelBinding?: ChannelBinding;
  /** Whether the server advertised the -PLUS variant of the mechanism. */
  serverOffersPlus?: boolean;
  prep?: ScramPrep;
}

// @implements RFC5802 P10L1-P10L7
export class ScramClient {
  state: ScramClientState = 'Initial';
  readonly cbind: CbindFlag;
  private readonly nonce: string;
  private gs2Text = '';
  private bare = '';
  private expectedSignature?: Uint8Array;

  constructor(private readonly options: ScramClientOptions) {
    this.nonce = options.nonce ?? randomBytes(24).toString('base64');
    this.cbind = chooseFlag(options);
  }

  /** The mechanism this client runs: SCRAM-SHA-1, SCRAM-SHA-256-PLUS, ... */
  get mechanism(): string {
    return `SCRAM-${this.options.hash}${this.cbind.flag === 'p' ? '-PLUS' : ''}`;
  }

  /** Initial → SentClientFirst: the client-first-message. */
  clientFirst(): string {
    this.require('Initial', 'sending client-first-message');
    const prep = this.options.prep ?? PRECIS_PREP;
    // @implements RFC5802 P11L29-P11L35
    const username = this.fail(() => prep.username(this.options.username), 'username preparation');
    const { text, gs2Text, bare } = writeClientFirst({ cbind: this.cbind, ...(this.options.authzid === undefined ? {} : { authzid: this.options.authzid }) }, username, this.nonce);
    this.gs2Text = gs2Text;
    this.bare = bare;
    this.state = 'SentClientFirst';
    return text;
  }

  /** SentClientFirst → SentClientFinal: the server-first-message read, the client-final-message written. */
  receiveServerFirst(message: string): string {
    this.require('SentClientFirst', 'server-first-message');
    const first = this.fail(() => parseServerFirst(message), 'server-first-message');
    // @implements RFC5802 P12L22-P12L24
    if (!first.nonce.startsWith(this.nonce) || first.nonce.length === this.nonce.length)
      this.failWith(`RFC5802 §5.1 r: the server's nonce does not start with ours and add its own ('${first.nonce.slice(0, 40)}')`);
    const prep = this.options.prep ?? PRECIS_PREP;
    // @implements RFC5802 P6L33-P6L40
    const password = this.fail(() => prep.password(this.options.password), 'password preparation');
    const keys = deriveKeys(this.options.hash, password, first.salt, first.iterations);
    // @implements RFC9266 P3L46-P4L1
    // The binding data goes into cbind-input and nowhere else: never a key, never kept.
    const withoutProof = writeClientFinalWithoutProof(cbindInput(this.gs2Text, this.cbind, this.options.channelBinding?.data), first.nonce);
    const auth = authMessage(this.bare, message, withoutProof);
    const proof = clientProof(this.options.hash, keys.clientKey, keys.storedKey, auth);
    this.expectedSignature = serverSignature(this.options.hash, keys.serverKey, auth);
    this.state = 'SentClientFinal';
    // @implements RFC5802 P18L9-P18L10
    return `${withoutProof},p=${toBase64(proof)}`;
  }

  /** SentClientFinal → Done when the server's signature is the one we computed; Failed (thrown) otherwise. */
  receiveServerFinal(message: string): void {
    this.require('SentClientFinal', 'server-final-message');
    const final = this.fail(() => parseServerFinal(message), 'server-final-message');
    if ('error' in final) {
      this.state = 'Failed';
      throw new ScramFailure(`RFC5802 §5.1 e: the server failed the authentication: ${final.received}`, final.error);
    }
    // @implements RFC5802 P10L28-P10L32
    if (!sameBytes(final.verifier, this.expectedSignature!))
      this.failWith('RFC5802 §5: the ServerSignature (v=) is not the one we computed; the server does not know our password');
    this.state = 'Done';
  }

  private require(state: ScramClientState, event: string): void {
    if (this.state !== state) throw new ScramStateError('client', this.state, event);
  }

  private fail<T>(f: () => T, what: string): T {
    try {
      return f();
    } catch (e) {
      this.state = 'Failed';
      throw new ScramFailure(`${what}: ${(e as Error).message}`);
    }
  }

  private failWith(message: string): never {
    this.state = 'Failed';
    throw new ScramFailure(message);
  }
}

/** The gs2-cbind-flag, by §6's rules. */
function chooseFlag(o: ScramClientOptions): CbindFlag {
  // @implements RFC5802 P14L39-P14L41
  if (!o.channelBinding) return { flag: 'n' };
  // @implements RFC5802 P14L35-P14L37
  if (o.serverOffersPlus) return { flag: 'p', name: o.channelBinding.type };
  // @implements RFC5802 P14L30-P14L33
  return { flag: 'y' };
}

