// @implements RFC5888 (The SDP Grouping Framework)
/** `a=mid:` (RFC 5888 §4) and `a=group:` (§5). */
import { TOKEN } from './address.ts';
import { failAt, valueOf, type AttributeInput } from './attributeValue.ts';
import type { Attribute, SessionDescription } from './types.ts';
import { SdpError } from './errors.ts';

/** `a=mid:<identification-tag>`, a token. */
// @implements RFC5888 P4L18-P4L20
export function parseMid(input: AttributeInput): Attribute {
  const tag = valueOf(input, '<identification-tag>');
  if (!TOKEN.test(tag)) failAt(input, 'RFC5888 §4', `a=mid:${tag}: the identification-tag is not a token`);
  return { kind: 'mid', tag };
}

/** `a=group:<semantics> *(SP <identification-tag>)`. */
// @implements RFC5888 P4L31-P4L35
export function parseGroup(input: AttributeInput): Attribute {
  const [semantics, ...tags] = valueOf(input, '<semantics> <identification-tag> ...').split(' ');
  if (!TOKEN.test(semantics)) failAt(input, 'RFC5888 §5', `a=group: semantics "${semantics}" is not a token`);
  for (const t of tags) if (!TOKEN.test(t)) failAt(input, 'RFC5888 §5', `a=group: identification-tag "${t}" is not a token`);
  return { kind: 'group', semantics, tags };
}

/** Each media description's mid, in order (undefined where it has none). */
export function midsOf(session: SessionDescription): Array<string | undefined> {
  return session.media.map((m) => m.attributes.find((a) => a.kind === 'mid')?.tag);
}

/** No two media descriptions carry the same identification-tag. `lines[i]` is the m= line of media i. */
// @implements RFC5888 P4L22-P4L23
export function checkMidsUnique(session: SessionDescription, lines: number[]): void {
  const seen = new Set<string>();
  midsOf(session).forEach((mid, i) => {
    if (mid === undefined) return;
    if (seen.has(mid)) throw new SdpError('RFC5888 §4', `a=mid:${mid} is used by more than one media description: it MUST be unique`, lines[i], 1);
    seen.add(mid);
  });
}
