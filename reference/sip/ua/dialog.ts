// @implements RFC3261 (SIP)
/**
 * A dialog (RFC 3261 §12): the state two user agents keep between the INVITE
 * that created it and the BYE that ends it — its ID (Call-ID, local tag,
 * remote tag), the local and remote sequence numbers, the local and remote
 * URIs, the remote target, the route set and the "secure" flag.
 *
 * A Dialog is plain state plus the rules that read and change it: creation at
 * the UAS (§12.1.1) and at the UAC (§12.1.2), building a request within the
 * dialog (§12.2.1.1), and checking a request received within it (§12.2.2).
 * Sending and receiving is the UserAgent's business (userAgent.ts).
 */
import { formatAddress, tagOf, type Address } from '../syntax/address.ts';
import { callId, contacts, cseq, from, recordRoutes, to, type Request, type Response } from '../syntax/message.ts';
import { createRequest } from '../syntax/message.ts';
import { formatUri, type URI } from '../syntax/uri.ts';

/** A dialog created by a provisional response is early; a 2xx confirms it. */
// @implements RFC3261 P70L14-P70L18
export type DialogState = 'Early' | 'Confirmed' | 'Terminated';

/** What moves a dialog from one state to another (§12, §12.3, §15). */
export type DialogEvent =
  /** UAC: a 2xx to the INVITE arrived; its Contact, if any, is the remote target (§12.1.2). */
  | { type: '2xx received'; response: Response }
  /** UAS: this UA sent its 2xx to the INVITE (§12.1.1). */
  | { type: '2xx sent' }
  /** The INVITE that created the early dialog got a non-2xx final response, or none at all (§12.3). */
  | { type: 'non-2xx final' }
  | { type: 'BYE sent' }
  | { type: 'BYE received' };

export interface DialogId {
  callId: string;
  /** undefined stands for the "null" tag of an RFC 2543 peer. */
  localTag: string | undefined;
  remoteTag: string | undefined;
}

/** The dialog ID as one string, for maps. */
export const dialogKey = (id: DialogId): string => `${id.callId}\n${id.localTag ?? ''}\n${id.remoteTag ?? ''}`;

/**
 * The dialog ID a UAS computes for a request it receives (§12): Call-ID,
 * remote tag from From, local tag from To.
 */
// @implements RFC3261 P69L43-P69L45, P69L48-P70L5
export function uasDialogId(message: Request): DialogId {
  return { callId: callId(message), localTag: tagOf(to(message)), remoteTag: tagOf(from(message)) };
}

/** The dialog ID a UAC computes for a response it receives (§12). */
// @implements RFC3261 P69L45-P69L48, P70L1
export function uacDialogId(message: Response): DialogId {
  return { callId: callId(message), localTag: tagOf(from(message)), remoteTag: tagOf(to(message)) };
}

/** Only 2xx and 101-199 responses with a To tag to an INVITE create a dialog. */
// @implements RFC3261 P70L22-P70L27
export function createsDialog(request: Request, response: Response): boolean {
  if (request.method !== 'INVITE') return false;
  if (!((response.status > 100 && response.status < 200) || (response.status >= 200 && response.status < 300))) return false;
  return tagOf(to(response)) !== undefined;
}

/** The single Contact URI of a message that establishes or refreshes a dialog. */
function contactUri(message: Request | Response): URI | undefined {
  const list = contacts(message);
  if (list === '*' || list.length === 0) return undefined;
  return list[0].uri;
}

export class Dialog {
  #state: DialogState;
  /** Which side of the INVITE this UA was: the callee may not end an early dialog with BYE (§15). */
  readonly side: 'UAC' | 'UAS';
  readonly id: DialogId;
  /** Sequence number of the last request this UA sent in the dialog; undefined = empty. */
  localSeq: number | undefined;
  /** Sequence number of the last request the peer sent in the dialog; undefined = empty. */
  remoteSeq: number | undefined;
  readonly localUri: URI;
  readonly remoteUri: URI;
  remoteTarget: URI;
  /** The Record-Route URIs with their parameters, as addresses, in the order requests visit them. */
  readonly routeSet: readonly Address[];
  readonly secure: boolean;
  /** The Contact this UA put in the message that created the dialog (reused in target refreshes). */
  readonly localContact: Address;

