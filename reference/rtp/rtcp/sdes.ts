/**
 * SDES (RFC 3550 §6.5): chunks, each an SSRC/CSRC and a list of items closed
 * by null octets up to the next 32-bit boundary. Reading follows A.5
 * (`rtp_read_sdes`), writing A.4 (`rtp_write_sdes`).
 */
import { dropped, type Parsed } from '../packet/drops.ts';
import { readText, textBytes, type Body, type RtcpDropReason } from './header.ts';
import { CNAME, PRIV, type SdesChunk, type SdesItem, type SourceDescription } from './types.ts';

/** The item type that ends a chunk's list. */
const END = 0;

// @implements RFC3550 P85L3-P85L7
export function parseSdes(b: Body): Parsed<SourceDescription, RtcpDropReason> {
  const { bytes, view, end } = b;
  const chunks: SdesChunk[] = [];
  let at = b.start;
  // @implements RFC3550 P45L34-P45L36, P85L18-P85L20
  for (let n = 0; n < b.count; n++) {
    // @implements RFC3550 P45L38-P45L40
    if (at + 4 > end) return dropped('sdes', `SDES with SC=${b.count} has room for ${n} chunks (RFC 3550 §6.5, A.5)`);
    const ssrc = view.getUint32(at);
    at += 4;
    const items: SdesItem[] = [];
    // @implements RFC3550 P45L40-P45L43, P85L23-P85L28
    for (;;) {
      if (at >= end) return dropped('sdes', `SDES chunk for SSRC ${ssrc} is not closed by a null octet (RFC 3550 §6.5)`);
      const type = bytes[at];
      if (type === END) break;
      if (at + 2 > end) return dropped('sdes', `SDES item type ${type} has no length octet (RFC 3550 §6.5)`);
      const textEnd = at + 2 + bytes[at + 1];
      if (textEnd > end) return dropped('sdes', `SDES item type ${type} of ${bytes[at + 1]} octets runs past the packet (RFC 3550 §6.5, A.5)`);
      items.push(readItem(bytes, type, at + 2, textEnd));
      at = textEnd;
    }
    // @implements RFC3550 P46L9-P46L14, P85L31-P85L32
    at = (at + 4) & ~3;
    chunks.push({ ssrc, items });
  }
  return { ok: true, value: { type: 'SDES', chunks } };
}

function readItem(bytes: Uint8Array, type: number, start: number, end: number): SdesItem {
  // @implements RFC3550 P50L41-P50L45
  if (type === PRIV && end > start) {
    const prefixEnd = Math.min(end, start + 1 + bytes[start]);
    return { type, prefix: readText(bytes, start + 1, prefixEnd), text: readText(bytes, prefixEnd, end) };
  }
  return { type, text: readText(bytes, start, end) };
}

/** The items' octets, encoded once for both size and write. */
const encoded = new WeakMap<SourceDescription, Uint8Array[][]>();

function itemBytes(p: SourceDescription): Uint8Array[][] {
  let e = encoded.get(p);
  if (!e) {
    e = p.chunks.map((c) =>
      c.items.map((i) => {
        if (i.type < 1 || i.type > 255) throw new RangeError(`RTCP SDES: item type ${i.type} is not 1-255 (RFC 3550 §6.5, §12.2)`);
        if (i.type !== PRIV) return textBytes(i.text, `SDES item ${i.type}`);
        const prefix = textBytes(i.prefix ?? '', 'SDES PRIV prefix');
        const value = textBytes(i.text, 'SDES PRIV value');
        const out = new Uint8Array(1 + prefix.length + value.length);
        out[0] = prefix.length;
        out.set(prefix, 1);
        out.set(value, 1 + prefix.length);
        if (out.length > 255) throw new RangeError(`RTCP SDES: a PRIV item of ${out.length} octets, more than the 255 one length octet counts (RFC 3550 §6.5.8)`);
        return out;
      }),
    );
    encoded.set(p, e);
  }
  return e;
}

/** A chunk's octets: SSRC, items, then 1 to 4 null octets to the next boundary (A.4). */
// @implements RFC3550 P84L34-P84L38, P46L7-P46L14
const chunkSize = (items: Uint8Array[]): number => {
  const len = 4 + items.reduce((s, i) => s + 2 + i.length, 0);
  return len + 4 - (len & 3);
};

export function sdesSize(p: SourceDescription): number {
  return 4 + itemBytes(p).reduce((s, items) => s + chunkSize(items), 0);
}

// @implements RFC3550 P84L3-P84L5
export function writeSdes(out: Uint8Array, view: DataView, at: number, p: SourceDescription): number {
  const all = itemBytes(p);
  p.chunks.forEach((c, n) => {
    const start = at;
    view.setUint32(at, c.ssrc);
    at += 4;
    c.items.forEach((item, k) => {
      const text = all[n][k];
      out[at] = item.type;
      out[at + 1] = text.length;
      out.set(text, at + 2);
      at += 2 + text.length;
    });
    // The output is zero-filled: the null octets are already there.
    at = start + chunkSize(all[n]);
  });
  return at;
}

/** The CNAME a chunk carries, if any. */
export const cnameOf = (chunk: SdesChunk): string | undefined => chunk.items.find((i) => i.type === CNAME)?.text;
