// @implements RFC3261 (SIP)
/**
 * The 400 (Bad Request) — or 505 (Version Not Supported), or 513 (Message
 * Too Large), as the fault calls for — a server transport sends for a
 * request it could not parse. Since the request did not parse, the fields a response copies
 * (§8.2.6.2: Via, From, To, Call-ID, CSeq) are taken from the raw header
 * lines, leniently, exactly as they were written. Malformed responses are
 * dropped, and so is a malformed ACK (nothing ever answers an ACK).
 */
import { badRequestReason, rejectionStatus } from '../syntax/error.ts';
import { canonicalName } from '../syntax/headers.ts';
import { callId, cseq, from, to, topVia, type Message } from '../syntax/message.ts';

/** The header fields a response copies (§8.2.6.2). */
const COPIED: readonly string[] = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/**
 * The octets of the response (400, 505 or 513) to the malformed message `raw`, or
 * undefined when none may or can be sent.
 */
export function badRequestResponse(raw: Uint8Array, error: unknown): Uint8Array | undefined {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const lines = unfold((end < 0 ? text : text.slice(0, end)).replace(/^(\r\n)+/, '').split('\r\n'));
  const startLine = lines[0] ?? '';
  // @implements RFC3261 P147L12-P147L13
  if (startLine.startsWith('SIP/')) return undefined;
  const method = /^([A-Za-z0-9\-.!%*_+`'~]+) /.exec(startLine)?.[1];
  // @implements RFC3261 P124L1-P124L3
  if (method === undefined || method === 'ACK') return undefined;
  const copied: string[] = [];
  const seen = new Set<string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    // canonicalName knows the compact forms (v, f, t, i).
    const name = canonicalName(line.slice(0, colon).trim());
    if (!COPIED.includes(name)) continue;
    // Every Via value, in order; of the single-valued fields only the first,
    // so that the 400 itself parses even when the request repeated one.
    // @implements RFC3261 P50L10-P50L15
    if (name !== 'Via' && seen.has(name)) continue;
    copied.push(`${name}: ${line.slice(colon + 1).trim()}`);
    seen.add(name);
  }
  // Without these a response cannot be matched or routed at the client.
  for (const name of COPIED) if (!seen.has(name)) return undefined;
  // 400, or what the fault calls for: 505 for another SIP-Version, 513 over a size limit.
  // @implements RFC3261 P147L13-P147L14, P185L38-P185L40, P28L17-P28L19, P191L44-P191L47, P192L3-P192L4
  const status = rejectionStatus(error);
  const reason = badRequestReason(error);
  return Buffer.from(`SIP/2.0 ${status} ${reason}\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, 'utf8');
}

/** Header lines may be folded over several lines (leading whitespace continues a line). */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 1) out[out.length - 1] += ' ' + line.trim();
    else out.push(line);
  }
  return out;
}

/**
 * What a parsed message lacks of the header fields every message carries
 * (those transactions match on and responses copy). Undefined when all are
 * there and readable; else a phrase such as "Missing Call-ID header field".
 */
// @implements RFC3261 P35L7-P35L10
export function missingEssentials(message: Message): string | undefined {
  const views: [string, () => unknown][] = [
    ['Via', () => topVia(message)],
    ['From', () => from(message)],
    ['To', () => to(message)],
    ['Call-ID', () => callId(message)],
    ['CSeq', () => cseq(message)],
  ];
  for (const [name, read] of views) {
    if (!message.headers.has(name)) return `Missing ${name} header field`;
    try {
      read();
    } catch (error) {
      return `Bad ${name} header field: ${error instanceof Error ? error.message : String(error)}`.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200);
    }
  }
  return undefined;
}
