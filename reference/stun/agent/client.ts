// @implements RFC8489 (STUN)
/**
 * The Binding client (RFC 8489 §6.1, §6.3.3, §6.3.4): forms a request, runs
 * it as a transaction (../transaction/), and makes sense of the response:
 * the reflexive transport address, or why there is none. Authentication is a
 * hook (`Credentials`): it signs each request and, on a 401 or 438, says
 * whether to try again (§9); auth.ts builds one from a user and password.
 */
import { randomBytes } from 'node:crypto';
import {
  Binding,
  decodeMessage,
  encodeMessage,
  firstAttribute,
  unknownComprehensionRequired,
  type StunMessage,
  type TransportAddress,
} from '../message/index.ts';
import type { RequestAuthentication, ResponseVerdict } from '../auth/index.ts';
import { request, TransactionFailed, type RequestOptions, type StunTransport } from '../transaction/request.ts';

/**
 * What a credential mechanism does for the client (§9): what each request
 * carries, and the verdict on each response. ../auth/'s ShortTermClient and
 * LongTermClient, through auth.ts.
 */
export interface Credentials {
  request(): RequestAuthentication;
  onResponse(response: StunMessage, bytes: Uint8Array, reliable: boolean): ResponseVerdict;
}

export interface BindingOptions extends RequestOptions {
  credentials?: Credentials;
  /** Add FINGERPRINT to the request. */
  fingerprint?: boolean;
  software?: string;
}

export interface BindingResult {
  /** The reflexive transport address (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from an RFC 3489 server). */
  mapped: TransportAddress;
  /** Which attribute it came from. */
  from: 'XOR-MAPPED-ADDRESS' | 'MAPPED-ADDRESS';
  response: StunMessage;
  /** Transactions run (more than one after an authentication retry or a 5xx). */
  transactions: number;
}

/** A Binding transaction failed as §6.3.3/§6.3.4 say; `response` is the last one, if any. */
export class BindingFailed extends Error {
  constructor(
    message: string,
    readonly response?: StunMessage,
  ) {
    super(message);
    this.name = 'BindingFailed';
  }
}

// @implements RFC8489 P20L6-P20L9
/** §6.3.4: a 500-599 may be retried, at most 4 times. */
export const MAX_5XX_RETRIES = 4;
/** Authentication retries (a new nonce, then a stale one): more means the server and client disagree. */
const MAX_AUTH_RETRIES = 2;

/** A fresh transaction id: 96 random bits (§5: uniformly and randomly chosen, cryptographically random). */
// @implements RFC8489 P11L3-P11L7
export function newTransactionId(): Uint8Array {
  return new Uint8Array(randomBytes(12));
}

/** Runs Binding transactions until one gives a reflexive address or fails for good. */
export async function binding(transport: StunTransport, options: BindingOptions = {}): Promise<BindingResult> {
  let fivexx = 0;
  let auth = 0;
  const credentials = options.credentials;
  for (let transactions = 1; ; transactions++) {
    // @implements RFC8489 P11L38-P11L42
    const req: StunMessage = { class: 'request', method: Binding, transactionId: newTransactionId(), attributes: [] };
    if (options.software !== undefined) req.attributes.push({ type: 'SOFTWARE', value: options.software });
    // @implements RFC8489 P11L44-P11L47
    const signed = credentials?.request();
    if (signed) req.attributes.push(...signed.attributes);
    const bytes = encodeMessage(req, { ...(signed?.integrity && { integrity: signed.integrity }), ...(options.fingerprint && { fingerprint: true }) });
    let verdict: ResponseVerdict | undefined;
    let discarded: string | undefined;
    let response: StunMessage | undefined;
    const accept = (raw: Uint8Array): boolean => {
      const decoded = decodeMessage(raw);
      // §6.3: what breaks §5 is silently discarded; retransmissions go on.
      // @implements RFC8489 P16L33-P16L34
      if (!decoded.ok) return false;
      const v = credentials?.onResponse(decoded.message, raw, transport.reliable) ?? { action: 'accept' };
      // @implements RFC8489 P25L28-P25L33, P32L32-P32L37
      if (v.action === 'discard') {
        if (v.integrityViolated) discarded = v.reason;
        return false;
      }
      verdict = v;
      response = decoded.message;
      return true;
    };
    try {
      await request(transport, bytes, { ...options, accept });
    } catch (e) {
      // §9.1.4, §9.2.5: every response failing its integrity check is an integrity violation, not a timeout.
      if (e instanceof TransactionFailed && e.failure === 'timeout' && discarded) throw new BindingFailed(`integrity violation: ${discarded}`);
      throw e;
    }
    // @implements RFC8489 P19L39-P19L41
    const v = verdict!;
    const r = response!;
    if (v.action === 'fail' || v.action === 'violated') throw new BindingFailed(v.reason, r);
    if (v.action === 'retry') {
      if (auth++ < MAX_AUTH_RETRIES) continue;
      throw new BindingFailed(`${v.reason}: more than ${MAX_AUTH_RETRIES} retries`, r);
    }
    const outcome = processResponse(r);
    if (outcome.ok) return { mapped: outcome.mapped, from: outcome.from, response: r, transactions };
    // @implements RFC8489 P20L6-P20L9
    if (outcome.retry === '5xx' && fivexx++ < MAX_5XX_RETRIES) continue;
    throw new BindingFailed(outcome.why, r);
  }
}

