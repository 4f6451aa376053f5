/**
 * Writing a site (tools/site/write.ts) when the world does not hold still:
 * a file saved into the site while a build writes it, two builds into one
 * directory, a build killed at any point (its leftovers made here by hand,
 * as a kill leaves them), and SIGINT / SIGTERM sent to a process that is
 * writing a site.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { lockSite, writeSite } from '../../tools/site/write.ts';
import { OutputRefused, siteMarker, SITE_MARKER } from '../../tools/outputs.ts';
import type { Diagnostic } from '../../tools/diagnostics.ts';
import { ROOT, tempDir } from '../helpers.ts';
import { readTree, siteFiles, writeTree } from './common.ts';

const test = suite('site write');

/** A site of `n` pages, each holding `text`, and its index. */
const pages = (n: number, text: string) => {
  const files = new Map<string, string>([['index.html', text]]);
  for (let i = 0; i < n; i++) files.set(`p/${i % 10}/page${i}.html`, text);
  return files;
};

/** A pid no process has: a child that has exited and been reaped. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

/** A directory as a killed build leaves it: its marker listing `ours`, and `files`. */
const leftover = (path: string, ours: string[], files: Record<string, string>) => writeTree(path, { [SITE_MARKER]: siteMarker(ours), ...files });

const messages = (ds: Diagnostic[]) => ds.map((d) => `${d.severity}: ${d.message}`).join('\n');

/** The site at `dir`, its marker left out, as an object. */
const content = (dir: string) => Object.fromEntries(siteFiles(dir));

test('a file saved into the site while a build writes it is kept: moved into the new site, never deleted', async () => {
  const parent = tempDir('rfcdoc-write-late-');
  const out = join(parent, 'site');
  await writeSite(out, pages(10, 'first'));
  // The moment the new site's directory appears, the user saves a file into the old one.
  let saved = false;
  const watcher = watch(parent, (_event, name) => {
    if (saved || !String(name).startsWith('.site.new-')) return;
    saved = true;
    writeFileSync(join(out, 'late.txt'), 'saved while the build ran');
    writeFileSync(join(out, 'p', 'late-too.txt'), 'in a folder of the site');
  });
  let result;
  try {
    result = await writeSite(out, pages(3000, 'second'));
  } finally {
    watcher.close();
  }
  assert.ok(saved, 'the file was saved during the write');
  assert.is(readFileSync(join(out, 'late.txt'), 'utf8'), 'saved while the build ran');
  assert.is(readFileSync(join(out, 'p', 'late-too.txt'), 'utf8'), 'in a folder of the site');
  assert.is(readFileSync(join(out, 'p', '0', 'page0.html'), 'utf8'), 'second');
  assert.match(messages(result.notes), /note: .*site: moved 2 entries \((late\.txt, p\/late-too\.txt|p\/late-too\.txt, late\.txt)\) saved there during the build into the new site/);
  assert.not.ok(JSON.parse(readFileSync(join(out, SITE_MARKER), 'utf8')).files.includes('late.txt'), 'not listed as rfcdoc\'s');
  assert.equal(readdirSync(parent), ['site']);
});

test('two builds into one directory at once: the second is refused while the first holds the lock', async () => {
  const parent = tempDir('rfcdoc-write-lock-');
  const out = join(parent, 'site');
  const [first, second] = await Promise.allSettled([writeSite(out, pages(500, 'one')), writeSite(out, pages(500, 'two'))]);
  const done = [first, second].filter((r) => r.status === 'fulfilled');
  const refusedOne = [first, second].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  assert.is(done.length, 1);
  assert.instance(refusedOne?.reason, OutputRefused);
  assert.match(refusedOne!.reason.message, new RegExp(`another rfcdoc build \\(pid ${process.pid}\\) is writing it now \\([^)]*\\.site\\.lock\\); wait for it to finish`));
  assert.equal(readdirSync(parent), ['site'], 'the lock is gone with the build');
  assert.is(readFileSync(join(out, 'p', '1', 'page1.html'), 'utf8'), readFileSync(join(out, 'index.html'), 'utf8'), 'one whole site');
});

