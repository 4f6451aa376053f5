// @implements RFC3261 (SIP)
/**
 * A registrar (§10.3): the eight steps a REGISTER goes through, one function
 * per step, in the order the RFC lists them. Each step either answers the
 * request (a Response, and the remaining steps are skipped) or hands what it
 * learned to the next. Bindings are computed in full before anything is
 * written to the location service, so a REGISTER is applied completely or
 * not at all.
 */
import type { DigestServer } from '../../auth/digest.ts';
import { formatAddress, type Address } from '../syntax/address.ts';
import { SipParseError } from '../syntax/error.ts';
import { callId, contacts, createResponse, cseq, from, to, type HeaderInit, type Request, type Response } from '../syntax/message.ts';
import { paramValue } from '../syntax/params.ts';
import { formatUri, unescape, uriEquals, type URI } from '../syntax/uri.ts';
import { canonicalAoR, type LocationService } from '../core/location.ts';
import { bindingEvent, bound, OutOfOrder, type Binding, type BindingEvent, type BindingState } from '../core/binding.ts';
import { withToTag } from '../core/ids.ts';
import { unsupportedOptionTags } from '../core/optionTags.ts';

export interface RegistrarOptions {
  location: LocationService;
  /** Domains (host names or addresses) this registrar keeps bindings for. */
  domains: readonly string[];
  /**
   * The port this registrar listens on: a URI of one of the domains with
   * another explicit port designates some other server.
   */
  port?: number;
  /** Digest authentication of the UAC; without it the From address is taken as the identity. */
  digest?: DigestServer;
  /**
   * May `username` modify the bindings of address-of-record `aor`? Default:
   * only its own, i.e. the user part of the AoR is the authenticated name.
   */
  authorize?: (username: string, aor: URI) => boolean;
  /** Option tags this registrar understands (Require). */
  supported?: readonly string[];
  /** Expiration used when the REGISTER suggests none (seconds). */
  defaultExpires?: number;
  /** Shortest expiration honoured; shorter requests get 423 (seconds). */
  minExpires?: number;
  /** Longest expiration granted; longer requests are cut down to it (seconds). */
  maxExpires?: number;
}

/** What a registrar does with a REGISTER: answer it, or (not our domain) leave it to the proxy. */
export type RegistrarResult = { answer: Response } | { proxy: true };

/** The largest Expires / expires value (2**32-1). */
// @implements RFC3261 P59L36-P59L37, P171L46-P171L47
export const MAX_EXPIRES_VALUE = 4294967295;

export class Registrar {
  readonly location: LocationService;
  readonly #o: Required<Omit<RegistrarOptions, 'digest' | 'location' | 'port'>> & { digest?: DigestServer; port?: number };