type Outcome =
  | { ok: true; mapped: TransportAddress; from: 'XOR-MAPPED-ADDRESS' | 'MAPPED-ADDRESS' }
  | { ok: false; why: string; retry?: 'auth' | '5xx' };

/** §6.3.3 and §6.3.4 for a Binding response. */
export function processResponse(response: StunMessage): Outcome {
  const unknown = unknownComprehensionRequired(response);
  if (response.class === 'success') {
    // @implements RFC8489 P19L17-P19L19
    if (unknown.length > 0) return { ok: false, why: `the success response has unknown comprehension-required attributes ${hex(unknown)}: the transaction failed (RFC8489 §6.3.3)` };
    // @implements RFC8489 P19L25-P19L31
    const xor = firstAttribute(response, 'XOR-MAPPED-ADDRESS');
    if (xor) return { ok: true, mapped: xor.value, from: 'XOR-MAPPED-ADDRESS' };
    // An RFC 3489 server answers with MAPPED-ADDRESS only (RFC 5389 §12.1).
    const mapped = firstAttribute(response, 'MAPPED-ADDRESS');
    if (mapped) return { ok: true, mapped: mapped.value, from: 'MAPPED-ADDRESS' };
    return { ok: false, why: 'the success response has no XOR-MAPPED-ADDRESS (RFC8489 §6.3.3)' };
  }
  const error = firstAttribute(response, 'ERROR-CODE');
  // @implements RFC8489 P19L35-P19L37
  if (unknown.length > 0) return { ok: false, why: `the error response has unknown comprehension-required attributes ${hex(unknown)}: the transaction failed (RFC8489 §6.3.4)` };
  if (!error) return { ok: false, why: 'the error response has no ERROR-CODE: the transaction failed (RFC8489 §6.3.4)' };
  const said = `${error.code} ${error.reason}`;
  // @implements RFC8489 P19L39-P19L41
  if (error.code === 401 || error.code === 438) return { ok: false, why: `the server answered ${said}`, retry: 'auth' };
  // @implements RFC8489 P19L46-P19L48
  // @exception RFC8489 P33L29-P33L36, P33L37-P33L46: the client does not use the ALTERNATE-SERVER extension: a 300 fails the transaction
  if (error.code >= 300 && error.code <= 399) return { ok: false, why: `the server answered ${said} (ALTERNATE-SERVER is not followed: RFC8489 §6.3.4)` };
  if (error.code >= 400 && error.code <= 499) {
    // @implements RFC8489 P20L1-P20L4
    const ua = error.code === 420 ? firstAttribute(response, 'UNKNOWN-ATTRIBUTES') : undefined;
    return { ok: false, why: `the server answered ${said}${ua ? ` (UNKNOWN-ATTRIBUTES ${hex(ua.value)})` : ''}` };
  }
  if (error.code >= 500 && error.code <= 599) return { ok: false, why: `the server answered ${said}`, retry: '5xx' };
  // @implements RFC8489 P20L11-P20L12
  return { ok: false, why: `the server answered ${said}` };
}

function hex(types: number[]): string {
  return types.map((t) => `0x${t.toString(16).padStart(4, '0')}`).join(', ');
}