  // The dialog's state is the pieces §12 lists, plus its side and our Contact.
  // @implements RFC3261 P70L7-P70L13
  private constructor(fields: {
    state: DialogState;
    side: 'UAC' | 'UAS';
    id: DialogId;
    localSeq: number | undefined;
    remoteSeq: number | undefined;
    localUri: URI;
    remoteUri: URI;
    remoteTarget: URI;
    routeSet: Address[];
    secure: boolean;
    localContact: Address;
  }) {
    this.#state = fields.state;
    this.side = fields.side;
    this.id = fields.id;
    this.localSeq = fields.localSeq;
    this.remoteSeq = fields.remoteSeq;
    this.localUri = fields.localUri;
    this.remoteUri = fields.remoteUri;
    this.remoteTarget = fields.remoteTarget;
    this.routeSet = fields.routeSet;
    this.secure = fields.secure;
    this.localContact = fields.localContact;
  }

  /** The dialog's index among the UA's dialogs: its dialog ID, which identifies it at this UA. */
  // @implements RFC3261 P69L36-P69L37
  get key(): string {
    return dialogKey(this.id);
  }

  /**
   * The UAS side: the dialog `response` (a 101-199 or 2xx with a To tag,
   * carrying our Contact and the copied Record-Route) creates for `request`.
   */
  static asUas(request: Request, response: Response, options: { overTls?: boolean } = {}): Dialog {
    if (!createsDialog(request, response)) throw new Error(`a ${response.status} to ${request.method} does not create a dialog (RFC 3261 §12.1)`);
    const localContact = contacts(response);
    // @implements RFC3261 P70L42-P70L43
    if (localContact === '*' || localContact.length === 0) throw new Error('a response that creates a dialog must carry a Contact (RFC 3261 §12.1.1)');
    // An RFC 2543 INVITE may lack a Contact (RFC 4475 §3.4.1); its requests then went to the From URI.
    // @exception RFC3261 P71L21-P71L22: without a Contact in the request the From URI is the remote target (RFC 2543 behaviour).
    const remoteTarget = contactUri(request) ?? from(request).uri;
    const seq = cseq(request).seq;
    return new Dialog({
      state: response.status < 200 ? 'Early' : 'Confirmed',
      side: 'UAS',
      // @implements RFC3261 P71L13-P71L14
      secure: (options.overTls ?? false) && request.requestUri.scheme === 'sips',
      // @implements RFC3261 P71L16-P71L19
      routeSet: recordRoutes(request),
      // @implements RFC3261 P71L21-P71L22
      remoteTarget,
      // @implements RFC3261 P71L24-P71L26
      remoteSeq: seq,
      localSeq: undefined,
      // @implements RFC3261 P71L26-P71L33
      id: { callId: callId(request), localTag: tagOf(to(response)), remoteTag: tagOf(from(request)) },
      // @implements RFC3261 P71L38-P71L39
      remoteUri: from(request).uri,
      localUri: to(request).uri,
      localContact: localContact[0],
    });
  }

  /** The UAC side: the dialog a 101-199 or 2xx response with a To tag creates for our `request`. */
  static asUac(request: Request, response: Response, options: { overTls?: boolean } = {}): Dialog {
    if (!createsDialog(request, response)) throw new Error(`a ${response.status} to ${request.method} does not create a dialog (RFC 3261 §12.1)`);
    const localContact = contacts(request);
    if (localContact === '*' || localContact.length === 0) throw new Error('a request that can create a dialog must carry a Contact (RFC 3261 §12.1.2)');
    // A provisional response need not carry a Contact; until one does, the
    // Request-URI is the best target we know.
    const remoteTarget = contactUri(response) ?? request.requestUri;
    return new Dialog({
      state: response.status < 200 ? 'Early' : 'Confirmed',
      side: 'UAC',
      // @implements RFC3261 P72L5-P72L6
      secure: (options.overTls ?? false) && request.requestUri.scheme === 'sips',
      // @implements RFC3261 P72L8-P72L11
      routeSet: recordRoutes(response).reverse(),
      // @implements RFC3261 P72L13-P72L14
      remoteTarget,
      // @implements RFC3261 P72L16-P72L19
      localSeq: cseq(request).seq,
      remoteSeq: undefined,
      // @implements RFC3261 P72L19-P72L25
      id: { callId: callId(request), localTag: tagOf(from(request)), remoteTag: tagOf(to(response)) },
      // @implements RFC3261 P72L30-P72L31
      remoteUri: to(response).uri,
      localUri: from(request).uri,
      localContact: localContact[0],
    });
  }

