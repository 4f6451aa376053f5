/**
 * rfcdoc serve on a copy of the fixture tree: pages from memory with the
 * live-reload script, an edit rebuilds only what it touches and sends a
 * reload, a broken edit sends diagnostics and keeps the last good site.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { tempDir } from '../helpers.ts';
import { serve, type Server } from '../../tools/site/serve.ts';
import { FIXTURE, lineWithId, realStore } from './common.ts';

const test = suite('site serve');

let server: Server;
let root: string;
const logs: string[] = [];
const events: { event: string; data: string }[] = [];
let stopEvents: (() => void) | undefined;

function fetchText(path: string): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(new URL(path, server.url), (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    }).on('error', reject);
  });
}

/** Resolves with the next event named `name` (fails the test after 30 s rather than hang). */
function nextEvent(name: string): Promise<string> {
  const seen = events.length;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const e = events.slice(seen).find((x) => x.event === name);
      if (e) {
        clearInterval(poll);
        resolve(e.data);
      } else if (Date.now() - started > 30_000) {
        clearInterval(poll);
        reject(new Error(`no "${name}" event; got ${JSON.stringify(events.slice(seen))}; log:\n${logs.join('\n')}`));
      }
    }, 20);
  });
}

const via = () => join(root, 'reference/sip/via.ts');
const editVia = (from: string, to: string) => writeFileSync(via(), readFileSync(via(), 'utf8').replace(from, to));

test.before(async () => {
  root = tempDir('rfcdoc-serve-');
  cpSync(FIXTURE, root, { recursive: true });
  server = await serve({ root, store: realStore(), port: 0, log: (l) => logs.push(l), debounceMs: 30 });
  await new Promise<void>((resolve, reject) => {
    const req = get(new URL('/__rfcdoc/events', server.url), (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: /^data: (.*)$/m.exec(block)?.[1] ?? '' });
        }
      });
      resolve();
    });
    req.on('error', reject);
    stopEvents = () => req.destroy();
  });
});

test.after(async () => {
  stopEvents?.();
  await server?.close();
});

test('serves the site from memory on loopback, pages carrying the live-reload script', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const index = await fetchText('/');
  assert.is(index.status, 200);
  assert.is(index.type, 'text/html; charset=utf-8');
  assert.ok(index.body.includes('<script src="/__rfcdoc/live.js" defer></script>'));
  assert.ok(index.body.includes("connect-src &#39;self&#39;"));
  const rfc = await fetchText('/rfc/rfc3261.html');
  assert.match(rfc.body, /<li id=P39L25[ >]/);
  assert.is((await fetchText('/assets/site.css')).type, 'text/css; charset=utf-8');
  assert.is((await fetchText('/__rfcdoc/live.js')).status, 200);
  assert.is((await fetchText('/nothing.html')).status, 404);
  assert.is((await fetchText('/../../etc/passwd')).status, 404);
});

test('an edit rebuilds only what it touches and reloads the page', async () => {
  const v = server.current.version;
  const reload = nextEvent('reload');
  editVia('P143L14-P143L17', 'P143L14-P143L19');
  assert.is(await reload, String(v + 1));
  const page = await fetchText('/reference/sip/via.ts.html');
  assert.ok(page.body.includes('P143L14-P143L19'));
  const stats = server.current.stats!;
  assert.is(stats.highlighted, 1, 'only via.ts highlighted again');
  // via.ts's page, RFC 3261's page, its requirement view and its citations page and script (its citations changed), and the index.
  assert.is(stats.rendered, 6);
  const rfc = await fetchText('/rfc/rfc3261.html');
  assert.match(lineWithId(rfc.body, 'P143L19')!, /^<li class=ci>/);
});

test('a broken edit shows diagnostics and keeps serving the last good site; fixing it reloads', async () => {
  const before = (await fetchText('/reference/sip/via.ts.html')).body;
  const diagnostics = nextEvent('diagnostics');
  editVia('P143L14-P143L19', 'P143L14-P143L99');
  const lines = JSON.parse(await diagnostics) as string[];
  assert.is(lines.length, 1);
  assert.match(lines[0]!, /^reference\/sip\/via\.ts:16:\d+: error: /);
  assert.ok(logs.some((l) => l.includes('still serving the last good site')));
  assert.is((await fetchText('/reference/sip/via.ts.html')).body, before);
  const reload = nextEvent('reload');
  editVia('P143L14-P143L99', 'P143L14-P143L17');
  await reload;
  assert.ok((await fetchText('/reference/sip/via.ts.html')).body.includes('P143L14-P143L17'));
  assert.equal(server.lastDiagnostics.filter((d) => d.severity === 'error'), []);
});

test('a port in use is a clear error, and nothing is left running', async () => {
  const port = Number(new URL(server.url).port);
  await serve({ root, store: realStore(), port, log: () => {} }).then(
    () => assert.unreachable('the port is taken'),
    (e: Error) => assert.is(e.message, `port ${port} is in use (--port 0 picks a free one)`),
  );
});

test.run();
