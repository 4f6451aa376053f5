// @implements RFC3261 (SIP)
/**
 * Request validation (§16.3): the six checks a request passes before a proxy
 * forwards it, in the RFC's order. The first that fails gives the response
 * the proxy sends as a UAS; `undefined` means the request is valid.
 */
import { SipParseError } from '../syntax/error.ts';
import { callId, createResponse, cseq, from, maxForwards, routes, to, vias, type Request, type Response } from '../syntax/message.ts';
import type { HostPort } from '../transport/via.ts';
import { unsupportedOptionTags } from '../core/optionTags.ts';
import { hasLooped } from './loop.ts';

export interface ValidationOptions {
  /** This proxy's Via sent-by (for loop detection). */
  sentBy: HostPort;
  /** Option tags this proxy understands in Proxy-Require. */
  proxyRequireSupported?: readonly string[];
  /** URI schemes this proxy can route. */
  schemes?: readonly string[];
  /** Detect loops (RFC 5393 makes it a MUST when forking; default true). */
  loopDetection?: boolean;
}

// @implements RFC3261 P94L7-P94L8, P94L22-P94L23
export function validateRequest(request: Request, options: ValidationOptions): Response | undefined {
  return (
    reasonableSyntax(request) ??
    uriScheme(request, options.schemes ?? ['sip', 'sips']) ??
    maxForwardsCheck(request) ??
    (options.loopDetection === false ? undefined : loopDetection(request, options.sentBy)) ??
    proxyRequire(request, options.proxyRequireSupported ?? []) ??
    proxyAuthorization(request)
  );
}

/** 1. The fields used by validation and forwarding parse; others are left alone. */
// @implements RFC3261 P94L32-P94L36, P94L41-P94L44
export function reasonableSyntax(request: Request): Response | undefined {
  try {
    vias(request);
    from(request);
    to(request);
    callId(request);
    cseq(request);
    const mf = request.headers.get('Max-Forwards');
    if (mf !== undefined && !/^[0-9]{1,10}$/.test(mf.trim())) throw new SipParseError('Max-Forwards', `not a number: ${JSON.stringify(mf)}`);
    routes(request);
    return undefined;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return createResponse(request, 400, `Bad Request (${e.message})`);
  }
}

/** 2. A Request-URI scheme this proxy does not understand gets 416. */
// @implements RFC3261 P95L3-P95L5
export function uriScheme(request: Request, schemes: readonly string[]): Response | undefined {
  if (schemes.includes(request.requestUri.scheme)) return undefined;
  return createResponse(request, 416);
}

/** 3. Max-Forwards: absent or above zero passes; zero gets 483. */
// @implements RFC3261 P95L12-P95L16, P95L18-P95L22
export function maxForwardsCheck(request: Request): Response | undefined {
  const mf = maxForwards(request);
  if (mf === undefined || mf > 0) return undefined;
  // @exception RFC3261 P95L19-P95L21: an OPTIONS with Max-Forwards 0 is answered 483 like any other request, not by the proxy acting as its final recipient.
  return createResponse(request, 483);
}

/** 4. Loop detection (RFC 5393 §4.2.2 replaces the RFC 3261 text): 482 when looped. */
// @implements RFC3261 P95L36-P95L37
export function loopDetection(request: Request, sentBy: HostPort): Response | undefined {
  return hasLooped(request, sentBy) ? createResponse(request, 482) : undefined;
}

/** 5. Proxy-Require option tags not understood: 420 with Unsupported listing them. */
// @implements RFC3261 P96L1-P96L6
export function proxyRequire(request: Request, supported: readonly string[]): Response | undefined {
  // Proxy-Require is ignored in CANCEL and in ACK.
  // @implements RFC3261 P48L1-P48L3
  if (request.method === 'CANCEL' || request.method === 'ACK') return undefined;
  const unknown = unsupportedOptionTags(request, 'Proxy-Require', supported);
  if (unknown.length === 0) return undefined;
  return createResponse(request, 420, undefined, { headers: [['Unsupported', unknown.join(', ')]] });
}

/** 6. Proxy-Authorization: this proxy requires no credentials to forward, so the check passes. */
// @exception RFC3261 P96L10-P96L13: the proxy does not authenticate requests it forwards (§22.3); only the registrar challenges, with 401.
export function proxyAuthorization(_request: Request): Response | undefined {
  return undefined;
}
