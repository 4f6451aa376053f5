// @implements RFC3261 (SIP)
/**
 * Determining request targets (§16.5): a Request-URI with maddr, or in a
 * domain this proxy is not responsible for, is the only target; otherwise
 * the location service filled by the registrar gives them, looked up by the
 * canonical form of the Request-URI.
 */
import type { Request } from '../syntax/message.ts';
import { uriEquals, type URI } from '../syntax/uri.ts';
import type { LocationService } from '../core/location.ts';

export interface Target {
  uri: URI;
  /** The q-value of the registered Contact, when it had one. */
  q?: number;
}

export type TargetResult = { targets: Target[] } | { status: 404 | 480 };

/** The domains a proxy serves, as its registrar defines them. */
export interface Domains {
  isResponsibleFor(uri: URI): boolean;
  /** The canonical address-of-record (§10.3 step 5) indexing the location service. */
  aorOf(uri: URI): string;
}

export function determineTargets(request: Request, domains: Domains, location: LocationService): TargetResult {
  const uri = request.requestUri;
  // @implements RFC3261 P97L16-P97L18
  if (uri.params.has('maddr')) return { targets: [{ uri }] };
  // @implements RFC3261 P97L20-P97L23, P98L19-P98L21
  if (!domains.isResponsibleFor(uri)) return { targets: [{ uri }] };

  // @implements RFC3261 P97L38-P97L41
  const aor = domains.aorOf(uri);
  // @implements RFC3261 P99L5-P99L6
  if (!location.knows(aor)) return { status: 404 };

  // @exception RFC3261 P98L34-P98L37: the target set is taken once, when the request arrives; bindings registered while it is being forwarded are not added.
  // @exception RFC3261 P97L44-P97L47: no 485: a Request-URI names one address-of-record of the location service, never several.
  const targets: Target[] = [];
  for (const binding of location.lookup(aor)) {
    // @implements RFC3261 P98L13-P98L17, P98L37-P98L38
    if (targets.some((t) => uriEquals(t.uri, binding.contact.uri))) continue;
    targets.push({ uri: binding.contact.uri, ...(binding.q !== undefined && { q: binding.q }) });
  }
  // @implements RFC3261 P99L8-P99L10
  if (targets.length === 0) return { status: 480 };
  return { targets };
}