test('a lock left by a killed build is taken over; a file at the lock\'s path that is no lock is refused and kept', async () => {
  const parent = tempDir('rfcdoc-write-stale-');
  const out = join(parent, 'site');
  const pid = deadPid();
  writeFileSync(join(parent, '.site.lock'), JSON.stringify({ rfcdoc: 'site-lock', pid }) + '\n');
  const { notes } = await writeSite(out, pages(2, 'x'));
  assert.match(messages(notes), new RegExp(`an earlier build \\(pid ${pid}\\) was interrupted; its lock was taken over`));
  assert.equal(readdirSync(parent), ['site']);
  writeFileSync(join(parent, '.site.lock'), 'my notes on the site');
  await writeSite(out, pages(2, 'y')).then(
    () => assert.unreachable('refused'),
    (e: Error) => {
      assert.instance(e, OutputRefused);
      assert.match(e.message, /\.site\.lock is in the way and is not an rfcdoc lock; move it away if no rfcdoc build is running/);
    },
  );
  assert.is(readFileSync(join(parent, '.site.lock'), 'utf8'), 'my notes on the site');
  assert.is(readFileSync(join(out, 'index.html'), 'utf8'), 'x');
});

test('recovery, killed between the swap\'s two renames: the old site is put back and the kept files go back into it', async () => {
  const parent = tempDir('rfcdoc-write-recover-swap-');
  const out = join(parent, 'site');
  const pid = deadPid();
  // The old site, moved aside; the new one, holding what the old one kept for its owner.
  leftover(join(parent, `.site.old-${pid}-0a1b2c3d`), ['index.html', 'rfc/a.html'], { 'index.html': 'old', 'rfc/a.html': 'a' });
  leftover(join(parent, `.site.new-${pid}-0a1b2c3d`), ['index.html', 'rfc/b.html'], { 'index.html': 'new', 'rfc/b.html': 'b', 'notes.txt': 'mine', 'rfc/reading.txt': 'to read' });
  const lock = await lockSite(out);
  await lock.release();
  assert.equal(content(out), { 'index.html': 'old', 'notes.txt': 'mine', 'rfc/a.html': 'a', 'rfc/reading.txt': 'to read' });
  assert.equal(JSON.parse(readFileSync(join(out, SITE_MARKER), 'utf8')).files, ['index.html', 'rfc/a.html']);
  assert.match(messages(lock.notes), /put back the site an interrupted build had moved aside \(\.site\.old-/);
  assert.match(messages(lock.notes), /recovered an interrupted build's \.site\.new-\d+-0a1b2c3d, moving back 2 entries \(notes\.txt, rfc\/reading\.txt\) not written by rfcdoc/);
  assert.equal(readdirSync(parent), ['site']);
  // And the next write goes on from the old site: its files replaced, the owner's kept.
  await writeSite(out, new Map([['index.html', 'newer']]));
  assert.equal(content(out), { 'index.html': 'newer', 'notes.txt': 'mine', 'rfc/reading.txt': 'to read' });
});

test('recovery, killed while clearing the old site: its files go, what was saved there moves into the site, what cannot stays', async () => {
  const parent = tempDir('rfcdoc-write-recover-old-');
  const out = join(parent, 'site');
  const pid = deadPid();
  writeTree(out, { [SITE_MARKER]: siteMarker(['index.html']), 'index.html': 'new' });
  leftover(join(parent, `.site.old-${pid}-11111111`), ['a.html', 'index.html'], { 'a.html': 'old a', 'late.txt': 'saved during the build', 'index.html.bak': 'mine' });
  // A foreign file where the site has one: nowhere to go, so it stays (and its leftover with it).
  leftover(join(parent, `.site.old-${pid}-22222222`), [], { 'index.html': 'my own page' });
  // Not known to be rfcdoc's (no marker), and a leftover of a process that runs: untouched.
  writeTree(join(parent, `.site.new-${pid}-33333333`), { 'x.txt': 'who knows' });
  leftover(join(parent, `.site.new-${process.pid}-44444444`), ['index.html'], { 'index.html': 'a running build\'s' });
  const lock = await lockSite(out);
  await lock.release();
  assert.equal(content(out), { 'index.html': 'new', 'index.html.bak': 'mine', 'late.txt': 'saved during the build' });
  assert.equal(readTree(join(parent, `.site.old-${pid}-22222222`)), new Map([[SITE_MARKER, siteMarker([])], ['index.html', 'my own page']]));
  assert.equal(readTree(join(parent, `.site.new-${pid}-33333333`)), new Map([['x.txt', 'who knows']]));
  assert.is(readFileSync(join(parent, `.site.new-${process.pid}-44444444`, 'index.html'), 'utf8'), "a running build's");
  const said = messages(lock.notes);
  assert.match(said, /moving back 2 entries \(index\.html\.bak, late\.txt\)/);
  assert.match(said, /warning: [^\n]*\.site\.old-\d+-22222222: left there 1 entry \(index\.html\) not written by rfcdoc that had nowhere to go/);
  assert.match(said, /warning: [^\n]*\.site\.new-\d+-33333333: left as it is: .* has no \.rfcdoc-site/);
  assert.equal(readdirSync(parent).sort(), [`.site.new-${pid}-33333333`, `.site.new-${process.pid}-44444444`, `.site.old-${pid}-22222222`, 'site'].sort());
});

/** Runs write-loop.ts on `out` and sends `signal` `delay` ms after its first whole write. */
function interrupt(out: string, signal: NodeJS.Signals, delay: number): Promise<{ code: number | null; last: { signal: string; completed: boolean; version: number; unhandled?: string } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'write-loop.ts'), out, '400'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (!sent && stdout.includes('ok 1\n')) {
        sent = true;
        setTimeout(() => child.kill(signal), delay);
      }
    });
    child.on('error', reject);
    // On the next timer: the child's handles are closed by then (test/run.ts names any left open).
    child.on('close', (code) =>
      setTimeout(() => {
        const lines = stdout.trim().split('\n');
        try {
          resolve({ code, last: JSON.parse(lines[lines.length - 1]!) });
        } catch {
          reject(new Error(`write-loop ended with ${code} and no verdict: ${stdout.slice(-200)}`));
        }
      }, 0),
    );
  });
}

