// @implements RFC3261 (SIP)
/**
 * General UAS behaviour (RFC 3261 §8.2) as one pure function: the checks a
 * UAS makes on every request before method-specific processing, in the
 * order the RFC gives them — method inspection (§8.2.1), header inspection
 * (§8.2.2: Request-URI, merged requests, Require), content processing
 * (§8.2.3). Each check returns the response that rejects the request, or
 * nothing when the request passes.
 */
import { tagOf } from '../syntax/address.ts';
import { createResponse, cseq, from, to, topVia, type Request, type Response } from '../syntax/message.ts';
import { MAGIC_COOKIE } from '../syntax/via.ts';
import { unsupportedOptionTags } from '../core/optionTags.ts';

/** What this UAS supports: it is also what its Allow, Accept and Supported headers say. */
export interface Capabilities {
  /** Methods it implements, e.g. INVITE, ACK, BYE, CANCEL, OPTIONS. */
  methods: readonly string[];
  /** Option tags of the extensions it supports (§19.2); none by default. */
  extensions: readonly string[];
  /** Body types it understands, e.g. application/sdp. */
  accept: readonly string[];
  /** Request-URI schemes it answers for. */
  schemes: readonly string[];
}

// @implements RFC3261 P78L28-P78L29
export const defaultCapabilities: Capabilities = {
  // One entry per line, so that proposals (reference/proposals/) adding a method
  // or an option tag each add a line and can be applied together.
  methods: [
    'INVITE',
    'ACK',
    'BYE',
    'CANCEL',
    'OPTIONS',
  ],
  extensions: [
  ],
  accept: ['application/sdp'],
  schemes: ['sip', 'sips'],
};

/** The methods the UAS core (uasCore.ts) has a handler for; a method capabilities list beyond these is still refused. */
export const HANDLED_METHODS: readonly string[] = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
];

/**
 * What Allow says: the methods both listed in capabilities and handled, so
 * Allow never names a method that would be refused (405 included).
 */
// @implements RFC3261 P46L28-P46L29
export function allowedMethods(capabilities: Capabilities): string {
  return capabilities.methods.filter((m) => HANDLED_METHODS.includes(m)).join(', ');
}

/** The header fields every request must carry exactly once (§8.1.1) and Max-Forwards at most once. */
const SINGLE = ['To', 'From', 'Call-ID', 'CSeq'] as const;

/**
 * The response a UAS sends without further processing, or undefined when
 * the request passes every general check. `toTag` is the tag to add to the
 * To field of the response (§8.2.6.2). `isMerged` answers §8.2.2.2 (the UA
 * core knows the ongoing transactions).
 */
// @exception RFC3261 P46L15-P46L18: no authentication step (§22.2) before the checks: this UAS answers anyone (the registrar in reference/sip/registrar challenges).
export function inspectRequest(
  request: Request,
  capabilities: Capabilities,
  toTag: string,
  isMerged: (request: Request) => boolean,
): Response | undefined {
  const reject = (status: number, reason?: string, headers?: [string, string][]) =>
    createResponse(request, status, reason, { toTag, headers });

  // A request that lacks a mandatory header field, or repeats one that takes
  // a single value, cannot be understood (RFC 4475 §3.3.1, §3.3.8).
  // @implements RFC3261 P35L7-P35L10, P185L38-P185L40
  for (const name of SINGLE) {
    const count = request.headers.lines(name).length;
    if (count === 0) return reject(400, `Missing ${name} header field`);
    if (count > 1) return reject(400, `Multiple ${name} header fields`);
  }
  if (request.headers.lines('Max-Forwards').length > 1) return reject(400, 'Multiple Max-Forwards header fields');
  try {
    to(request);
    from(request);
  } catch (error) {
    return reject(400, `Malformed To or From: ${(error as Error).message}`.slice(0, 120));
  }
  // @implements RFC3261 P38L28-P38L29
  if (cseq(request).method !== request.method) return reject(400, 'CSeq method does not match the request method');
  // A branch that is just the magic cookie identifies no transaction (RFC 4475 §3.2.1).
  // @implements RFC3261 P39L32-P39L33
  if (topVia(request)?.branch === MAGIC_COOKIE) return reject(400, 'Missing transaction identifier in Via branch');

  // §8.2.1 Method inspection: the list that decides what is supported is the list Allow states.
  // @implements RFC3261 P46L22-P46L24
  if (!capabilities.methods.includes(request.method)) return unsupportedMethod(request, capabilities, toTag);

  // §8.2.2.1 To and Request-URI: any To is accepted, but not any Request-URI scheme.
  // @implements RFC3261 P47L1-P47L5, P47L9-P47L12
  if (!capabilities.schemes.includes(request.requestUri.scheme)) return reject(416);

  // §8.2.2.2 Merged requests.
  // @implements RFC3261 P47L23-P47L29
  if (tagOf(to(request)) === undefined && isMerged(request)) return reject(482);

  // §8.2.2.3 Require — ignored in CANCEL and in ACK.
  // @implements RFC3261 P47L44-P47L48, P48L1-P48L3, P176L27-P176L28, P176L31-P176L32
  if (request.method !== 'CANCEL' && request.method !== 'ACK') {
    const unsupported = unsupportedOptionTags(request, 'Require', capabilities.extensions);
    if (unsupported.length > 0) return reject(420, undefined, [['Unsupported', unsupported.join(', ')]]);
  }

  // §8.2.3 Content processing.
  const content = unsupportedContent(request, capabilities);
  if (content !== undefined) return reject(415, undefined, content);

  // The response to this request would carry a body the UAC refuses (RFC 4475 §3.3.15).
  if (wantsSessionBody(request) && !acceptsType(request, 'application/sdp')) {
    return reject(406, undefined, [['Warning', '399 - "cannot answer in any type listed in Accept"']]);
  }
  return undefined;
}

