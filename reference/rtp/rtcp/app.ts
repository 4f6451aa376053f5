/** APP (RFC 3550 §6.7): a subtype, an SSRC, a four-character name and whole words of data. */
import { dropped, type Parsed } from '../packet/drops.ts';
import { readText, type Body, type RtcpDropReason } from './header.ts';
import type { AppDefined } from './types.ts';

export function parseApp(b: Body): Parsed<AppDefined, RtcpDropReason> {
  const { bytes, view, start, end } = b;
  if (start + 8 > end) return dropped('app', `APP of ${end - start + 4} octets is shorter than header, SSRC and name (RFC 3550 §6.7)`);
  return {
    ok: true,
    value: {
      type: 'APP',
      // @implements RFC3550 P52L38-P52L41
      subtype: b.count,
      ssrc: view.getUint32(start),
      // @implements RFC3550 P53L1-P53L3, P53L9-P53L11
      name: readText(bytes, start + 4, start + 8),
      // @implements RFC3550 P53L13-P53L16
      data: bytes.subarray(start + 8, end),
    },
  };
}

export function appSize(p: AppDefined): number {
  if (!/^[\x20-\x7e]{4}$/.test(p.name)) throw new RangeError(`RTCP APP: name ${JSON.stringify(p.name)} is not four ASCII characters (RFC 3550 §6.7)`);
  // @implements RFC3550 P53L15-P53L16
  if (p.data.length % 4 !== 0) throw new RangeError(`RTCP APP: ${p.data.length} octets of data is not a multiple of 32 bits (RFC 3550 §6.7)`);
  return 12 + p.data.length;
}

export function writeApp(out: Uint8Array, view: DataView, at: number, p: AppDefined): number {
  view.setUint32(at, p.ssrc);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = p.name.charCodeAt(i);
  out.set(p.data, at + 8);
  return at + 8 + p.data.length;
}
