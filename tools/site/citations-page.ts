/**
 * A cited document's citations by line (cites/<id>.html): every line with
 * back-links on the document's page, its text, and all its links (that
 * page shows the first and counts the rest). Beside it, a script
 * (cites/<id>.js) holding, for each line with more than one link, the
 * others: what rfc.js opens in place when "+N more" is followed, so the
 * RFC page does not carry lists a reader seldom opens. Without a script the
 * "+N more" link lands on the line's entry here.
 */
import { lineId } from '../spec/paginate.ts';
import { bare, esc, escText } from './html.ts';
import { docName } from './docinfo.ts';
import { layout } from './layout.ts';
import { lineNotes, type DocPageInput } from './rfc-page.ts';
import { citationsPage, docPage, href, requirementsPage } from './urls.ts';

export function renderCitationsPage(input: DocPageInput): string {
  const { doc, readme, live, proposals } = input;
  const path = citationsPage(doc);
  const text = docPage(doc);
  const notes = lineNotes(input, path);
  const rows = [...notes].map(([i, links]) => {
    const id = lineId(doc.lines[i]!);
    return `<li id=${id}><a class=at href=${bare(href(path, text, id))}>${id}</a> <code>${escText(doc.lines[i]!.text.trim())}</code><span class=links>${links.join('')}</span>`;
  });
  const body = `<article class="citesview">
<header class="pagehead">
<p class="crumbs"><a href="${esc(href(path, text))}">${esc(docName(doc))}</a> / citations</p>
<h1>Citations of ${esc(docName(doc))}, by line</h1>
<p class="meta">${rows.length} line${rows.length === 1 ? '' : 's'} of the text with links: the section's requirements where a section starts, the code and tests citing a range starting there, the proposals' hunks. The text shows the first link of each; the requirements, each with its status: <a href="${esc(href(path, requirementsPage(doc)))}">the requirement view</a>.</p>
</header>
${rows.length ? `<ol class="cites">\n${rows.join('\n')}\n</ol>` : '<p>No line of it is cited.</p>'}
</article>`;
  return layout({ path, title: `Citations of ${docName(doc)}`, body, readme, live, proposals });
}

/**
 * `rfcdocCitations[id]`: line id → the links after the first, as the RFC
 * page links them, for each line with more than one. A script, not JSON:
 * a page opened from file:// may load a script but not fetch a file.
 */
export function renderCitationsScript(input: DocPageInput): string {
  const { doc } = input;
  const more: Record<string, string> = {};
  for (const [i, links] of lineNotes(input, docPage(doc))) if (links.length > 1) more[lineId(doc.lines[i]!)] = links.slice(1).join('');
  return `(window.rfcdocCitations = window.rfcdocCitations || {})[${JSON.stringify(doc.name.id)}] = ${JSON.stringify(more)};\n`;
}