  get state(): DialogState {
    return this.#state;
  }

  /**
   * The dialog's machine, state × event. An event the RFC does not allow in
   * a state is refused with an error naming both; nothing is ignored.
   */
  dispatch(event: DialogEvent): void {
    const refuse = (why: string) => new Error(`dialog ${this.id.callId}: ${event.type} in state ${this.#state}: ${why}`);
    switch (this.#state) {
      case 'Early':
        switch (event.type) {
          // @implements RFC3261 P70L14-P70L17
          case '2xx received':
            this.#confirm(event.response, refuse);
            return;
          case '2xx sent':
            if (this.side !== 'UAS') throw refuse('only the UAS sends the 2xx to the INVITE');
            this.#state = 'Confirmed';
            return;
          // @implements RFC3261 P70L17-P70L18, P77L32-P77L35
          case 'non-2xx final':
            this.#state = 'Terminated';
            return;
          // @implements RFC3261 P89L46-P89L48
          case 'BYE sent':
            if (this.side === 'UAS') throw refuse('the callee MUST NOT send a BYE on an early dialog (RFC 3261 §15)');
            this.#state = 'Terminated';
            return;
          // The caller's BYE on an early dialog ends it.
          // @implements RFC3261 P89L46-P89L48
          case 'BYE received':
            this.#state = 'Terminated';
            return;
          default:
            return unreachable(event);
        }
      case 'Confirmed':
        switch (event.type) {
          // A 2xx again (a retransmission, or the 2xx rebuilt a confirmed dialog from): the dialog stays, its Contact is the target.
          case '2xx received':
            this.#confirm(event.response, refuse);
            return;
          case '2xx sent':
            throw refuse('the dialog is confirmed already');
          case 'non-2xx final':
            throw refuse('a non-2xx final response ends early dialogs only (RFC 3261 §12.3)');
          // @implements RFC3261 P77L35-P77L37
          case 'BYE sent':
          case 'BYE received':
            this.#state = 'Terminated';
            return;
          default:
            return unreachable(event);
        }
      case 'Terminated':
        throw refuse('the dialog is terminated (RFC 3261 §12.3)');
      default:
        return unreachable(this.#state);
    }
  }

  /** A 2xx at the UAC confirms the dialog and may bring the peer's Contact. */
  #confirm(response: Response, refuse: (why: string) => Error): void {
    if (this.side !== 'UAC') throw refuse('only the UAC receives the 2xx to its INVITE');
    if (!(response.status >= 200 && response.status < 300)) throw new Error(`a ${response.status} does not confirm a dialog (RFC 3261 §12): only a 2xx does`);
    // @implements RFC3261 P70L15-P70L17
    this.#state = 'Confirmed';
    const target = contactUri(response);
    if (target !== undefined) this.remoteTarget = target;
  }

  /**
   * The next local CSeq number: one more than the last, or a first value
   * chosen as for a request outside a dialog (§8.1.1.5).
   */
  // @implements RFC3261 P73L37-P73L46
  nextLocalSeq(): number {
    this.localSeq = this.localSeq === undefined ? initialSeq() : this.localSeq + 1;
    return this.localSeq;
  }

