/**
 * Plumbing for the message layer: copying bytes out of a datagram, and IP
 * addresses between text and bytes. No STUN rule lives here.
 */

/**
 * A copy of bytes[from, to). Not `bytes.slice()`: on a Node Buffer (what a
 * socket delivers) slice is a view, and a value kept or XOR'd in place would
 * share, or change, the datagram.
 */
export function copyBytes(bytes: Uint8Array, from = 0, to = bytes.length): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, from, to);
}
/** An IPv6 address's 16 bytes as RFC 5952 text (lower case, the longest zero run as ::). */
export function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes ::
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** RFC 4291 text (full or with ::) to 16 bytes; throws on anything else. */
export function ipv6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${text}`);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) throw new Error(`not an IPv6 address: ${text}`);
  const put = (g: string, i: number) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`not an IPv6 address: ${text}`);
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  };
  head.forEach((g, i) => put(g, i));
  tail.forEach((g, i) => put(g, 8 - tail.length + i));
  return out;
}

/** Dotted-decimal to 4 bytes; throws on anything else. */
export function ipv4Bytes(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256)) throw new Error(`not an IPv4 address: ${text}`);
  return Uint8Array.from(parts.map(Number));
}

