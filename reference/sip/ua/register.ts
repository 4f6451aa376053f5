// @implements RFC3261 (SIP)
/**
 * The REGISTER client (§10.2): builds REGISTER requests for one
 * address-of-record, keeps the Call-ID for its whole life and increments the
 * CSeq, answers 401/407 digest challenges (a DigestSession of reference/auth,
 * whose credentials then go with every later REGISTER)
 * and 423 (Interval Too Brief), reads the bindings back from the 200 OK, and
 * refreshes its own binding before it expires. Bindings are removed one by
 * one (expires=0) or all at once (Contact: *, Expires: 0).
 */
import { formatAddress, type Address } from '../syntax/address.ts';
import { contacts, type Request, type Response } from '../syntax/message.ts';
import { paramValue } from '../syntax/params.ts';
import { formatUri, uriEquals, type URI } from '../syntax/uri.ts';
import type { Failure } from '../transaction/actions.ts';
import type { TimerHandle } from '../../clock.ts';
import type { TransactionLayer } from '../transaction/layer.ts';
import type { Destination } from '../transport/layer.ts';
import type { HostPort } from '../transport/via.ts';
import { DigestSession } from '../../auth/digest.ts';
import type { Credentials } from './auth.ts';
import { newCallId, newTag } from '../core/ids.ts';
import { createUacRequest, uriDestination } from './uac.ts';

export interface RegistrationOptions {
  /** The address-of-record to register (To and From). */
  aor: URI;
  /** The registrar: the Request-URI, a SIP URI without user part. */
  registrar: URI;
  /** Our contact address; omitted to only fetch the bindings. */
  contact?: Address;
  credentials?: Credentials;
  /** The expiration to ask for (seconds); none lets the registrar choose. */
  expires?: number;
  /** Where to send the REGISTER; default: the registrar URI's address. */
  destination?: Destination;
}

export interface RegisteredBinding {
  contact: Address;
  /** Seconds, from the expires parameter or the Expires header field. */
  expires: number | undefined;
}

export type RegisterResult =
  | { ok: true; response: Response; bindings: RegisteredBinding[]; /** Our own binding's expiry, if listed. */ ours?: number }
  | { ok: false; response?: Response; failure?: Failure; reason: string };

/** What the client needs below it: the transaction layer and our transport address. */
export interface RegisterLayers {
  transactions: Pick<TransactionLayer, 'sendRequest' | 'clock'>;
  sentBy: HostPort;
}

export class RegisterClient {
  // @implements RFC3261 P58L6-P58L8, P62L10-P62L11
  readonly callId = newCallId();
  /** The CSeq number of the last REGISTER sent. */
  seq = 0;
  #refresh: TimerHandle | undefined;
  #busy = false;
  readonly #fromTag = newTag();
  /** The digest session: the challenge answered last and its nonce count. */
  readonly #session: DigestSession | undefined;
  #proxyAuth = false;

  constructor(
    private readonly layers: RegisterLayers,
    readonly options: RegistrationOptions,
  ) {
    // @implements RFC3261 P57L37-P57L40
    if (options.registrar.user !== undefined) throw new Error(`the registrar Request-URI must not have a user part (RFC 3261 §10.2), got ${formatUri(options.registrar)}`);
    // @implements RFC3261 P57L45-P57L46
    if (options.aor.scheme !== 'sip' && options.aor.scheme !== 'sips') throw new Error(`the address-of-record must be a SIP or SIPS URI (RFC 3261 §10.2), got ${formatUri(options.aor)}`);
    this.#session = options.credentials === undefined ? undefined : new DigestSession(options.credentials.username, options.credentials.password);
  }

  /** Adds or refreshes our binding (expires as configured, or given). */
  register(expires = this.options.expires): Promise<RegisterResult> {
    return this.send((request) => {
      if (this.options.contact === undefined) return;
      const contact: Address = { ...this.options.contact, params: new Map(this.options.contact.params) };
      // @implements RFC3261 P59L32-P59L35, P60L40-P60L46
      if (expires !== undefined) contact.params.set('expires', String(expires));
      request.headers.append('Contact', formatAddress(contact));
    });
  }

  /** Removes our binding: expires=0 on our contact. */
  // @implements RFC3261 P61L21-P61L23
  unregister(): Promise<RegisterResult> {
    this.stopRefresh();
    return this.register(0);
  }

  /** Removes every binding of the address-of-record: Contact: * with Expires: 0. */
  // @implements RFC3261 P61L26-P61L28
  unregisterAll(): Promise<RegisterResult> {
    this.stopRefresh();
    return this.send((request) => {
      request.headers.append('Contact', '*');
      request.headers.append('Expires', '0');
    });
  }

  /** Fetches the current bindings: a REGISTER without Contact. */
  // @implements RFC3261 P61L36-P61L39
  fetch(): Promise<RegisterResult> {
    return this.send(() => {});
  }

  /**
   * Registers, then keeps refreshing our binding before it expires until
   * stopRefresh(). `onRefresh` hears of every outcome.
   */
  // @implements RFC3261 P61L43-P61L44, P62L1-P62L7
  async registerAndRefresh(onRefresh: (result: RegisterResult) => void = () => {}): Promise<RegisterResult> {
    const result = await this.register();
    this.scheduleRefresh(result, onRefresh);
    return result;
  }

