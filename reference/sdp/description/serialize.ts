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
import type { Bandwidth, MediaDescription, SessionDescription } from './types.ts';

// @implements RFC8866 P9L24-P10L11, P11L7, P21L5-P21L6
export function serialize(s: SessionDescription): string {
  const out: string[] = [];
  const line = (type: string, value: string) => out.push(`${type}=${value}\r\n`);
  line('v', String(s.version));
  const o = s.origin;
  line('o', `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.unicastAddress}`);
  line('s', s.sessionName);
  if (s.information !== undefined) line('i', s.information);
  if (s.uri !== undefined) line('u', s.uri);
  for (const e of s.emails) line('e', e);
  for (const p of s.phones) line('p', p);
  if (s.connection) line('c', formatConnection(s.connection));
  for (const b of s.bandwidths) line('b', formatBandwidth(b));
  for (const t of s.timings) {
    line('t', `${t.start} ${t.stop}`);
    for (const r of t.repeats) line('r', r);
    if (t.zone !== undefined) line('z', t.zone);
  }
  for (const a of s.attributes) line('a', formatAttribute(a));
  for (const m of s.media) mediaLines(m, line);
  return out.join('');
}

function mediaLines(m: MediaDescription, line: (type: string, value: string) => void): void {
  line('m', formatMedia(m));
  if (m.information !== undefined) line('i', m.information);
  for (const c of m.connections) line('c', formatConnection(c));
  for (const b of m.bandwidths) line('b', formatBandwidth(b));
  for (const a of m.attributes) line('a', formatAttribute(a));
}

const formatBandwidth = (b: Bandwidth): string => `${b.type}:${b.bandwidth}`;
