/**
 * This repository's own site (README.md, reference/, test/ and the
 * proposals, as `npm run build` makes it), built once per test process into a
 * temporary directory: every site test that needs the real site awaits the
 * same build instead of making its own (a build of the real tree is the
 * slowest thing a site test does).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildResult } from '../../tools/site/pipeline.ts';
import { ROOT, tempDir } from '../helpers.ts';
import { build } from './common.ts';

export interface RepoSite {
  /** The written site's directory, and its file:// URL with a closing slash. */
  dir: string;
  base: string;
  result: BuildResult;
}

let built: Promise<RepoSite> | undefined;

/** The site of this repository, built on the first call; a build with errors is an error naming them. */
export function repoSite(): Promise<RepoSite> {
  built ??= (async () => {
    const dir = join(tempDir('rfcdoc-repo-site-'), 'site');
    const result = await build(ROOT, dir);
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file ?? ''}:${d.line ?? ''}: ${d.message}`);
      throw new Error(`${result.summary}\n${errors.slice(0, 20).join('\n')}`);
    }
    return { dir, base: pathToFileURL(dir).href + '/', result };
  })();
  return built;
}
