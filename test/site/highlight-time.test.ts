/**
 * Highlighting does not depend on how busy the machine is. shiki stops
 * tokenizing a line after tokenizeTimeLimit (500 ms by default) and leaves
 * the rest of it plain; on a loaded machine an ordinary line can pass that,
 * and the same tree then built two different sites (seen: two builds of this
 * repository at load ~20 differed in reference/auth/digest/algorithm.ts and
 * code.css). The site's highlighter tokenizes every line whole. A line long
 * enough to take more than 500 ms anywhere shows it: its last number is
 * coloured as a number is on a short line.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSiteHighlighter } from '../../tools/site/highlight.ts';

const test = suite('site highlighting, whatever the time a line takes');

test('a line that takes shiki more than its default 500 ms is highlighted to its end', async () => {
  const hl = await createSiteHighlighter();
  // The first text a highlighter tokenizes also compiles the grammar, which on a busy machine can pass the limit too: not the reference.
  hl.lines('let warm = 0;');
  const [short] = hl.lines('const a = [1];');
  const number = /<span class="(h[0-9a-f]+)">1<\/span>/.exec(short!)?.[1];
  assert.ok(number, `a number has a colour: ${short}`);
  // Longer and longer until one takes 1.5 s on this machine, however fast it is today: most of that is tokenizing (the rest,
  // making its HTML, ~20 %), well past the 500 ms after which shiki's default gives up on the line.
  for (let n = 40_000; ; n *= 2) {
    const started = performance.now();
    const [long] = hl.lines(`const a = [${'1, '.repeat(n)}1];`);
    const ms = performance.now() - started;
    if (ms <= 1500) {
      assert.ok(n < 3_000_000, `a line of ${n} numbers took ${ms.toFixed(0)} ms: none long enough to pass the limit`);
      continue;
    }
    assert.ok(long!.endsWith(`, <span class="${number}">1</span>];`), `a line of ${n} numbers (${ms.toFixed(0)} ms), its end: ${long!.slice(-300)}`);
    break;
  }
});

test.run();
