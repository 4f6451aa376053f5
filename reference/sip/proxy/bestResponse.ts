// @implements RFC3261 (SIP)
/**
 * Choosing the best final response of a response context (§16.7 step 6) and
 * aggregating the challenges of every 401/407 into it (step 7). Pure: the
 * final responses received so far in, the response to forward out.
 */
import { tagOf } from '../syntax/address.ts';
import { createResponse, to, type Request, type Response } from '../syntax/message.ts';
import { newTag, withToTag } from '../core/ids.ts';

/** 4xx responses that tell the client how to resubmit, most useful first. */
// @implements RFC3261 P110L48-P111L3
const RESUBMISSION_HINTS = [401, 407, 415, 420, 484];

/**
 * The response to send upstream. `original` is the request received on the
 * server transaction (its Vias are the ones a generated response needs).
 */
export function chooseBestResponse(original: Request, finals: readonly Response[]): Response {
  // @implements RFC3261 P110L39-P110L41
  if (finals.length === 0) return withToTag(createResponse(original, 408));

  // @implements RFC3261 P110L43-P110L46
  const sixxx = finals.find((r) => r.status >= 600);
  if (sixxx !== undefined) return sixxx;

  // @implements RFC3261 P110L46-P110L48
  const lowestClass = Math.min(...finals.map((r) => Math.floor(r.status / 100)));
  const inClass = finals.filter((r) => Math.floor(r.status / 100) === lowestClass);

  if (lowestClass === 4) {
    for (const status of RESUBMISSION_HINTS) {
      const hint = inClass.find((r) => r.status === status);
      if (hint !== undefined) return hint;
    }
  }
  // A 503 is not forwarded: it would say every request through this proxy fails.
  // @implements RFC3261 P111L5-P111L12
  const chosen = inClass.find((r) => r.status !== 503);
  if (chosen !== undefined) return chosen;
  const only503 = inClass[0] as Response;
  return createResponse(original, 500, undefined, { toTag: tagOf(to(only503)) ?? newTag() });
}

/**
 * A 401 or 407 carries the WWW-Authenticate and Proxy-Authenticate values of
 * every other 401/407 of the context, unmodified.
 */
// @implements RFC3261 P112L15-P112L23
export function aggregateChallenges(selected: Response, finals: readonly Response[]): Response {
  if (selected.status !== 401 && selected.status !== 407) return selected;
  const headers = selected.headers.clone();
  for (const other of finals) {
    if (other === selected || (other.status !== 401 && other.status !== 407)) continue;
    for (const f of other.headers.fields) {
      if (f.key === 'www-authenticate' || f.key === 'proxy-authenticate') headers.append(f.name, f.value);
    }
  }
  return { ...selected, headers };
}
