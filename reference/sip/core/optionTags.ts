// @implements RFC3261 (SIP)
/**
 * Option tags (§19.2) as every core checks them: the UAS and the registrar
 * against Require (§8.2.2.3), the proxy against Proxy-Require (§16.3 step 5).
 */
import type { Request } from '../syntax/message.ts';

/**
 * The option tags in Require (UAS, registrar) or Proxy-Require (proxy) that
 * are not among `supported`, compared case-insensitively. getAll() has
 * already split the lists and trimmed their elements.
 */
export function unsupportedOptionTags(request: Request, header: 'Require' | 'Proxy-Require', supported: readonly string[]): string[] {
  const known = supported.map((t) => t.toLowerCase());
  return request.headers.getAll(header).filter((t) => t !== '' && !known.includes(t.toLowerCase()));
}
