/**
 * This repository's own site, as `npm run build` makes it: every local link
 * lands on a page of it, and every fragment on an id the page writes (so
 * with no script: an RFC page writes the ids of the lines the site links to
 * only, rfc.js numbering the rest, and a link to one it left out is caught
 * here); no page has an id twice.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readTree, siteLinks } from './common.ts';
import { repoSite } from './repo-site.ts';

test("every local link of this repository's site lands, its fragment on an id the page writes", async () => {
  const site = readTree((await repoSite()).dir);
  const { problems, links } = siteLinks(site);
  if (process.env.SHOW_LINKS) console.log(problems.join("\n"));
  assert.equal(problems.slice(0, 20), [], `${problems.length} of ${links} links`);
  assert.ok(links > 50_000, `${links} links`);
});

test.run();
