// @implements RFC3261 (SIP)
/**
 * Which transaction a message belongs to: responses to client transactions
 * (§17.1.3), requests to server transactions (§17.2.3, with the RFC 2543
 * fallback for requests whose branch lacks the magic cookie), and the
 * transaction a CANCEL cancels (§9.2). Each rule is a predicate comparing the
 * message with the request that created the transaction, as the RFC words it.
 */
import { callId, cseq, from, to, topVia, type Request, type Response } from '../syntax/message.ts';
import { tagOf } from '../syntax/address.ts';
import { uriEquals } from '../syntax/uri.ts';
import { MAGIC_COOKIE, type Via } from '../syntax/via.ts';

// ---- §17.1.3: responses to client transactions ----

/** Does `response` belong to the client transaction created by `request`? */
export function responseMatchesClient(request: Request, response: Response): boolean {
  const requestBranch = topVia(request)?.branch;
  const responseBranch = topVia(response)?.branch;
  if (requestBranch === undefined || responseBranch === undefined) return false;
  // @implements RFC3261 P132L20-P132L22
  if (responseBranch !== requestBranch) return false;
  // The CSeq method tells a CANCEL's responses from the INVITE's: both share the branch.
  // @implements RFC3261 P132L24-P132L28
  return cseq(response).method === request.method;
}

/** The same rule as a map key: branch of the top Via and the CSeq method. */
export function clientTransactionKey(message: Request | Response): string | undefined {
  const branch = topVia(message)?.branch;
  if (branch === undefined) return undefined;
  const method = message.type === 'request' ? message.method : cseq(message).method;
  return `${branch} ${method}`;
}

// ---- §17.2.3: requests to server transactions ----

/**
 * Does `request` belong to the server transaction created by `original`?
 * `sentToTag` is the To tag of the response that transaction sent (used by
 * the RFC 2543 rule for ACK).
 */
export function requestMatchesServer(original: Request, request: Request, sentToTag?: string): boolean {
  const via = topVia(request);
  const originalVia = topVia(original);
  if (via === undefined || originalVia === undefined) return false;
  // @implements RFC3261 P138L7-P138L12
  if (via.branch !== undefined && via.branch.startsWith(MAGIC_COOKIE)) {
    // @implements RFC3261 P138L14-P138L16
    if (via.branch !== originalVia.branch) return false;
    // @implements RFC3261 P138L18-P138L19, P138L28-P138L30
    if (!sentByEquals(via, originalVia)) return false;
    // @implements RFC3261 P138L21-P138L23
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    return method === original.method;
  }
  // @implements RFC3261 P138L32-P138L35
  return matches2543(original, request, sentToTag);
}

/**
 * The RFC 2543 rules: compare the Request-URI, tags, Call-ID, CSeq and top Via
 * of the request with those of the request that created the transaction.
 */
function matches2543(original: Request, request: Request, sentToTag: string | undefined): boolean {
  try {
    return matches2543Fields(original, request, sentToTag);
  } catch {
    // A header field the rule compares is missing or unreadable in the new
    // request: it cannot be a retransmission (the TU will reject it).
    return false;
  }
}

function matches2543Fields(original: Request, request: Request, sentToTag: string | undefined): boolean {
  const same =
    uriEquals(request.requestUri, original.requestUri) &&
    tagOf(from(request)) === tagOf(from(original)) &&
    callId(request) === callId(original) &&
    cseq(request).seq === cseq(original).seq &&
    viaEquals(topVia(request) as Via, topVia(original) as Via);
  if (!same) return false;
  if (request.method === 'ACK') {
    // @implements RFC3261 P138L41-P138L45
    return original.method === 'INVITE' && tagOf(to(request)) === sentToTag;
  }
  if (request.method === 'INVITE') {
    // @implements RFC3261 P138L37-P138L41
    return original.method === 'INVITE' && tagOf(to(request)) === tagOf(to(original));
  }
  // @implements RFC3261 P140L44-P141L3
  return request.method === original.method && tagOf(to(request)) === tagOf(to(original));
}

// ---- §9.2: the transaction a CANCEL cancels ----

/**
 * Does `cancel` target the server transaction created by `original`? The
 * CANCEL is matched as if its method were that of the original request.
 */
// @implements RFC3261 P55L7-P55L12
export function cancelMatchesServer(original: Request, cancel: Request): boolean {
  if (original.method === 'CANCEL' || original.method === 'ACK') return false;
  const asOriginal: Request = { ...cancel, method: original.method };
  // Under RFC 2543 rules the CSeq method is compared too; give it the original's.
  if (!topVia(cancel)?.branch?.startsWith(MAGIC_COOKIE)) {
    const headers = cancel.headers.clone();
    headers.set('CSeq', `${cseq(cancel).seq} ${original.method}`);
    asOriginal.headers = headers;
  }
  return requestMatchesServer(original, asOriginal);
}

// ---- Header comparison rules used above ----

/** sent-by: host (case-insensitive, it is a host name or address) and port. */
function sentByEquals(a: Via, b: Via): boolean {
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port;
}

// @implements RFC3261 P180L34-P180L36
function viaEquals(a: Via, b: Via): boolean {
  if (a.protocol.toUpperCase() !== b.protocol.toUpperCase() || a.transport !== b.transport) return false;
  if (!sentByEquals(a, b)) return false;
  if (a.params.size !== b.params.size) return false;
  for (const [name, value] of a.params) {
    if (!b.params.has(name)) return false;
    const other = b.params.get(name);
    if ((value ?? '').toLowerCase() !== (other ?? '').toLowerCase()) return false;
  }
  return true;
}
