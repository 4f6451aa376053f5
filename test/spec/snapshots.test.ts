/**
 * Snapshots on real RFCs: for each document the project cites (the documents
 * rfc-cache/lock.json pins) and each one a test reads with realDoc(), the
 * live extraction from RFC_MIRROR must equal test/spec/snapshots/<doc>.json
 * (test/spec/snapshot.ts says what one holds). A mismatch prints what
 * changed, item by item. RFCDOC_UPDATE_SNAPSHOTS=1 rewrites the snapshots
 * (and removes those of documents no longer in the list) instead of failing.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listFiles } from '../../tools/annotate/project.ts';
import { parseDocName } from '../../tools/spec/docname.ts';
import { readLock } from '../../tools/spec/lock.ts';
import { MIRROR, realDoc, ROOT } from '../helpers.ts';
import { diffSnapshots, formatSnapshot, parseSnapshot, snapshotOf, type Snapshot } from './snapshot.ts';

const test = suite('snapshots of real RFCs');

const DIR = join(ROOT, 'test/spec/snapshots');
const UPDATE = process.env.RFCDOC_UPDATE_SNAPSHOTS === '1';
const ACCEPT = 'RFCDOC_UPDATE_SNAPSHOTS=1 npx tsx test/run.ts spec/snapshots';

/** The documents: those lock.json pins, and those a test reads with realDoc(name); by id, sorted. */
async function documents(): Promise<string[]> {
  const ids = new Set(Object.keys(await readLock(join(ROOT, 'rfc-cache'))));
  for (const file of (await listFiles(ROOT, ['test'])).files.filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/\brealDoc\(\s*'(RFC ?\d+|draft-[\w.-]+)'\s*\)/gi)) ids.add(parseDocName(m[1]!).id);
  }
  return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

const snapshotFile = (id: string) => join(DIR, `${id}.json`);
const shown = (path: string) => relative(ROOT, path);

test('every listed document is in RFC_MIRROR', async () => {
  assert.ok(MIRROR && !/^https?:/i.test(MIRROR), 'the snapshots need RFC_MIRROR set to a directory (RFC_MIRROR=../shared/rfc)');
  const missing = (await documents()).filter((id) => !existsSync(join(MIRROR!, `${id}.txt`)));
  assert.equal(missing, [], `not in RFC_MIRROR (${MIRROR}): ${missing.map((id) => `${id}.txt`).join(', ')}`);
});

test('each document as extracted now equals its snapshot', async () => {
  const ids = await documents();
  const problems: string[] = [];
  const updated: string[] = [];
  for (const id of ids) {
    if (!MIRROR || !existsSync(join(MIRROR, `${id}.txt`))) continue; // named by the test above
    const now = snapshotOf(await realDoc(id));
    const file = snapshotFile(id);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (UPDATE) {
      if (text !== formatSnapshot(now)) {
        writeFileSync(file, formatSnapshot(now));
        updated.push(shown(file));
      }
      continue;
    }
    if (text === undefined) {
      problems.push(`${now.doc}: no snapshot ${shown(file)}`);
      continue;
    }
    const old = parseSnapshot(text, shown(file));
    const changes = diffSnapshots(old, now);
    if (changes.length) problems.push(changeReport(now.doc, file, changes));
    else if (text !== formatSnapshot(now)) problems.push(`${now.doc}: ${shown(file)} holds the same figures, not in the snapshot's layout`);
  }
  // A snapshot of a document no longer listed is stale.
  const listed = new Set(ids);
  for (const name of readdirSync(DIR)) {
    const id = name.replace(/\.json$/, '');
    if (listed.has(id)) continue;
    if (UPDATE && name.endsWith('.json')) {
      rmSync(join(DIR, name));
      updated.push(`${shown(join(DIR, name))} (removed)`);
    } else problems.push(`${shown(join(DIR, name))}: no such document is cited or read by a test (remove it, or run ${ACCEPT})`);
  }
  if (updated.length) process.stderr.write(`snapshots: updated ${updated.join(', ')}\n`);
  assert.ok(problems.length === 0, `${problems.join('\n')}\nIf the change is meant, accept it with: ${ACCEPT}`);
});

const MAX_SHOWN = 40;
function changeReport(doc: string, file: string, changes: string[]): string {
  const head = changes.slice(0, MAX_SHOWN).map((c) => `  ${c}`);
  if (changes.length > MAX_SHOWN) head.push(`  … and ${changes.length - MAX_SHOWN} more`);
  return `${doc}: the live extraction differs from ${shown(file)}:\n${head.join('\n')}`;
}

test('the diff names each change: pages, a moved, added and removed section, a key word count', async () => {
  const live = snapshotOf(await realDoc('RFC3261'));
  assert.equal(diffSnapshots(live, live), []);
  const at = (n: string) => live.sections.findIndex((s) => s[0] === n);
  const changed: Snapshot = structuredClone(live);
  changed.pages += 1;
  changed.sections[at('17.1.1.2')]![2] = 'P129L21';
  const [removed] = changed.sections.splice(at('8.2.1'), 1);
  changed.sections.push(['99', 'P269L1', 'P269L2']);
  changed.requirements.MUST! += 1;
  changed.requirements.total! += 1;
  assert.equal(diffSnapshots(live, changed), [
    'pages: 269 → 270',
    'section 17.1.1.2: P125L32-P129L20 → P125L32-P129L21',
    'section 99: added (P269L1-P269L2)',
    `section 8.2.1: removed (was ${removed![1]}-${removed![2]})`,
    `MUST: ${live.requirements.MUST} → ${live.requirements.MUST! + 1}`,
    `requirements in all: ${live.requirements.total} → ${live.requirements.total! + 1}`,
  ]);
  // The committed snapshot round-trips through its file format.
  assert.equal(parseSnapshot(formatSnapshot(live), 'x.json'), live);
});

test('a snapshot file that is not one is an error naming the file and what is wrong', () => {
  const bad = (text: string, message: RegExp) =>
    assert.throws(() => parseSnapshot(text, 'test/spec/snapshots/rfc1.json'), (e: Error) => message.test(e.message), text);
  bad('{', /^test\/spec\/snapshots\/rfc1\.json: not valid JSON/);
  bad('[]', /rfc1\.json: expected an object/);
  bad('{"doc":"RFC1"}', /expected the keys doc, pages, lines, virtual, sections, requirements, found doc/);
  const ok = { doc: 'RFC1', pages: 1, lines: 2, virtual: true, sections: [['1', 'P1L1', 'P1L2']], requirements: {} };
  bad(JSON.stringify({ ...ok, pages: -1 }), /"pages" is not a count/);
  bad(JSON.stringify({ ...ok, sections: [['1', 'page 1', 'P1L2']] }), /sections\[0\] is not \["number", "PnLm", "PnLm"\]/);
  bad(JSON.stringify(ok), /"requirements" must list MUST NOT, SHALL NOT, MUST/);
});

test.run();
