/**
 * Resolve stage: tags + documents → citations. Every ref of every tag is
 * resolved against its document's pages and sections; a ref that does not
 * resolve is an error located at the ref (`file:line:col` of its first
 * character), or at the tag's `@` when the ref's position is unknown.
 *
 * A module-level tag (`@implements RFC3261 (SIP)`) has no refs and yields no
 * citation; its document must still be loaded.
 */
import { error, type Diagnostic } from '../diagnostics.ts';
import { parseDocName } from '../spec/docname.ts';
import type { SpecDoc } from '../spec/document.ts';
import { RefError, resolveRef } from '../spec/refs.ts';
import type { Citation, Tag } from './model.ts';

export interface ResolveResult {
  citations: Citation[];
  diagnostics: Diagnostic[];
}

/** `docs` is keyed by document id (`rfc3261`, a draft's name), as loadDocs returns it. */
export function resolveTags(tags: readonly Tag[], docs: ReadonlyMap<string, SpecDoc>): ResolveResult {
  const citations: Citation[] = [];
  const diagnostics: Diagnostic[] = [];
  /** `file\0doc` pairs already told that the doc is missing: once per file is enough. */
  const missing = new Set<string>();
  for (const tag of tags) {
    const doc = docs.get(docId(tag.doc));
    if (!doc) {
      const key = `${tag.file}\0${tag.doc}`;
      if (!missing.has(key)) {
        missing.add(key);
        diagnostics.push(error(`${tag.doc} is not available, so its refs cannot be checked (see the fetch errors above)`, at(tag)));
      }
      continue;
    }
    tag.refs.forEach((ref, i) => {
      try {
        citations.push({ tag, ref, span: resolveRef(doc, ref) });
      } catch (e) {
        if (!(e instanceof RefError)) throw e;
        diagnostics.push(error(e.message, at(tag, i)));
      }
    });
  }
  return { citations, diagnostics };
}

/** The document id a tag's label names: `RFC3261` → `rfc3261`. */
export function docId(label: string): string {
  return parseDocName(label).id;
}

function at(tag: Tag, ref?: number): Pick<Diagnostic, 'file' | 'line' | 'col'> {
  const pos = ref === undefined ? undefined : tag.refAt?.[ref];
  return { file: tag.file, line: pos?.line ?? tag.line, col: pos?.col ?? tag.col };
}
