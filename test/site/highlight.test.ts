/**
 * Highlighting: one tokenization with the merged light/dark theme colours
 * every token as shiki's two-theme tokenization does, on every file of the
 * real reference tree and the site's own code; classes, not inline styles.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHighlighter } from 'shiki';
import { ROOT } from '../helpers.ts';
import { listFiles } from '../../tools/annotate/project.ts';
import { createSiteHighlighter, dualColours, exportedSymbols } from '../../tools/site/highlight.ts';

const test = suite('site highlight');

/** A line as runs of one colour pair (token boundaries inside a run do not matter). */
function runs(tokens: [string, string][]): string {
  const out: [string, string][] = [];
  for (const [text, colour] of tokens) {
    const last = out[out.length - 1];
    if (last && last[1] === colour) last[0] += text;
    else out.push([text, colour]);
  }
  return out.map(([t, c]) => `${t}\u0000${c}`).join('\u0001');
}

test('one pass with the merged theme gives the colours of shiki two-theme tokenization', async () => {
  // The site's own code and the ten largest reference modules: every construct they use.
  const tsFiles = async (dir: string) => (await listFiles(ROOT, [dir])).files.filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ROOT, f), 'utf8'));
  const reference = (await tsFiles('reference')).sort((a, b) => b.length - a.length);
  const codes = [...(await tsFiles('tools/site')), ...reference.slice(0, 10)];
  assert.ok(codes.length > 10);
  const ours = await dualColours(codes);
  const shiki = await createHighlighter({ themes: ['github-light', 'github-dark'], langs: ['typescript'] });
  try {
    codes.forEach((code, i) => {
      const theirs = shiki
        .codeToTokensWithThemes(code, { lang: 'typescript', themes: { light: 'github-light', dark: 'github-dark' } })
        .map((line) => runs(line.map((t) => [t.content, `${t.variants.light!.color!.toLowerCase()}|${t.variants.dark!.color!.toLowerCase()}`])));
      assert.equal(ours[i]!.map(runs), theirs, code.slice(0, 200));
    });
  } finally {
    shiki.dispose();
  }
});

test('lines are escaped HTML with classes; the stylesheet has both themes; a text is highlighted once', async () => {
  const hl = await createSiteHighlighter();
  const code = 'export const x = "<b>&</b>"; // <script>\nlet y = 1;';
  const lines = hl.lines(code);
  assert.is(lines.length, 2);
  assert.ok(lines[0]!.includes('&quot;&lt;b&gt;&amp;&lt;/b&gt;&quot;'));
  assert.ok(lines[0]!.includes('&lt;script&gt;'));
  assert.not.match(lines.join(''), /style=/);
  assert.match(lines[0]!, /^<span class="h[0-9a-f]{6}">export<\/span>/);
  hl.lines(code);
  assert.is(hl.misses, 1);
  const css = hl.css();
  // github-light's keyword #d73a49 as AA_COLOURS shows it.
  assert.match(css, /\.h[0-9a-f]{6}\{color:#c53543;\}/);
  assert.match(css, /@media \(prefers-color-scheme: dark\)\{[\s\S]*\.h[0-9a-f]{6}\{color:#f97583;\}/);
});

test('exported symbols by a line scan', () => {
  const code = 'export function a() {}\nexport async function b() {}\nexport class C {}\nexport const D = 1;\nconst e = 2;\nexport interface F {}\nexport type G = 1;\nexport default class H {}';
  assert.equal(exportedSymbols(code).map((s) => `${s.kind} ${s.name} ${s.line}`), ['function a 1', 'function b 2', 'class C 3', 'const D 4', 'interface F 6', 'type G 7', 'class H 8']);
});

test.run();
