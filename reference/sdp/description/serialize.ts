// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * A SessionDescription to text: the fields in the order of §5, each line
 * ended by CRLF. What parse.ts reads from a canonical description (CRLF,
 * RFC order) this writes back octet for octet. No `k=` line is ever
 * written (the model has none).
 */
import { formatConnection } from './connection.ts';
import { formatMedia } from './media.ts';
import { formatAttribute } from './formatAttribute.ts';
import { decimal } from './numbers.ts';
import type { Bandwidth, MediaDescription, SessionDescription } from './types.ts';

/** One `<type>=<value>` line, ended by CRLF. */
// @implements RFC8866 P8L47-P9L1, P11L7
function line(type: string, value: string): string {
  return `${type}=${value}\r\n`;
}

// @implements RFC8866 P9L24-P10L11, P11L7, P21L5-P21L6
export function serialize(s: SessionDescription): string {
  const o = s.origin;
  let out = line('v', String(s.version));
  out += line('o', `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.unicastAddress}`);
  out += line('s', s.sessionName);
  if (s.information !== undefined) out += line('i', s.information);
  if (s.uri !== undefined) out += line('u', s.uri);
  out += each('e', s.emails, String) + each('p', s.phones, String);
  if (s.connection) out += line('c', formatConnection(s.connection));
  out += each('b', s.bandwidths, bandwidth);
  // @implements RFC8866 P9L47-P10L2
  for (const t of s.timings) {
    out += line('t', `${t.start} ${t.stop}`);
    for (const r of t.repeats) out += line('r', r);
    if (t.zone !== undefined) out += line('z', t.zone);
  }
  out += each('a', s.attributes, formatAttribute);
  for (const m of s.media) out += media(m);
  return out;
}

// @implements RFC8866 P10L4-P10L11
function media(m: MediaDescription): string {
  let out = line('m', formatMedia(m));
  if (m.information !== undefined) out += line('i', m.information);
  return out + each('c', m.connections, formatConnection) + each('b', m.bandwidths, bandwidth) + each('a', m.attributes, formatAttribute);
}

/** One `type` line for each item of `list`, in order. */
function each<T>(type: string, list: readonly T[], format: (item: T) => string): string {
  let out = '';
  for (const item of list) out += line(type, format(item));
  return out;
}

const bandwidth = (b: Bandwidth): string => `${b.type}:${decimal(b.bandwidth, 'b= <bandwidth>')}`;
