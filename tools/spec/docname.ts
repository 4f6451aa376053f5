/**
 * Document names: `RFC3261`, `rfc3261`, `RFC 3261`, `draft-ietf-sip-foo-05`.
 * Parsing is pure and happens before any I/O, so a bad name never reaches
 * the file system or the network.
 */

export type DocName =
  | { kind: 'rfc'; number: number; id: string; label: string }
  | { kind: 'draft'; id: string; label: string };

/** The highest RFC number we accept; RFCs are numbered below 10000 today. */
export const MAX_RFC_NUMBER = 99999;

const RFC_RE = /^rfc ?0*(\d{1,6})$/i;
const DRAFT_RE = /^draft-[a-z0-9]+(?:-[a-z0-9]+)*-\d{2}$/;

export class DocNameError extends Error {}

/** Parses a document name or throws a DocNameError saying what is wrong. */
export function parseDocName(input: string): DocName {
  const raw = input.trim();
  if (raw === '') throw new DocNameError('empty document name');
  if (/[\/\\]|\.\./.test(raw)) {
    throw new DocNameError(`"${input}" is not a document name (no paths: use RFC3261 or draft-name-NN)`);
  }
  const rfc = RFC_RE.exec(raw);
  if (rfc) {
    const number = Number(rfc[1]);
    if (number < 1 || number > MAX_RFC_NUMBER) {
      throw new DocNameError(`"${input}": RFC numbers run from 1 to ${MAX_RFC_NUMBER}`);
    }
    return { kind: 'rfc', number, id: `rfc${number}`, label: `RFC${number}` };
  }
  if (DRAFT_RE.test(raw.toLowerCase()) && raw.length <= 120) {
    const id = raw.toLowerCase();
    return { kind: 'draft', id, label: id };
  }
  if (/^draft-/i.test(raw)) {
    throw new DocNameError(`"${input}" is not a draft name: expected draft-<name>-NN with a two-digit revision`);
  }
  throw new DocNameError(`"${input}" is not a document name: expected RFC<number> or draft-<name>-NN`);
}

/** "RFC 3261" for prose; drafts keep their name. */
export function displayName(doc: DocName): string {
  return doc.kind === 'rfc' ? `RFC ${doc.number}` : doc.id;
}