  constructor(options: RegistrarOptions) {
    this.location = options.location;
    this.#o = {
      authorize: (username, aor) => aor.user !== undefined && unescape(aor.user) === username,
      supported: [],
      defaultExpires: 3600,
      minExpires: 60,
      maxExpires: 7200,
      ...options,
      domains: options.domains.map((d) => d.toLowerCase()),
    };
  }

  /** Is this a domain we keep bindings for? */
  isResponsibleFor(uri: URI): boolean {
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return false;
    if (uri.port !== undefined && this.#o.port !== undefined && uri.port !== this.#o.port) return false;
    return this.#o.domains.includes(uri.host.toLowerCase());
  }

  /** The location service index of an address-of-record (§10.3 step 5). */
  aorOf(uri: URI): string {
    return canonicalAoR(uri, this.#o.port);
  }

  /**
   * Processes one REGISTER, start to end (the caller runs them one at a time,
   * in arrival order). Its answers are 200, 400, 401, 403, 404, 420, 423 and
   * 500: never a 6xx.
   */
  // @implements RFC3261 P63L40-P63L45, P63L24
  handle(request: Request): RegistrarResult {
    if (request.method !== 'REGISTER') throw new Error(`a registrar accepts only REGISTER, got ${request.method} (RFC 3261 §10.3)`);
    try {
      // @implements RFC3261 P64L1
      const step1 = this.checkRequestUri(request);
      if (step1 !== undefined) return step1;
      const step2 = this.checkRequire(request);
      if (step2 !== undefined) return { answer: step2 };
      const step3 = this.authenticate(request);
      if ('answer' in step3) return step3;
      const step4 = this.authorizeAoR(request, step3.identity);
      // @implements RFC3261 P64L27-P64L28
      if (step4 !== undefined) return { answer: step4 };
      const step5 = this.extractAoR(request);
      // @implements RFC3261 P64L36-P64L37
      if ('answer' in step5) return step5;
      const step6 = this.processStar(request, step5.aor);
      if (step6 !== undefined) return { answer: step6 };
      const step7 = this.processContacts(request, step5.aor);
      if (step7 !== undefined) return { answer: step7 };
      return { answer: this.ok(request, step5.aor) };
    } catch (e) {
      // A header field this processing depends on is malformed or missing: the reason says which.
      // @implements RFC3261 P185L38-P185L40
      if (e instanceof SipParseError || (e instanceof Error && /^no [A-Za-z-]+ header field$/.test(e.message))) {
        return { answer: respond(request, 400, `Bad Request (${e.message})`) };
      }
      throw e;
    }
  }

  // ---- Step 1: Request-URI ----
  // @implements RFC3261 P64L3-P64L8
  checkRequestUri(request: Request): { proxy: true } | undefined {
    if (this.isResponsibleFor(request.requestUri)) return undefined;
    return { proxy: true };
  }

  // ---- Step 2: Require ----
  // @implements RFC3261 P64L10-P64L12, P47L44-P47L48
  checkRequire(request: Request): Response | undefined {
    const unsupported = unsupportedOptionTags(request, 'Require', this.#o.supported);
    if (unsupported.length === 0) return undefined;
    return respond(request, 420, undefined, { headers: [['Unsupported', unsupported.join(', ')]] });
  }

  // ---- Step 3: authentication ----
  // @implements RFC3261 P64L14-P64L19
  authenticate(request: Request): { identity: string } | { answer: Response } {
    const digest = this.#o.digest;
    if (digest === undefined) {
      // No mechanism configured: the From address is the asserted identity.
      // @implements RFC3261 P64L17-P64L19
      const user = request.headers.has('From') ? from(request).uri.user : undefined;
      return { identity: user === undefined ? '' : unescape(user) };
    }
    const verdict = digest.verify({
      authorization: request.headers.lines('Authorization').map((f) => f.value),
      method: request.method,
      uri: formatUri(request.requestUri),
      body: request.body,
    });
    if (verdict.ok) return { identity: verdict.username };
    if (verdict.status === 400) return { answer: respond(request, 400, `Bad Request (${verdict.reason})`) };
    // @implements RFC3261 P195L38-P195L42, P195L44-P195L47
    return { answer: respond(request, 401, undefined, { headers: verdict.challenges.map((c) => ['WWW-Authenticate', c] as [string, string]) }) };
  }

  // ---- Step 4: authorization for the address-of-record ----
  // @implements RFC3261 P64L21-P64L28
  authorizeAoR(request: Request, identity: string): Response | undefined {
    if (this.#o.authorize(identity, to(request).uri)) return undefined;
    return respond(request, 403, `Forbidden (${identity || 'anonymous'} may not register ${formatUri(to(request).uri)})`);
  }

  // ---- Step 5: the address-of-record from To, canonicalized ----
  // @implements RFC3261 P64L34-P64L37
  extractAoR(request: Request): { aor: string } | { answer: Response } {
    const uri = to(request).uri;
    // @implements RFC3261 P57L45-P57L46
    const valid = (uri.scheme === 'sip' || uri.scheme === 'sips') && uri.host.toLowerCase() === request.requestUri.host.toLowerCase();
    if (!valid) return { answer: respond(request, 404, `Not Found (${formatUri(uri)} is not in domain ${request.requestUri.host})`) };
    return { aor: this.aorOf(uri) };
  }

  // ---- Step 6: Contact "*" ----
  // @implements RFC3261 P65L1-P65L2
  processStar(request: Request, aor: string): Response | undefined {
    if (!request.headers.has('Contact')) return undefined;
    const lines = request.headers.lines('Contact');
    const star = lines.some((f) => f.value.trim() === '*');
    if (!star) return undefined;
    // @implements RFC3261 P65L2-P65L8, P61L26-P61L28
    const expires = request.headers.get('Expires');
    if (lines.length !== 1 || expires === undefined || parseExpires(expires) !== 0) {
      return respond(request, 400, 'Invalid Request (Contact: * needs to be the only Contact, with Expires: 0)');
    }
    // @implements RFC3261 P65L8-P65L13
    const event: BindingEvent = { type: 'Contact *', callId: callId(request), cseq: cseq(request).seq };
    try {
      for (const binding of this.location.lookup(aor)) bindingEvent(bound(binding), event);
    } catch (e) {
      if (e instanceof OutOfOrder) return outOfOrder(request, e);
      throw e;
    }
    this.location.commit(aor, []);
    return undefined;
  }

  // ---- Step 7: each contact address ----
  // @implements RFC3261 P65L15-P65L17
  processContacts(request: Request, aor: string): Response | undefined {
    const given = contacts(request);
    // No Contact: the list is left unchanged. "*" was handled in step 6.
    // @implements RFC3261 P61L38-P61L39
    if (given === '*' || given.length === 0) return undefined;

    const requestCallId = callId(request);
    const requestCSeq = cseq(request).seq;
    const now = this.location.now();
    // Tentative: the new list is built aside and committed only if every contact succeeds.
    const tentative: Binding[] = this.location.lookup(aor);

    for (const contact of given) {
      const requested = this.requestedExpiration(request, contact);
      // @implements RFC3261 P65L30-P65L36
      if (requested > 0 && requested < 3600 && requested < this.#o.minExpires) {
        return respond(request, 423, undefined, { headers: [['Min-Expires', String(this.#o.minExpires)]] });
      }
      // @implements RFC3261 P65L29-P65L30
      const expires = Math.min(requested, this.#o.maxExpires);

      // @implements RFC3261 P66L1-P66L3
      const index = tentative.findIndex((b) => uriEquals(b.contact.uri, contact.uri));
      const state: BindingState = index >= 0 ? bound(tentative[index] as Binding) : { name: 'Unbound' };
      // @implements RFC3261 P66L16-P66L17
      const record: Binding = { contact: storedContact(contact), callId: requestCallId, cseq: requestCSeq, expiresAt: now + expires, ...qOf(contact) };
      let next: BindingState;
      try {
        next = bindingEvent(state, { type: 'REGISTER', expires, binding: record });
      } catch (e) {
        if (e instanceof OutOfOrder) return outOfOrder(request, e);
        throw e;
      }
      // An updated binding goes to the end of the list, as a new one does.
      if (index >= 0) tentative.splice(index, 1);
      if (next.name === 'Bound') tentative.push(next.binding);
    }
    // @implements RFC3261 P66L19-P66L21
    this.location.commit(aor, tentative);
    return undefined;
  }

  /** The expiration a contact asks for: its expires parameter, else Expires, else the default. */
  // @implements RFC3261 P65L19-P65L27
  requestedExpiration(request: Request, contact: Address): number {
    const param = paramValue(contact.params, 'expires');
    if (param !== undefined) return parseExpires(param);
    const header = request.headers.get('Expires');
    if (header !== undefined) return parseExpires(header);
    return this.#o.defaultExpires;
  }

  // ---- Step 8: 200 OK with every current binding ----
  // @implements RFC3261 P66L26-P66L30, P60L16-P60L19
  ok(request: Request, aor: string): Response {
    const now = this.location.now();
    const headers: [string, string][] = this.location.lookup(aor).map((b) => {
      const c = cloneAddress(b.contact);
      c.params.set('expires', String(Math.max(0, Math.round(b.expiresAt - now))));
      return ['Contact', formatAddress(c)];
    });
    headers.push(['Date', new Date().toUTCString()]);
    // createResponse copies no Record-Route: none goes into a REGISTER response.
    // @implements RFC3261 P63L31-P63L33
    return respond(request, 200, undefined, { headers });
  }
}

/**
 * An expires value in seconds: values above 2**32-1 count as 2**32-1, a
 * malformed value as 3600.
 */
// @implements RFC3261 P59L36-P59L38
export function parseExpires(value: string): number {
  const v = value.trim();
  if (!/^[0-9]+$/.test(v)) return 3600;
  const n = Number(v);
  return n > MAX_EXPIRES_VALUE ? MAX_EXPIRES_VALUE : n;
}

/** Step 6 or 7 found a request older than a binding it touches: the update is aborted, the request fails. */
// @implements RFC3261 P66L10-P66L11
function outOfOrder(request: Request, e: OutOfOrder): Response {
  return respond(request, 500, `Server Internal Error (${e.message})`);
}

/** The registrar answers as a UAS: every response carries a To tag (withToTag). */
function respond(request: Request, status: number, reason?: string, options: { headers?: HeaderInit } = {}): Response {
  return withToTag(createResponse(request, status, reason, options));
}

function qOf(contact: Address): { q?: number } {
  const q = paramValue(contact.params, 'q');
  if (q === undefined) return {};
  const n = Number(q);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? { q: n } : {};
}

function cloneAddress(a: Address): Address {
  return { ...a, uri: { ...a.uri, params: new Map(a.uri.params), headers: [...a.uri.headers] }, params: new Map(a.params) };
}

/** What is stored of a Contact: everything but its expires parameter (the registrar's choice replaces it). */
function storedContact(contact: Address): Address {
  const c = cloneAddress(contact);
  c.params.delete('expires');
  return c;
}