/**
 * The methods this UA recognises: RFC 3261's six and those the
 * standards-track extensions define. A recognised method the UA does not
 * support gets 405; any other method is not recognised and gets 501.
 */
// @implements RFC3261 P27L41-P27L46
// @implements RFC3262 P12L32
// @implements RFC3311 P7L12
// @implements RFC3428 P9L38
// @implements RFC3515 P3L3
// @implements RFC3903 P21L8
// @implements RFC6086 P19L35
// @implements RFC6665 P44L35-P44L36
export const RECOGNISED_METHODS: readonly string[] = [
  'REGISTER', 'INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS',
  'PRACK', 'UPDATE', 'MESSAGE', 'REFER', 'PUBLISH', 'INFO', 'SUBSCRIBE', 'NOTIFY',
];

/**
 * The answer to a request whose method this UAS does not support, the one
 * place that chooses it: 405 with Allow when the method is recognised (an
 * RFC defines it, or capabilities list it but no handler implements it), 501
 * when it is not. Methods are case-sensitive (§7.1): "invite" is unknown.
 */
export function unsupportedMethod(request: Request, capabilities: Capabilities, toTag?: string): Response {
  const recognised = capabilities.methods.includes(request.method) || RECOGNISED_METHODS.includes(request.method);
  // @implements RFC3261 P191L3-P191L6
  if (!recognised) return createResponse(request, 501, undefined, { toTag });
  // @implements RFC3261 P46L24-P46L29, P165L6-P165L8, P191L8-P191L10
  return createResponse(request, 405, undefined, { toTag, headers: [['Allow', allowedMethods(capabilities)]] });
}

/**
 * §8.2.3: the headers of the 415 when the body's type or encoding is not
 * understood (and the body is not optional), else undefined.
 */
// @implements RFC3261 P48L28-P48L40
// @exception RFC3261 P48L40-P48L43: Content-Language is not checked; any language is accepted.
// @exception RFC3261 P169L4-P169L7: no content coding is decoded; a coded body is refused with 415 and Accept-Encoding: identity.
export function unsupportedContent(request: Request, capabilities: Capabilities): [string, string][] | undefined {
  if (request.body.length === 0) return undefined;
  // A body part marked handling=optional may be ignored.
  const disposition = request.headers.get('Content-Disposition') ?? '';
  if (/;\s*handling\s*=\s*optional/i.test(disposition)) return undefined;
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  if (!capabilities.accept.includes(type)) return [['Accept', capabilities.accept.join(', ')]];
  const encodings = request.headers.getAll('Content-Encoding').map((e) => e.toLowerCase());
  if (encodings.some((e) => e !== '' && e !== 'identity')) return [['Accept-Encoding', 'identity']];
  return undefined;
}

/** INVITE and OPTIONS are answered with a session description. */
function wantsSessionBody(request: Request): boolean {
  return request.method === 'INVITE' || request.method === 'OPTIONS';
}

/** Does the request's Accept (application/sdp when absent) allow this type? */
// @implements RFC3261 P68L36-P68L38
export function acceptsType(request: Request, type: string): boolean {
  if (!request.headers.has('Accept')) return true;
  const [major] = type.split('/');
  return request.headers
    .getAll('Accept')
    .map((range) => range.split(';')[0].trim().toLowerCase())
    .some((range) => range === type || range === `${major}/*` || range === '*/*');
}

/**
 * §11.2: the 200 to an OPTIONS, with Allow, Accept, Accept-Encoding,
 * Accept-Language and Supported, and our session description as body.
 */
// @implements RFC3261 P68L27-P68L29, P68L36-P68L40
export function optionsResponse(request: Request, capabilities: Capabilities, toTag: string, sdp?: string): Response {
  const headers: [string, string][] = [
    ['Allow', allowedMethods(capabilities)],
    ['Accept', capabilities.accept.join(', ')],
    ['Accept-Encoding', 'identity'],
    ['Accept-Language', 'en'],
    ['Supported', capabilities.extensions.join(', ')],
  ];
  if (sdp !== undefined && acceptsType(request, 'application/sdp')) headers.push(['Content-Type', 'application/sdp']);
  return createResponse(request, 200, undefined, {
    toTag,
    headers,
    ...(sdp !== undefined && acceptsType(request, 'application/sdp') && { body: sdp }),
  });
}
