/**
 * The data the proposal stages pass along: a proposal as read from
 * `reference/proposals/<name>/` (load.ts), the files and hunks of its patch,
 * and the diagnostics' source and rules. Section 3 (the site's proposal
 * pages) reads the same model.
 */
import type { Diagnostic } from '../diagnostics.ts';

/** Where proposals live, relative to the project root. */
export const PROPOSALS_DIR = 'reference/proposals';

/** A proposal's name: lower-case letters, digits and dashes, starting with a letter or digit; at most 64 (a folder name, and a file name's part: file systems allow 255 bytes). */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** NAME_PATTERN in words, for the errors refusing a name. */
export const NAME_RULE = 'lower-case letters, digits and dashes, at most 64 characters (e.g. session-timer-reinvite)';

/** What a patch may touch: the reference and its tests, never the proposals themselves. */
export const PATCHABLE = ['reference/', 'test/'];

export interface PatchHunk {
  /** 1-based, counted within its file, as the error `hunk 3 does not apply to FILE` counts. */
  index: number;
  /** 1-based line of its `@@` header in proposal.patch. */
  patchLine: number;
  /** The header's numbers as written (`@@ -12,0 +13,2 @@`: oldStart 12, oldLines 0). */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Each line with its ' ', '-', '+' or '\\' mark. */
  lines: string[];
}

export interface PatchFile {
  /** The file's path after the patch (before it, for a deletion), project-relative. */
  path: string;
  status: 'added' | 'deleted' | 'modified';
  /** 1-based line of its `diff --git` header in proposal.patch. */
  patchLine: number;
  hunks: PatchHunk[];
}

export interface Proposal {
  name: string;
  /** The README's `# ` heading. */
  title: string;
  /** Document labels as rfcdoc spells them (RFC3262, draft-ietf-foo-bar-03). */
  implements: string[];
  /** Proposal names to apply first. */
  requires: string[];
  /** The alternatives group: proposals of one group are never applied together. */
  alternatives?: string;
  /** The README's prose: everything after the list of fields. */
  readme: string;
  /** Project-relative paths of the two files. */
  readmePath: string;
  patchPath: string;
  /** The patch's text, as read. */
  patch: string;
  files: PatchFile[];
}

/** Diagnostics of this stage say `[proposal:<rule>]`. */
export const SOURCE = 'proposal';

export type ProposalRule =
  | 'bad-name'
  | 'no-readme'
  | 'no-patch'
  | 'extra-file'
  | 'no-title'
  | 'no-implements'
  | 'bad-field'
  | 'bad-document'
  | 'bad-patch'
  | 'not-a-file'
  | 'outside-tree'
  | 'unknown-requires'
  | 'requires-cycle'
  | 'does-not-apply'
  | 'conflict'
  | 'typecheck'
  | 'tests';

export const proposalError = (rule: ProposalRule, message: string, at: Partial<Diagnostic> = {}): Diagnostic => ({
  ...at,
  severity: 'error',
  message,
  source: SOURCE,
  rule,
});
