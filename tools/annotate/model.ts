/**
 * The data that flows through the annotate stages:
 * scan (source text → tags) → resolve (tags + docs → citations)
 * → coverage (docs + citations → requirement statuses) → render (tools/site).
 * Every stage is a pure function of its inputs, returning diagnostics as values.
 */
import type { Ref, Span } from '../spec/refs.ts';
import type { SpecDoc } from '../spec/document.ts';
import type { Diagnostic } from '../diagnostics.ts';

export type TagKind = 'implements' | 'tests' | 'exception' | 'todo';

export interface Tag {
  kind: TagKind;
  /** Document label as tags write it after normalising: `RFC3261`, `draft-ietf-foo-bar-03`. */
  doc: string;
  /** Empty for a module-level tag (`@implements RFC3261 (SIP)`). */
  refs: Ref[];
  /** A module-level tag's description (`SIP`), or an exception's reason. */
  note?: string;
  /** Project-relative posix path of the file holding the tag. */
  file: string;
  /** 1-based position of the `@`. */
  line: number;
  col: number;
  /** 1-based position of each ref's first character, parallel to `refs`. */
  refAt?: { line: number; col: number }[];
}

/** One resolved ref of one tag. */
export interface Citation {
  tag: Tag;
  ref: Ref;
  /** Indices into the doc's kept lines. */
  span: Span;
}

export interface SourceFile {
  /** Project-relative posix path. */
  path: string;
  text: string;
  /** `module` under reference/, `test` under test/, `readme` for README.md files. */
  role: 'module' | 'test' | 'readme';
  /** One-line description from the file's header comment. */
  description?: string;
  /** Source lines that are neither blank nor only comment. */
  sloc: number;
  tags: Tag[];
}

export type RequirementStatus = 'implemented' | 'tested' | 'exception' | 'todo' | 'missing';

export interface Requirement {
  doc: string;
  /** The BCP 14 key word, e.g. `MUST NOT`; the strongest in the sentence. */
  keyword: string;
  /** Indices into the doc's kept lines. */
  begin: number;
  end: number;
  /** The sentence, white space folded. */
  text: string;
  /** Number of the innermost section holding it, when there is one. */
  section?: string;
  status: RequirementStatus;
  /** The citations that overlap it. */
  citations: Citation[];
}

export interface Project {
  root: string;
  files: SourceFile[];
  docs: Map<string, SpecDoc>;
  citations: Citation[];
  requirements: Map<string, Requirement[]>;
  diagnostics: Diagnostic[];
}

/** One row of `site/map.json`. */
export interface MapEntry {
  doc: string;
  ref: string;
  begin: string;
  end: string;
  kind: TagKind;
  file: string;
  line: number;
}
