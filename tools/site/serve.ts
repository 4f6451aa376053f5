/**
 * `rfcdoc serve`: the site from memory on loopback, rebuilt when a source
 * changes and reloaded in the browser (Server-Sent Events). It runs the
 * pipeline of rfcdoc build, keeping each stage's results between rebuilds:
 * only changed files are scanned, documents are loaded once, only changed
 * texts are highlighted again and only pages whose inputs changed are
 * rendered again. A broken edit shows its
 * diagnostics over the page and on stderr while the last good site stays up.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { watch, type FSWatcher } from 'node:fs';
import { join, posix } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { StoreOptions } from '../spec/store.ts';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { createSiteRenderer, type RenderStats, type SiteFiles } from './build.ts';
import { buildSite, existing, SITE_PATHS, type BuildResult } from './pipeline.ts';
import { createStageCache } from '../annotate/project.ts';
import { LIVE_PREFIX } from './layout.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

const LIVE_JS = `// rfcdoc serve: reload on rebuild, show a broken build's diagnostics.
(function () {
  'use strict';
  var box;
  function show(lines) {
    if (!box) {
      box = document.createElement('pre');
      box.className = 'rfcdoc-diagnostics';
      box.setAttribute('role', 'alert');
      document.body.appendChild(box);
    }
    box.textContent = 'The last edit does not build; showing the last good site.\\n\\n' + lines.join('\\n');
  }
  var es = new EventSource('${LIVE_PREFIX}events');
  es.onopen = function () { document.documentElement.setAttribute('data-live', 'open'); };
  es.addEventListener('reload', function () { location.reload(); });
  es.addEventListener('diagnostics', function (e) { show(JSON.parse(e.data)); });
})();
`;

/** The port cannot be had (in use, not allowed): the machine's state, not a bug. */
export class ListenError extends Error {}

export interface ServeOptions {
  root: string;
  store: StoreOptions;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where progress and diagnostics go (stderr). */
  log?: (line: string) => void;
  /** Milliseconds to wait for more changes before rebuilding. */
  debounceMs?: number;
  /** A crashed build is said in one line; with `debug` (rfcdoc --debug), with its stack (tools/command.ts). */
  debug?: boolean;
}

export interface Server {
  url: string;
  /** The build behind what is served now, and the latest attempt. */
  readonly current: { files: SiteFiles; stats?: RenderStats; version: number };
  readonly lastDiagnostics: Diagnostic[];
  /** Rebuild now (what a change does); resolves when done. */
  rebuild(): Promise<BuildResult | undefined>;
  close(): Promise<void>;
}

export async function serve(opts: ServeOptions): Promise<Server> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  // Every page rendered for serving: the CSP that lets it connect back, the live-reload script (layout.ts).
  const renderer = await createSiteRenderer({ live: true });
  // SITE_PATHS as they exist at start; a README.md added later is picked up on restart.
  const paths = await existing(opts.root, SITE_PATHS);
  // The same pipeline as rfcdoc build; its stages' results kept between rebuilds.
  const cache = createStageCache();
  let files: SiteFiles = new Map();
  let stats: RenderStats | undefined;
  let version = 0;
  let lastDiagnostics: Diagnostic[] = [];
  const clients = new Set<ServerResponse>();

  const send = (event: string, data: unknown) => {
    for (const c of clients) c.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const errorLines = () => lastDiagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d));

  let running: Promise<BuildResult | undefined> | undefined;
  let again = false;
  async function buildOnce(): Promise<BuildResult | undefined> {
    try {
      const result = await buildSite({ root: opts.root, out: 'site', store: opts.store, paths, renderer, cache, write: false });
      lastDiagnostics = result.diagnostics;
      if (result.ok && result.files) {
        files = result.files;
        stats = result.stats;
        version++;
        log(`${result.summary} (${result.stats!.rendered} pages rendered, ${result.stats!.highlighted} files highlighted)`);
        send('reload', version);
      } else {
        for (const d of result.diagnostics) if (d.severity === 'error') log(formatDiagnostic(d));
        log(`${result.summary}; still serving the last good site`);
        send('diagnostics', errorLines());
      }
      return result;
    } catch (e) {
      // Nothing a source edit does may stop the server.
      // One line, as for any internal error (tools/command.ts); the stack only under --debug.
      const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      const detail = opts.debug ? ((e as Error).stack ?? text) : `${text.split('\n')[0]} (run again with --debug for the stack)`;
      lastDiagnostics = [{ severity: 'error', message: `build crashed: ${detail}` }];
      log(formatDiagnostic(lastDiagnostics[0]!));
      send('diagnostics', errorLines());
      return undefined;
    }
  }
  function rebuild(): Promise<BuildResult | undefined> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let r: BuildResult | undefined;
      do {
        again = false;
        r = await buildOnce();
      } while (again);
      running = undefined;
      return r;
    })();
    return running;
  }

  await rebuild();

  const server = createServer((req, res) => handle(req, res));
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === `${LIVE_PREFIX}events`) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': rfcdoc\n\n');
      clients.add(res);
      if (errorLines().length) res.write(`event: diagnostics\ndata: ${JSON.stringify(errorLines())}\n\n`);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (url.pathname === `${LIVE_PREFIX}live.js`) {
      res.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-store' });
      res.end(LIVE_JS);
      return;
    }
    let path: string;
    try {
      path = posix.normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (path === '' || path.endsWith('/')) path += 'index.html';
    const body = files.get(path);
    if (body === undefined || path.startsWith('..')) {
      const msg = files.size === 0 ? `The site has not built yet:\n\n${errorLines().join('\n')}\n` : `not found: ${path}\n`;
      res.writeHead(files.size === 0 ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end(msg);
      return;
    }
    const ext = posix.extname(path);
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  }

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const changed = (name: string | null) => {
    if (name && !/\.(ts|md)$/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), opts.debounceMs ?? 80);
  };
  for (const dir of ['reference', 'test']) {
    try {
      watchers.push(watch(join(opts.root, dir), { recursive: true }, (_e, name) => changed(name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  // README.md at the root: watch the root itself, not recursively (site/ and rfc-cache/ live there).
  watchers.push(watch(opts.root, (_e, name) => name === 'README.md' && changed(name)));
  for (const w of watchers) w.on('error', (e) => log(`watch: ${e.message}`));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
    });
  } catch (e) {
    clearTimeout(timer);
    for (const w of watchers) w.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ListenError(code === 'EADDRINUSE' ? `port ${opts.port} is in use (--port 0 picks a free one)` : `cannot listen on port ${opts.port}: ${(e as Error).message}`);
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}/`,
    get current() {
      return { files, stats, version };
    },
    get lastDiagnostics() {
      return lastDiagnostics;
    },
    rebuild,
    async close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      for (const c of clients) c.end();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await running;
    },
  };
}
