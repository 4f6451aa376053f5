/**
 * Writing a message: start line, header fields one per line as stored, the
 * empty line, the body. Content-Length always states the body's octets.
 *
 * @implements RFC3261 (SIP)
 */
import { formatUri } from './uri.ts';
import type { Message } from './message.ts';

const CRLF = '\r\n';

/** The start line and header fields, ending with the empty line. */
// @implements RFC3261 P223L43, P225L31, P30L3-P30L5, P27L18-P27L19
export function serializeHead(m: Message): string {
  let out = m.type === 'request'
    ? `${m.method} ${formatUri(m.requestUri)} ${m.version}${CRLF}`
    : `${m.version} ${m.status} ${m.reason}${CRLF}`;
  let sawLength = false;
  for (const f of m.headers.fields) {
    if (f.key === 'content-length') {
      // one Content-Length, and it is the body's length in octets
      if (sawLength) continue;
      sawLength = true;
      out += `${f.name}: ${m.body.length}${CRLF}`;
      continue;
    }
    out += `${f.name}: ${f.value}${CRLF}`;
  }
  // The body is always framed by Content-Length (also on TCP), never by a
  // transfer encoding.
  // @implements RFC3261 P169L40-P169L43, P169L47-P169L48, P160L47-P160L48, P33L41
  if (!sawLength) out += `Content-Length: ${m.body.length}${CRLF}`;
  // The empty line, with or without a body.
  // @implements RFC3261 P27L19-P27L20
  return out + CRLF;
}

/** The message as text (the body decoded as UTF-8). */
export function serialize(m: Message): string {
  const head = serializeHead(m);
  if (m.body.length === 0) return head;
  return head + Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString('utf8');
}

/** The message as octets, the body exactly as stored. */
export function serializeBytes(m: Message): Uint8Array {
  const head = Buffer.from(serializeHead(m), 'utf8');
  if (m.body.length === 0) return head;
  return Buffer.concat([head, m.body]);
}