  stopRefresh(): void {
    if (this.#refresh !== undefined) this.layers.transactions.clock.clearTimer(this.#refresh);
    this.#refresh = undefined;
  }

  private scheduleRefresh(result: RegisterResult, onRefresh: (result: RegisterResult) => void): void {
    this.stopRefresh();
    if (!result.ok || result.ours === undefined || result.ours <= 0) return;
    // @implements RFC3261 P62L6-P62L7
    // Refresh when half the interval has passed, so a lost request can be retried in time.
    const ms = Math.max(1, result.ours * 500);
    this.#refresh = this.layers.transactions.clock.setTimer(ms, async () => {
      this.#refresh = undefined;
      const next = await this.register();
      onRefresh(next);
      this.scheduleRefresh(next, onRefresh);
    });
  }

  /** Builds one REGISTER, sends it, answers challenges and 423, and reads the result. */
  private async send(addContact: (request: Request) => void): Promise<RegisterResult> {
    // @implements RFC3261 P58L21-P58L24
    if (this.#busy) throw new Error('a REGISTER is still pending: wait for its final response (RFC 3261 §10.2)');
    this.#busy = true;
    try {
      let contactHook = addContact;
      for (let attempt = 0; attempt < 4; attempt++) {
        const request = this.build(contactHook);
        const outcome = await this.transact(request);
        if ('failure' in outcome) {
          // @implements RFC3261 P63L1-P63L3
          return { ok: false, failure: outcome.failure, reason: `REGISTER failed: ${outcome.failure} (not retried at once)` };
        }
        const response = outcome.response;
        if (response.status >= 200 && response.status < 300) return this.read(response);
        if (response.status === 401 || response.status === 407) {
          // @implements RFC3261 P196L10-P196L11
          const session = this.#session;
          if (session === undefined) return { ok: false, response, reason: `${response.status} ${response.reason}: no credentials configured` };
          const header = response.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
          const verdict = session.onChallenge(response.headers.lines(header).map((f) => f.value), response.status === 407);
          if (verdict === 'rejected') return { ok: false, response, reason: `${response.status} ${response.reason}: credentials refused` };
          if (verdict === 'unsupported') return { ok: false, response, reason: `${response.status} ${response.reason}: no challenge this client can answer` };
          this.#proxyAuth = response.status === 407;
          continue;
        }
        // @implements RFC3261 P63L12-P63L16
        const minExpires = Number(response.headers.get('Min-Expires'));
        if (response.status === 423 && Number.isInteger(minExpires) && minExpires > 0 && /;\s*expires=/i.test(request.headers.get('Contact') ?? '')) {
          contactHook = (r) => {
            addContact(r);
            for (const f of r.headers.lines('Contact')) f.value = f.value.replace(/;\s*expires=\d+/i, `;expires=${minExpires}`);
          };
          continue;
        }
        return { ok: false, response, reason: `${response.status} ${response.reason}` };
      }
      return { ok: false, reason: 'REGISTER: too many retries' };
    } finally {
      this.#busy = false;
    }
  }

  /** §10.2: the REGISTER's header fields, and credentials once a challenge has been answered. */
  private build(addContact: (request: Request) => void): Request {
    // @implements RFC3261 P58L14-P58L16, P196L45-P196L48
    this.seq += 1;
    // No deprecated "action" parameter is ever added to Contact.
    // @implements RFC3261 P57L42-P57L46, P58L1-P58L4, P59L29-P59L30
    const from: Address = { uri: this.options.aor, params: new Map([['tag', this.#fromTag]]), nameAddr: true };
    const request = createUacRequest({ method: 'REGISTER', target: this.options.aor, from, callId: this.callId, seq: this.seq }, this.layers.sentBy);
    // @implements RFC3261 P57L37-P57L40
    request.requestUri = this.options.registrar;
    addContact(request);
    // Credentials are kept and sent with every later REGISTER (the nonce count goes up).
    // @implements RFC3261 P196L13-P196L18, P196L24-P196L28
    const authorization = this.#session?.authorize({ method: 'REGISTER', uri: formatUri(this.options.registrar) });
    if (authorization !== undefined) request.headers.append(this.#proxyAuth ? 'Proxy-Authorization' : 'Authorization', authorization.header);
    return request;
  }

  private transact(request: Request): Promise<{ response: Response } | { failure: Failure }> {
    const destination = this.options.destination ?? uriDestination(this.options.registrar);
    return new Promise((resolve) => {
      this.layers.transactions.sendRequest(request, destination, {
        response: (response) => {
          if (response.status >= 200) resolve({ response });
        },
        failure: (failure) => resolve({ failure }),
      });
    });
  }

  /**
   * The bindings of a 2xx: every Contact with its expiry (the expires
   * parameter, else the Expires header field). Record-Route is ignored.
   */
  // @implements RFC3261 P60L16-P60L19, P62L1-P62L6, P57L28-P57L32
  private read(response: Response): RegisterResult {
    const listed = contacts(response);
    const header = response.headers.get('Expires');
    const bindings: RegisteredBinding[] = listed === '*' ? [] : listed.map((contact) => {
      const param = paramValue(contact.params, 'expires') ?? header;
      return { contact, expires: param === undefined ? undefined : Number(param) };
    });
    const mine = this.options.contact === undefined ? undefined : bindings.find((b) => uriEquals(b.contact.uri, (this.options.contact as Address).uri));
    return { ok: true, response, bindings, ...(mine?.expires !== undefined && { ours: mine.expires }) };
  }
}