test('SIGINT / SIGTERM while a site is written: rolled back or finished, never half; exit 130 / 143; the owner\'s file kept', async () => {
  const cases: [NodeJS.Signals, number][] = [
    ['SIGINT', 0],
    ['SIGINT', 7],
    ['SIGINT', 23],
    ['SIGTERM', 13],
  ];
  const runs = await Promise.all(
    cases.map(async ([signal, delay]) => {
      const parent = tempDir('rfcdoc-write-signal-');
      const out = join(parent, 'site');
      writeTree(out, { 'notes.txt': 'my notes' });
      return { parent, out, signal, result: await interrupt(out, signal, delay) };
    }),
  );
  for (const { parent, out, signal, result } of runs) {
    assert.is(result.last.unhandled, undefined, `${signal} came while the site was written, and writeSite went on as if not`);
    assert.is(result.code, 128 + constants.signals[signal], `${signal}: exit code`);
    assert.is(result.last.signal, signal);
    const version = `v${result.last.completed ? result.last.version : result.last.version - 1}`;
    const site = readTree(out);
    const listed = JSON.parse(site.get(SITE_MARKER)!).files as string[];
    assert.is(listed.length, 401);
    for (const f of listed) assert.is(site.get(f), version, `${signal}: ${f} is of the whole site ${version}`);
    assert.is(site.get('notes.txt'), 'my notes');
    assert.is(site.size, 403, 'the site, its marker and the notes: nothing else');
    assert.equal(readdirSync(parent), ['site'], `${signal}: no temporary directory, no lock left`);
  }
});

test.run();
