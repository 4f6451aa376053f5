/**
 * A page's cache key is a hash of its renderer's whole input, taken as data:
 * a field added to an input is in the key without anyone remembering to add
 * it. Maps and sets count by their entries. A document (SpecDoc) counts by
 * everything it carries except its lines, which follow from its text, whose
 * sha256 it carries: so a new title or status from rfc-index.txt changes the
 * key, and hashing a page does not mean hashing the RFC's text again.
 */
import { createHash } from 'node:crypto';
import type { SpecDoc } from '../spec/document.ts';

const isDoc = (v: object): v is SpecDoc => 'sha256' in v && 'lines' in v && Array.isArray((v as SpecDoc).lines);

function asData(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return { map: [...v] };
  if (v instanceof Set) return { set: [...v] };
  if (isDoc(v)) return { ...v, lines: `text ${v.sha256}` };
  return v;
}

export function pageKey(input: object): string {
  return createHash('sha1').update(JSON.stringify(input, asData)).digest('hex');
}
