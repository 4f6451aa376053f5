/** BYE (RFC 3550 §6.6): the sources leaving, and optionally why. */
import { dropped, type Parsed } from '../packet/drops.ts';
import { readText, textBytes, words, type Body, type RtcpDropReason } from './header.ts';
import type { Goodbye } from './types.ts';

// @exception RFC3550 P52L1-P52L4: this reference has no mixer
export function parseBye(b: Body): Parsed<Goodbye, RtcpDropReason> {
  const { bytes, view, start, end, count } = b;
  // @implements RFC3550 P51L40-P51L42
  const listEnd = start + 4 * count;
  if (listEnd > end) return dropped('bye', `BYE with SC=${count} needs ${4 * count} octets of identifiers, it has ${end - start} (RFC 3550 §6.6)`);
  const sources: number[] = [];
  for (let at = start; at < listEnd; at += 4) sources.push(view.getUint32(at));
  if (listEnd === end) return { ok: true, value: { type: 'BYE', sources } };
  // @implements RFC3550 P52L4-P52L8
  const reasonEnd = listEnd + 1 + bytes[listEnd];
  if (reasonEnd > end) return dropped('bye', `BYE reason of ${bytes[listEnd]} octets runs past the packet (RFC 3550 §6.6)`);
  return { ok: true, value: { type: 'BYE', sources, reason: readText(bytes, listEnd + 1, reasonEnd) } };
}

export function byeSize(p: Goodbye): number {
  // @implements RFC3550 P52L8-P52L12
  return 4 + 4 * p.sources.length + (p.reason === undefined ? 0 : words(1 + textBytes(p.reason, 'BYE reason').length));
}

export function writeBye(out: Uint8Array, view: DataView, at: number, p: Goodbye): number {
  for (const s of p.sources) {
    view.setUint32(at, s);
    at += 4;
  }
  if (p.reason === undefined) return at;
  const text = textBytes(p.reason, 'BYE reason');
  out[at] = text.length;
  out.set(text, at + 1);
  // The null octets up to the boundary are the zero-filled output's.
  return at + words(1 + text.length);
}
