/**
 * Where a text stops being UTF-8, for the error that says so (lines.ts
 * decides that it must be UTF-8). Plumbing: no rule is decided here.
 */

/**
 * Line and column (in octets) of the first octet that is not valid UTF-8:
 * a streaming decoder throws at it, or just after the lead octet of a
 * sequence cut short (then that lead octet is the one reported).
 */
export function firstBadUtf8(bytes: Uint8Array): { line: number; col: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: i + 1 < bytes.length });
    } catch {
      let k = i - 1;
      while (k >= lineStart && (bytes[k] & 0xc0) === 0x80) k--;
      const at = k >= lineStart && bytes[k] >= 0xc0 ? k : i;
      return { line, col: at - lineStart + 1 };
    }
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: 1 };
}
