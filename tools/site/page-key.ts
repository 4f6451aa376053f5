/**
 * A page's cache key is a hash of its renderer's whole input, taken as data:
 * a field added to an input is in the key without anyone remembering to add
 * it. Maps and sets count by their entries. A document (SpecDoc) counts by
 * everything it carries except its lines, which follow from its text, whose
 * sha256 it carries: so a new title or status from rfc-index.txt changes the
 * key, and hashing a page does not mean hashing the RFC's text again. A
 * requirement counts without its sentence, which follows from the document
 * and the lines it spans, so a document page's key is not every sentence of
 * the RFC hashed again on each rebuild.
 */
import { createHash } from 'node:crypto';
import type { SpecDoc } from '../spec/document.ts';
import type { Requirement, SourceFile, Tag } from '../annotate/model.ts';

const isDoc = (v: object): v is SpecDoc => 'sha256' in v && 'lines' in v && Array.isArray((v as SpecDoc).lines);
const isRequirement = (v: object): v is Requirement => 'keyword' in v && 'begin' in v && 'end' in v && 'text' in v && 'status' in v && 'citations' in v;
const isScanned = (v: object): v is SourceFile | Tag => ('path' in v && 'text' in v && 'tags' in v) || ('kind' in v && 'doc' in v && 'refs' in v && 'file' in v);

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * A loaded document, a scanned file and its tags are values, never changed in
 * place (the stage cache hands out the same object while the stage's input is
 * the same, and a new one otherwise): the part of a key each makes is worked
 * out once, not on every page and every rebuild that reads it.
 */
const digests = new WeakMap<object, string>();

function digestOf(v: object, data: () => object): { value: string } {
  let d = digests.get(v);
  if (d === undefined) {
    const own = data();
    // The object itself is taken field by field; what it holds, as anywhere.
    digests.set(v, (d = sha1(JSON.stringify(own, (k, x: unknown) => (k === '' && x === own ? x : asData(k, x))))));
  }
  return { value: d };
}

function asData(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return { map: [...v] };
  if (v instanceof Set) return { set: [...v] };
  if (isDoc(v)) return digestOf(v, () => ({ ...v, lines: `text ${v.sha256}` }));
  if (isScanned(v)) return digestOf(v, () => ({ ...v }));
  if (isRequirement(v)) return { ...v, text: undefined };
  return v;
}

export function pageKey(input: object): string {
  return sha1(JSON.stringify(input, asData));
}