  /**
   * A request within this dialog (§12.2.1.1): To, From, Call-ID, CSeq,
   * Request-URI and Route from the dialog state. The Via (with its branch),
   * Max-Forwards and Contact are added by the UA (§8.1.1). ACK and CANCEL
   * reuse the CSeq number they acknowledge or cancel: pass it as `seq`.
   */
  createRequest(method: string, options: { seq?: number; body?: string | Uint8Array; contentType?: string } = {}): Request {
    if (this.state === 'Terminated') throw new Error(`cannot send ${method}: the dialog is terminated (RFC 3261 §12.3)`);
    // @implements RFC3261 P73L19-P73L26
    const toAddress: Address = { uri: this.remoteUri, params: new Map(), nameAddr: true };
    if (this.id.remoteTag !== undefined) toAddress.params.set('tag', this.id.remoteTag);
    const fromAddress: Address = { uri: this.localUri, params: new Map(), nameAddr: true };
    if (this.id.localTag !== undefined) fromAddress.params.set('tag', this.id.localTag);
    // @implements RFC3261 P73L36-P73L40
    const seq = options.seq ?? this.nextLocalSeq();
    const { requestUri, route } = this.requestUriAndRoute();
    const request = createRequest(method, requestUri, [
      ['To', formatAddress(toAddress)],
      ['From', formatAddress(fromAddress)],
      // @implements RFC3261 P73L36, P37L39-P37L40
      ['Call-ID', this.id.callId],
      ['CSeq', `${seq} ${method}`],
    ]);
    if (route.length > 0) request.headers.append('Route', route.map(formatAddress).join(', '));
    if (options.body !== undefined) {
      // @implements RFC3261 P33L17-P33L18, P170L15-P170L16
      request.headers.append('Content-Type', options.contentType ?? 'application/sdp');
      request.body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
    }
    return request;
  }

  /** §12.2.1.1: the Request-URI and Route from the remote target and the route set. */
  requestUriAndRoute(): { requestUri: URI; route: Address[] } {
    const target: Address = { uri: this.remoteTarget, params: new Map(), nameAddr: true };
    // @implements RFC3261 P74L13-P74L15
    if (this.routeSet.length === 0) return { requestUri: this.remoteTarget, route: [] };
    const [first, ...rest] = this.routeSet;
    // @implements RFC3261 P74L17-P74L21
    if (first.uri.params.has('lr')) return { requestUri: this.remoteTarget, route: [...this.routeSet] };
    // A strict router: its URI becomes the Request-URI, the remote target goes last in Route.
    // @implements RFC3261 P74L23-P74L29
    return { requestUri: stripForRequestUri(first.uri), route: [...rest, target] };
  }

  /**
   * §12.2.2: checks the CSeq of a request the peer sent within this dialog
   * and, when it is in order, records it. Returns the status to reject it
   * with (500 for an out-of-order request), or undefined when accepted.
   * ACK and CANCEL carry the number of the request they belong to.
   */
  receiveRequest(request: Request): number | undefined {
    if (request.method === 'ACK' || request.method === 'CANCEL') return undefined;
    const seq = cseq(request).seq;
    // @implements RFC3261 P77L5-P77L6
    if (this.remoteSeq === undefined) {
      this.remoteSeq = seq;
      return undefined;
    }
    // @implements RFC3261 P77L7-P77L10
    if (seq < this.remoteSeq) return 500;
    // @implements RFC3261 P77L10-P77L18
    this.remoteSeq = seq;
    return undefined;
  }

  /** A target refresh request or its 2xx replaces the remote target with its Contact, if present. */
  // @implements RFC3261 P77L26-P77L28, P75L44-P75L46
  refreshTarget(message: Request | Response): void {
    const target = contactUri(message);
    if (target !== undefined) this.remoteTarget = target;
  }

  toString(): string {
    return `dialog ${this.id.callId} local=${this.id.localTag ?? 'null'} remote=${this.id.remoteTag ?? 'null'} (${this.state}) target ${formatUri(this.remoteTarget)}`;
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown dialog state or event ${JSON.stringify(value)}`);
}

/**
 * A first CSeq number: arbitrary outside a dialog, but below 2**31; kept
 * small so a long dialog never wraps.
 */
// @implements RFC3261 P38L29-P38L32
export function initialSeq(): number {
  return 1 + Math.floor(Math.random() * 0x7fff);
}

/** Parameters a Request-URI may not carry (§19.1.1, Table 1: method, maddr, ttl, transport, lr are allowed). */
function stripForRequestUri(uri: URI): URI {
  // Header components ("?...") are not allowed in a Request-URI.
  // @implements RFC3261 P74L24-P74L26
  return { ...uri, headers: [] };
}

/** For tests and logs: the route set as it would appear in a Route header. */
export function formatRouteSet(routeSet: readonly Address[]): string {
  return routeSet.map(formatAddress).join(', ');
}

