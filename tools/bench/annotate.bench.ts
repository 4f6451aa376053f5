/**
 * The annotate stages against their floors, on this project's own tree and
 * RFC 3261:
 *
 *   scan:         scanTags of every .ts file under reference/ and test/
 *     floor:      one regular-expression pass per file finding `@implements`-like
 *                 words (what the old cited.ts did: no comments, no positions)
 *   resolve:      resolveTags of all those tags against their documents
 *   requirements: extractRequirements(RFC 3261)
 *     floor:      one pass of the key-word regular expression over its lines
 *
 * Each timing is the best of RUNS passes after a warm-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { citedDocNames, listFiles } from '../annotate/project.ts';
import { extractRequirements } from '../annotate/requirements.ts';
import { resolveTags } from '../annotate/resolve.ts';
import { scanTags } from '../annotate/scan.ts';
import type { Tag } from '../annotate/model.ts';
import { parseDocName } from '../spec/docname.ts';
import { loadDocs } from '../spec/store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
// Documents come from the cache, then RFC_MIRROR, then the RFC Editor, as for the tool.
const MIRROR = process.env.RFC_MIRROR || undefined;

function best(pass: () => number): { ms: number; check: number } {
  const check = pass();
  let ms = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const c = pass();
    ms = Math.min(ms, performance.now() - t);
    if (c !== check) throw new Error(`pass gave ${c}, warm-up gave ${check}`);
  }
  return { ms, check };
}

const { files: paths } = await listFiles(ROOT, ['reference', 'test']);
const sources = paths.filter((p) => p.endsWith('.ts')).map((p) => ({ path: p, text: readFileSync(join(ROOT, p), 'utf8') }));
const bytes = sources.reduce((n, s) => n + s.text.length, 0);

let tags: Tag[] = [];
const scan = best(() => {
  tags = sources.flatMap((s) => scanTags(s.text, s.path).tags);
  return tags.length;
});
const TAG_WORD = /@(?:implements|tests|exception|todo)\s+(\S+)/g;
const scanFloor = best(() => sources.reduce((n, s) => n + [...s.text.matchAll(TAG_WORD)].length, 0));

const names = [...citedDocNames(tags).values()];
const { docs, diagnostics } = await loadDocs(names, { cacheDir: join(ROOT, 'rfc-cache'), mirror: MIRROR });
if (diagnostics.length) console.error(diagnostics.map((d) => d.message).join('\n'));
const refs = tags.reduce((n, t) => n + t.refs.length, 0);
const resolve = best(() => resolveTags(tags, docs).citations.length);

const rfc3261 = docs.get('rfc3261') ?? (await loadDocs([parseDocName('RFC3261')], { cacheDir: join(ROOT, 'rfc-cache'), mirror: MIRROR })).docs.get('rfc3261')!;
const reqs = best(() => extractRequirements(rfc3261).length);
const KEYWORD = /\b(?:MUST|REQUIRED|SHALL|SHOULD|RECOMMENDED|MAY|OPTIONAL)\b/g;
const reqFloor = best(() => rfc3261.lines.reduce((n, l) => n + (l.text.match(KEYWORD)?.length ?? 0), 0));

const f = (x: number) => x.toFixed(2).padStart(8);
console.log(`scan:         ${f(scan.ms)} ms  ${sources.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${scan.check} tags`);
console.log(`  floor:      ${f(scanFloor.ms)} ms  (one regex pass: ${scanFloor.check} tag-like words, comments or not)  ratio ${(scan.ms / scanFloor.ms).toFixed(1)}`);
console.log(`resolve:      ${f(resolve.ms)} ms  ${refs} refs → ${resolve.check} citations of ${docs.size} documents`);
console.log(`requirements: ${f(reqs.ms)} ms  RFC 3261, ${rfc3261.lines.length} kept lines → ${reqs.check} requirements`);
console.log(`  floor:      ${f(reqFloor.ms)} ms  (one key-word regex pass: ${reqFloor.check} key words)  ratio ${(reqs.ms / reqFloor.ms).toFixed(1)}`);
