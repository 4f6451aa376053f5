/**
 * A proposal's page highlights a changed file only from the top-level
 * declaration each hunk is in (proposal-page.ts, hunkWindows), not from its
 * first line. On every proposal under reference/proposals/, each line those
 * windows give, before the patch and after it, is the HTML highlighting the
 * whole file gives that line.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers.ts';
import type { Project } from '../../tools/annotate/model.ts';
import { createSiteHighlighter } from '../../tools/site/highlight.ts';
import { hunkWindows } from '../../tools/site/proposal-page.ts';
import { siteProposals } from '../../tools/site/proposals.ts';
import { realStore } from './common.ts';

const test = suite('site proposal highlighting');

test('the windows of every hunk of every proposal highlight as the whole file does', async () => {
  // The base texts are read from disk; no document is needed to apply and cut hunks.
  const project: Project = { root: ROOT, files: [], docs: new Map(), citations: [], requirements: new Map(), diagnostics: [] };
  const { list } = await siteProposals(project, realStore());
  assert.ok(list.length > 0, 'reference/proposals/ holds proposals');
  const hl = await createSiteHighlighter();
  let checked = 0;
  let saved = 0;
  for (const p of list) {
    assert.is(p.problem, undefined, `${p.proposal.name} applies`);
    for (const f of p.files) {
      if (f.status !== 'modified' || !f.path.endsWith('.ts')) continue;
      for (const [side, text, ranges] of [
        ['before', f.before!, f.hunks.map((h) => [h.oldStart, h.oldLines] as const)],
        ['after', f.after!, f.hunks.map((h) => [h.newStart, h.newLines] as const)],
      ] as const) {
        const whole = hl.lines(text.replace(/\n$/, ''));
        const windows = hunkWindows(hl, text, ranges);
        let shown = 0;
        windows.forEach((html, n) => {
          shown++;
          if (html !== whole[n - 1]) assert.fixture(html, whole[n - 1]!, `${p.proposal.name}: ${f.path} line ${n} ${side} the patch`);
        });
        for (const [start, count] of ranges) for (let n = start; n < start + count; n++) assert.ok(windows[n] !== undefined, `${f.path}:${n} ${side} is in a window`);
        checked += shown;
        saved += whole.length - shown;
      }
    }
  }
  assert.ok(checked > 0 && saved > checked, `${checked} lines highlighted in windows, ${saved} not highlighted`);
});

test.run();
