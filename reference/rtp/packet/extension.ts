// @implements RFC8285 (A General Mechanism for RTP Header Extensions)
/**
 * The elements inside an RTP header extension (RFC 3550 §5.3.1) in RFC
 * 8285's one-byte (§4.2, profile 0xBEDE) and two-byte (§4.3, profile 0x100
 * and 4 appbits) forms. `rtp.ts` keeps the extension as words; this reads
 * and writes the elements in them.
 */
import { dropped, type Parsed } from './drops.ts';
import type { HeaderExtension } from './rtp.ts';

// @implements RFC8285 P8L9-P8L12
export const ONE_BYTE_PROFILE = 0xbede;
// @implements RFC8285 P9L18-P9L25
export const TWO_BYTE_PROFILE = 0x1000;

// The IDs are the caller's: negotiated out of band (SDP's extmap), none static; no element of this
// reference changes what RTP or RTCP mean.
// @exception RFC8285 P6L32-P6L35: the IDs come from signalling, which is the SDP layer's (a=extmap); this layer takes them as given
// @exception RFC8285 P4L29-P4L34: this reference defines no header extension of its own
// @exception RFC8285 P5L18-P5L21: which elements a packet carries is the application's choice; none is added here
export interface ExtensionElement {
  id: number;
  data: Uint8Array;
}

export interface ExtensionElements {
  form: 'one-byte' | 'two-byte';
  /** The two-byte form's 4 application bits (0 in the one-byte form). */
  appbits: number;
  elements: ExtensionElement[];
}

/** 'profile': neither RFC 8285 form; 'element': an element runs past the extension's end. */
export type ElementDropReason = 'profile' | 'element';

export function parseElements(ext: HeaderExtension): Parsed<ExtensionElements, ElementDropReason> {
  const { data } = ext;
  const elements: ExtensionElement[] = [];
  if (ext.profile === ONE_BYTE_PROFILE) {
    let i = 0;
    while (i < data.length) {
      const id = data[i] >> 4;
      const len = data[i] & 0x0f;
      // @implements RFC8285 P7L31-P7L36
      if (data[i] === 0) {
        i++;
        continue;
      }
      // ID 15 is reserved and ID 0 with a length is forbidden: either ends the parse, keeping what came before.
      // @implements RFC8285 P8L29-P8L34, P6L39-P6L44, P7L25-P7L29
      if (id === 15 || id === 0) break;
      // @implements RFC8285 P8L25-P8L26, P8L36-P8L40, P7L38-P7L41
      const end = i + 1 + len + 1;
      if (end > data.length) return dropped('element', `one-byte element ID ${id} of ${len + 1} octets ends at ${end}, the extension has ${data.length} (RFC 8285 §4.2)`);
      elements.push({ id, data: data.subarray(i + 1, end) });
      i = end;
    }
    return { ok: true, value: { form: 'one-byte', appbits: 0, elements } };
  }
  if ((ext.profile & 0xfff0) === TWO_BYTE_PROFILE) {
    let i = 0;
    while (i < data.length) {
      const id = data[i];
      // In this form a 0 octet can only be padding: an element's ID and length are two octets.
      // @implements RFC8285 P7L31-P7L36
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 2 > data.length) return dropped('element', `two-byte element ID ${id} has no length octet (RFC 8285 §4.3)`);
      // @implements RFC8285 P9L46-P9L47, P10L7-P10L9, P7L42-P7L43
      const len = data[i + 1];
      const end = i + 2 + len;
      if (end > data.length) return dropped('element', `two-byte element ID ${id} of ${len} octets ends at ${end}, the extension has ${data.length} (RFC 8285 §4.3)`);
      elements.push({ id, data: data.subarray(i + 2, end) });
      i = end;
    }
    // @implements RFC8285 P9L28-P9L35
    return { ok: true, value: { form: 'two-byte', appbits: ext.profile & 0x0f, elements } };
  }
  return dropped('profile', `extension profile 0x${ext.profile.toString(16).padStart(4, '0')} is neither RFC 8285 form (0xBEDE, 0x100x)`);
}

/**
 * The header extension carrying these elements: the one-byte form when every
 * element fits it, else the two-byte form (or always, with `twoByte`: for a
 * path where an intermediary may add elements). Throws on an empty list, an
 * ID or a length neither form allows, or a repeated ID.
 */
// @implements RFC8285 P7L10-P7L12, P7L15-P7L18
export function headerExtension(elements: readonly ExtensionElement[], options: { appbits?: number; twoByte?: boolean } = {}): HeaderExtension {
  const appbits = options.appbits ?? 0;
  // @implements RFC8285 P5L16-P5L18
  if (elements.length === 0) throw new RangeError('RTP header extension: no elements; the extension is present only in a packet that has one (RFC 8285 §4.1.1)');
  const seen = new Set<number>();
  for (const e of elements) {
    // @implements RFC8285 P6L35-P6L37
    if (!Number.isInteger(e.id) || e.id < 1 || e.id > 255) throw new RangeError(`RTP header extension: ID ${e.id} is not 1-255 (RFC 8285 §4.1.2)`);
    if (seen.has(e.id)) throw new RangeError(`RTP header extension: ID ${e.id} twice; each extension has a unique ID (RFC 8285 §4.1.2)`);
    seen.add(e.id);
    if (e.data.length > 255) throw new RangeError(`RTP header extension: element ${e.id} has ${e.data.length} octets, at most 255 (RFC 8285 §4.3)`);
  }
  const oneByte = !options.twoByte && appbits === 0 && elements.every((e) => e.id <= 14 && e.data.length >= 1 && e.data.length <= 16);
  // @implements RFC8285 P7L2-P7L3, P7L8-P7L10
  const size = elements.reduce((s, e) => s + (oneByte ? 1 : 2) + e.data.length, 0);
  // @implements RFC8285 P7L20-P7L25
  const data = new Uint8Array(Math.ceil(size / 4) * 4);
  let i = 0;
  for (const e of elements) {
    if (oneByte) data[i++] = (e.id << 4) | (e.data.length - 1);
    else {
      data[i++] = e.id;
      data[i++] = e.data.length;
    }
    data.set(e.data, i);
    i += e.data.length;
  }
  if (!Number.isInteger(appbits) || appbits < 0 || appbits > 15) throw new RangeError(`RTP header extension: appbits ${appbits} is not 0-15 (RFC 8285 §4.3)`);
  return { profile: oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE | appbits, data };
}
