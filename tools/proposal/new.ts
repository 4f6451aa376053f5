/**
 * `rfcdoc proposal new NAME`: the working tree's uncommitted changes under
 * reference/ and test/ (tracked files changed since HEAD, and untracked new
 * files that .gitignore does not ignore; never reference/proposals/ nor
 * rfc-cache/lock.json) become reference/proposals/NAME/proposal.patch, with
 * a README.md skeleton whose Implements: line names the documents the added
 * tags cite. The diff is made through a temporary copy of git's index, so
 * the user's index and working tree are as they were: nothing is reverted.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scanSource } from '../annotate/scan.ts';
import { hunkLines } from './hunks.ts';
import { readPatch } from './load.ts';
import { PROPOSALS_DIR, type PatchFile } from './model.ts';
import { gitOk } from './run.ts';

export interface NewProposal {
  patchPath: string;
  readmePath: string;
  files: PatchFile[];
  /** Documents the added tags cite, as the README's Implements: line names them. */
  implements: string[];
}

/** The pathspec of what a proposal may hold, for git. */
const PROPOSAL_PATHSPEC = ['reference', 'test', `:(exclude)${PROPOSALS_DIR}`, ':(exclude)rfc-cache/lock.json'];

/** The working tree's changes under reference/ and test/ against HEAD, as a git patch ('' when there are none). */
async function workingTreePatch(root: string): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'rfcdoc-index-'));
  try {
    const index = join(tmp, 'index');
    const own = resolve(root, (await gitOk(root, ['rev-parse', '--git-path', 'index'])).trim());
    await copyFile(own, index).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    const env = { GIT_INDEX_FILE: index };
    await gitOk(root, ['add', '-A', '--', ...PROPOSAL_PATHSPEC], undefined, env);
    return await gitOk(root, ['diff', '--cached', '--binary', '--no-color', '--no-ext-diff', 'HEAD', '--', ...PROPOSAL_PATHSPEC], undefined, env);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export class NothingToPropose extends Error {}

/** Writes the proposal's two files; NothingToPropose when the tree has no change to export. */
export async function newProposal(root: string, name: string): Promise<NewProposal> {
  const dir = `${PROPOSALS_DIR}/${name}`;
  const patch = await workingTreePatch(root);
  if (patch === '') throw new NothingToPropose(`no uncommitted change under reference/ or test/ (outside ${PROPOSALS_DIR}/) to make ${name} of`);
  const patchPath = `${dir}/proposal.patch`;
  const readmePath = `${dir}/README.md`;
  const { files } = readPatch(patch, patchPath);
  const implementsDocs = await citedByAdditions(root, files);
  await mkdir(join(root, PROPOSALS_DIR), { recursive: true });
  await mkdir(join(root, dir)); // not recursive: a name taken meanwhile fails here, nothing overwritten
  await writeFile(join(root, patchPath), patch);
  await writeFile(join(root, readmePath), readmeSkeleton(implementsDocs));
  return { patchPath, readmePath, files, implements: implementsDocs };
}

/** The documents cited by tags on added lines of .ts files, in the order first met. */
async function citedByAdditions(root: string, files: readonly PatchFile[]): Promise<string[]> {
  const docs = new Set<string>();
  for (const f of files) {
    if (!f.path.endsWith('.ts') || f.status === 'deleted') continue;
    const added = new Set(f.hunks.flatMap((h) => hunkLines(h).added));
    const { file } = scanSource(f.path, await readFile(join(root, f.path), 'utf8'));
    for (const t of file.tags) if (added.has(t.line)) docs.add(t.doc);
  }
  return [...docs];
}

function readmeSkeleton(docs: readonly string[]): string {
  return `# TITLE: what it adds, and from which document (e.g. Reliable provisional responses (RFC 3262: 100rel, PRACK))

- Implements: ${docs.length ? docs.join(', ') : 'RFCNNNN'}

What this proposes and why, in a few paragraphs; what is left out, and why.
Add "- Requires: NAME" (proposals to apply first) and "- Alternatives: GROUP"
(proposals of one group are never applied together) under Implements: if
they apply; drop this paragraph.
`;
}
