/**
 * Everything from source code, RFC text, Markdown and tags reaches the page
 * as text: a fixture module and a fixture RFC full of `<script>`, `&` and
 * quotes are built end to end and no markup of theirs survives.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { tempDir } from '../helpers.ts';
import { esc } from '../../tools/site/html.ts';
import { SCRIPTS } from '../../tools/site/assets.ts';
import { build, readTree, writeTree } from './common.ts';

const test = suite('site escaping');

test('esc escapes the five special characters and nothing else', () => {
  assert.is(esc(`<a href="x">'&'</a> ok`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; ok');
  assert.is(esc('plain text'), 'plain text');
  assert.is(esc(42), '42');
});

/**
 * A two-page RFC-like text with form feeds, markup in its title, headings and
 * requirements; its second page's footer misprints the page number.
 */
const RFC = [
  '',
  '',
  '',
  'Network Working Group                                          J. Doe',
  'Request for Comments: 9999                                   May 2026',
  '',
  '           Escaping <script>alert("title")</script> & "Co"',
  '',
  '1.  Introduction <b>bold</b>',
  '',
  '   A renderer MUST escape <script>alert(\'x\')</script> & every "quote".',
  '   It SHOULD keep &amp; and < as text.',
  '',
  'Doe                       Informational                        [Page 1]',
  '\f',
  'RFC 9999                     Escaping                          May 2026',
  '',
  '',
  '2.  Second <section> & more',
  '',
  '   Implementations MAY use </pre></div> tricks; they MUST NOT break out.',
  '',
  'Doe                       Informational                        [Page 3]',
].join('\n') + '\n';

const MODULE = `/**
 * Escapes </script><script>alert("desc")</script> & "quotes" & 'apostrophes'.
 *
 * @implements RFC9999 (<b>Escaping</b> & co)
 */

// @implements RFC9999 P1L8-P1L9
export const evil = '</script><script>alert("code")</script> & &amp; <img src=x onerror=alert(1)>';

// @exception RFC9999 P2L3: "<img src=y onerror=alert(2)>" & not done
export function breakOut(): string {
  return '</div></pre><script>alert(3)</script>';
}
`;

const README = `# <script>alert("md")</script> & readme

Raw HTML <img src=z onerror=alert(4)> is dropped; text & "quotes" stay. See [the module](reference/esc.ts).
`;

test('a fixture module and RFC full of markup build into pages that show it as text', async () => {
  const root = tempDir('rfcdoc-site-esc-');
  const mirror = tempDir('rfcdoc-site-mirror-');
  writeTree(mirror, { 'rfc9999.txt': RFC });
  writeTree(root, { 'reference/esc.ts': MODULE, 'README.md': README });
  const result = await build(root, 'site', { cacheDir: tempDir('rfcdoc-site-cache-'), mirror, offline: true });
  assert.equal(result.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(result.ok, result.summary);
  const site = readTree(join(root, 'site'));
  const pages = [...site].filter(([p]) => p.endsWith('.html'));
  assert.ok(pages.length >= 4, `pages: ${pages.map(([p]) => p)}`);
  for (const [p, html] of pages) {
    // The only script elements are ours, loaded from assets/.
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(scripts, SCRIPTS.map((f) => `<script src="${'../'.repeat(p.split('/').length - 1)}assets/${f}" defer>`), `${p}: ${scripts}`);
    assert.not.match(html, /<img\b/, p);
    assert.not.match(html, /<b>/, p);
    assert.not.match(html, /<section>/, p);
    assert.not.match(html, /alert\("[a-z]+"\)<\/script>/, p);
    assert.not.match(html, /<\/div><\/pre><script>/, p);
  }
  const mod = site.get('reference/esc.ts.html')!;
  assert.ok(mod.includes('&lt;/script&gt;&lt;script&gt;alert(&quot;code&quot;)&lt;/script&gt;'), 'code shown as text');
  assert.ok(mod.includes('Escapes &lt;/script&gt;&lt;script&gt;alert(&quot;desc&quot;)&lt;/script&gt; &amp; &quot;quotes&quot; &amp; &#39;apostrophes&#39;.'), 'description');
  // The quote box holds the cited lines as text.
  assert.ok(mod.includes(`A renderer MUST escape &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; every &quot;quote&quot;.\n   It SHOULD keep &amp;amp; and &lt; as text.</pre>`), 'quote box');
  assert.ok(mod.includes('Not done: &quot;&lt;img src=y onerror=alert(2)&gt;&quot; &amp; not done'), 'exception reason');
  assert.ok(mod.includes('&lt;b&gt;Escaping&lt;/b&gt; &amp; co'), 'module tag note');
  const rfc = site.get('rfc/rfc9999.html')!;
  assert.ok(rfc.includes('Escaping &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &quot;Co&quot;'), 'title as text');
  assert.ok(rfc.includes('Implementations <mark'), 'requirement marked');
  assert.ok(rfc.includes('use &lt;/pre&gt;&lt;/div&gt; tricks'), 'text escaped');
  assert.ok(rfc.includes('Second &lt;section&gt; &amp; more'), 'section title escaped');
  // The misprinted footer is flagged at the page and at the top.
  assert.ok(rfc.includes('<strong class="warn" role="note">Warning: this is page 2 of the text but its footer prints [Page 3]; tags use 2.</strong>'), 'page warning');
  assert.ok(rfc.includes('<a href="#page-2">page 2</a> prints [Page 3]'), 'warning summary');
  const readme = site.get('README.html')!;
  // remark drops raw HTML and keeps the text around it, escaped by rehype-stringify.
  assert.ok(readme.includes('<h1 id="alertmd--readme">alert("md") &#x26; readme</h1>'), 'markdown heading: raw HTML dropped, text kept');
  assert.ok(readme.includes('text &#x26; "quotes" stay'), 'markdown text escaped');
  assert.ok(readme.includes('href="reference/esc.ts.html"'), 'markdown link rewritten');
  // The search index cannot close a script element.
  assert.not.match(site.get('assets/search-index.js')!, /<\//);
  const map = JSON.parse(site.get('map.json')!);
  assert.equal(map.map((r: { ref: string; kind: string }) => `${r.kind} ${r.ref}`), ['implements P1L8-P1L9', 'exception P2L3']);
});

test.run();
