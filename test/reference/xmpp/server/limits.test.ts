/**
 * Our server under attack on 127.0.0.1 (issue 12 §4): each attack is made
 * with raw bytes (before login, over TCP) or by a logged-in client (over
 * TLS), answered by the stream error its limit names, the attacker's
 * connection closed; and in each, two other users logged in go on
 * exchanging a message as before.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { element, childOf, textOf } from '../../../../reference/xmpp/xml/index.ts';
import { type ClientSession, chatMessage } from '../../../../reference/xmpp/client/index.ts';
import { type Running, login, startServer } from './harness.ts';

const LIMITS = { negotiationMs: 2000, idleMs: 4000 };
const HEADER = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

const test = suite<{ r?: Running }>('xmpp server: limits, each attacked, the other users unaffected', {});

test.before(async (ctx) => {
  ctx.r = await startServer({ limits: LIMITS });
});
test.after(async (ctx) => {
  await ctx.r?.server.close();
});

interface Raw {
  socket: Socket;
  /** Resolves once TCP is connected. */
  connected: Promise<void>;
  /** What it sent us so far. */
  text(): string;
  /** What it sent us until it closed (or 15 s passed), and whether it closed. */
  done: Promise<{ text: string; closed: boolean; ms: number }>;
}

/** A raw TCP connection to the server. */
function raw(r: Running): Raw {
  const socket = connect(r.port, '127.0.0.1');
  const began = Date.now();
  let text = '';
  socket.on('data', (d) => (text += d.toString('utf8')));
  socket.on('error', () => {});
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error(`closed before connecting: ${text.slice(0, 200)}`)));
  });
  connected.catch(() => {});
  const done = new Promise<{ text: string; closed: boolean; ms: number }>((resolve) => {
    const t = setTimeout(() => resolve({ text, closed: false, ms: Date.now() - began }), 15_000);
    socket.once('close', () => {
      clearTimeout(t);
      resolve({ text, closed: true, ms: Date.now() - began });
    });
  });
  return { socket, connected, text: () => text, done };
}

/** Polls `test` every 10 ms for up to `ms`; false if it never held. */
async function eventually(test: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; !test(); await new Promise((resolve) => setTimeout(resolve, 10))) if (Date.now() > end) return false;
  return true;
}

/** Two users, logged in and available, for the attack not to touch. */
async function bystanders(r: Running): Promise<{ check(): Promise<void>; close(): Promise<void> }> {
  const juliet = await login(r, 'juliet');
  const romeo = await login(r, 'romeo');
  romeo.send(element('presence', {}));
  await until(romeo, (e) => e.name === 'presence');
  // Whitespace keepalives (RFC 6120 §4.6.1) keep them past the idle limit.
  const keepalive = setInterval(() => {
    for (const s of [juliet, romeo]) if (!s.ending) s.connection.tlsSocket!.write(' ');
  }, 1000);
  let n = 0;
  return {
    async check() {
      const body = `still here ${++n}`;
      juliet.send(chatMessage('romeo@localhost', body, `b${n}`));
      const m = await until(romeo, (e) => e.name === 'message');
      assert.is(textOf(childOf(m, 'body')!), body);
    },
    async close() {
      clearInterval(keepalive);
      await juliet.close();
      await romeo.close();
    },
  };
}

async function until(s: ClientSession, pick: (e: import('../../../../reference/xmpp/xml/index.ts').XmlElement) => boolean) {
  for (;;) {
    const e = await s.receive(5000);
    if (!e) throw new Error(`the stream ended or went quiet: ${JSON.stringify(s.ending)}`);
    if (pick(e)) return e;
  }
}

/** Sends `bytes` on a raw connection and expects the stream error `condition` and the close. */
async function attack(r: Running, bytes: string | Buffer, condition: string) {
  const c = raw(r);
  c.socket.write(bytes);
  const got = await c.done;
  assert.ok(got.closed, 'the server closed the connection');
  assert.ok(got.text.includes(`<${condition} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>`) || got.text.includes(`<${condition} xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>`), `<${condition}/> expected, got ${got.text.slice(0, 400)}`);
  return got;
}

// @tests RFC6120 P144L38-P144L42
test('a DOCTYPE, an internal entity (billion laughs) and an external entity: <restricted-xml/>', async ({ r }) => {
  const b = await bystanders(r!);
  const lol = `<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`;
  await attack(r!, lol, 'restricted-xml');
  await b.check();
  await attack(r!, `<?xml version='1.0'?><!DOCTYPE stream:stream SYSTEM "file:///etc/passwd">${HEADER}`, 'restricted-xml');
  await b.check();
  await attack(r!, `${HEADER}<message>&xxe;</message>`, 'restricted-xml');
  await b.check();
  await b.close();
});

// @tests RFC6120 P168L5-P168L16
test('a 10 MB stanza before login and from a logged-in user: <policy-violation/> at 256 KiB, the rest never read', async ({ r }) => {
  const b = await bystanders(r!);
  const c = raw(r!);
  c.socket.write(`${HEADER}<message><body>`);
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 160 && !c.socket.destroyed; i++) await new Promise<void>((resolve) => c.socket.write(chunk, () => resolve()));
  const got = await c.done;
  assert.ok(got.closed);
  assert.match(got.text, /<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  await b.check();
  const tybalt = await login(r!, 'nurse');
  const tls = tybalt.connection.tlsSocket!;
  tls.on('error', () => {});
  tls.write('<message to="romeo@localhost"><body>');
  for (let i = 0; i < 160 && !tls.destroyed; i++) await new Promise<void>((resolve) => tls.write(chunk, () => resolve()));
  assert.is(await tybalt.receive(5000), undefined);
  assert.is(tybalt.ending?.condition, 'policy-violation');
  await b.check();
  await b.close();
});

test('10,000 levels of nesting: <policy-violation/> past depth 64', async ({ r }) => {
  const b = await bystanders(r!);
  await attack(r!, `${HEADER}<message>${'<a>'.repeat(10_000)}`, 'policy-violation');
  await b.check();
  await b.close();
});

// @tests RFC6120 P54L9-P54L10
test('a client trickling its login a byte at a time is cut off when the negotiation time is up; one trickling a stanza once bound, at the idle limit', async ({ r }) => {
  const b = await bystanders(r!);
  const c = raw(r!);
  let i = 0;
  const t = setInterval(() => !c.socket.destroyed && c.socket.write(HEADER[i++ % HEADER.length]!), 100);
  const got = await c.done;
  clearInterval(t);
  assert.ok(got.closed);
  assert.match(got.text, /<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
  assert.ok(got.ms >= LIMITS.negotiationMs && got.ms < LIMITS.negotiationMs + 2000, `cut after ${got.ms} ms`);
  await b.check();
  const slow = await login(r!, 'nurse');
  const tls = slow.connection.tlsSocket!;
  const stanza = '<message to="romeo@localhost"><body>slow</body></message>';
  let j = 0;
  const began = Date.now();
  const u = setInterval(() => !tls.destroyed && j < stanza.length && tls.write(stanza[j++]!), 200);
  assert.is(await slow.receive(LIMITS.idleMs + 3000), undefined);
  clearInterval(u);
  assert.is(slow.ending?.condition, 'connection-timeout');
  assert.ok(Date.now() - began >= LIMITS.idleMs - 100, 'not before the idle limit');
  await b.check();
  await b.close();
});

/** Keeps this process (the server, its clients) from doing anything else for `ms`: a stall, as on a machine busy with others. */
function stall(ms: number): void {
  for (const end = Date.now() + ms; Date.now() < end; );
}

// @tests RFC6120 P54L9-P54L10
test('a keepalive that came in while the server was stalled past the idle limit keeps its client; one that sent nothing is cut', async () => {
  const idleMs = 2000;
  const r = await startServer({ limits: { idleMs } });
  try {
    // The quiet one first: the kept one's idle time starts at its binding, and a login on a busy machine can take a second.
    const quiet = await login(r, 'romeo');
    const kept = await login(r, 'juliet');
    await new Promise((resolve) => setTimeout(resolve, idleMs / 2));
    // On its way to the server (in the kernel's buffers) before the stall; read only after it.
    kept.connection.tlsSocket!.write(' ');
    stall(idleMs * 1.5);
    assert.is(await quiet.receive(3000), undefined);
    assert.is(quiet.ending?.condition, 'connection-timeout');
    assert.is(kept.ending, undefined);
    kept.send(chatMessage(kept.jid.toString(), 'still here', 'k1'));
    const m = await until(kept, (e) => e.name === 'message');
    assert.is(textOf(childOf(m, 'body')!), 'still here');
    await kept.close();
  } finally {
    await r.server.close();
  }
});

/** This process's soft limit on open files (Linux's /proc/self/limits), if it can be read. */
function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// The idle test's own server: its negotiation limit is well beyond the time it takes to open 1,000 connections on a busy machine (under a second idle), so none is cut before the cap is reached.
const IDLE = { maxConnections: 1000, maxConnectionsPerAddress: 1000, negotiationMs: 6000 };
const WAVE = 100;
const EXTRA = 10;

test('1,000 idle connections: held until the negotiation limit cuts them, those beyond the cap refused with <resource-constraint/>, the other users unaffected, logins work after', async () => {
  // Both ends of every connection are in this process.
  const fds = 2 * (IDLE.maxConnections + EXTRA) + 200;
  const limit = openFilesLimit();
  assert.ok(limit === undefined || limit >= fds, `this test holds ${fds} file descriptors open; the limit here is ${limit} (ulimit -n)`);
  const r = await startServer({ limits: IDLE });
  try {
    const b = await bystanders(r);
    // The bystanders' connections hold their share of the 1,000.
    const before = r.server.connections;
    assert.is(before, 2);
    // In waves, each connected and counted by the server before the next: a burst of 1,000 SYNs at once overflows the
    // listen queue (node's backlog is 511), and the dropped ones, retried by TCP 1 s and 3 s later, raced the cuts of the first.
    const held: Raw[] = [];
    const began = Date.now();
    while (held.length < IDLE.maxConnections - before) {
      const wave = Array.from({ length: Math.min(WAVE, IDLE.maxConnections - before - held.length) }, () => raw(r));
      await Promise.all(wave.map((c) => c.connected));
      held.push(...wave);
      assert.ok(await eventually(() => r.server.connections === before + held.length), `the server counts ${r.server.connections} connections, ${before + held.length} opened`);
    }
    const filledMs = Date.now() - began;
    assert.ok(filledMs < IDLE.negotiationMs, `${held.length} connections took ${filledMs} ms to open, longer than the ${IDLE.negotiationMs} ms negotiation limit that cuts the first`);
    assert.is(r.server.connections, IDLE.maxConnections);
    // Full: each one more is refused at once, after our header and before any feature.
    const refused = await Promise.all(Array.from({ length: EXTRA }, () => raw(r).done));
    for (const x of refused) {
      assert.ok(x.closed);
      assert.match(x.text, /<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
      assert.not.match(x.text, /<stream:features/);
    }
    await b.check();
    // The held ones, idle, each cut at the negotiation limit and not before.
    const cut = await Promise.all(held.map((c) => c.done));
    assert.ok(cut.every((x) => x.closed && x.text.includes('<connection-timeout') && x.ms >= IDLE.negotiationMs), `${cut.filter((x) => !x.text.includes('<connection-timeout')).length} not cut with <connection-timeout/>, ${cut.filter((x) => x.ms < IDLE.negotiationMs).length} cut early`);
    // Each handling ends once the server has seen its side close too.
    assert.ok(await eventually(() => r.server.connections === before), `${r.server.connections} connections left, ${before} expected`);
    await b.check();
    await b.close();
    const after = await login(r, 'nurse');
    await after.close();
  } finally {
    await r.server.close();
  }
});

// @tests RFC6120 P167L32-P167L37
test('connections per IP address: the one past the cap from 127.0.0.1 gets <policy-violation/> after our header, with no features; the others go on, and a closed one frees its place', async () => {
  const cap = 10;
  const r = await startServer({ limits: { maxConnectionsPerAddress: cap } });
  try {
    const b = await bystanders(r);
    const open = async () => {
      const c = raw(r);
      c.socket.write(HEADER);
      assert.ok(await eventually(() => c.text().includes('<stream:features')), `no features: ${c.text().slice(0, 300)}`);
      return c;
    };
    const held: Raw[] = [];
    while (r.server.connectionsFrom('127.0.0.1') < cap) held.push(await open());
    assert.is(held.length, cap - 2);
    const over = raw(r);
    over.socket.write(HEADER);
    const got = await over.done;
    assert.ok(got.closed, 'the server closed the connection');
    assert.match(got.text, /^<\?xml version='1\.0'\?><stream:stream /);
    assert.match(got.text, /<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/);
    assert.not.match(got.text, /<stream:features/);
    assert.is(r.server.connectionsFrom('127.0.0.1'), cap);
    // The held ones were not touched, and the users go on.
    assert.ok(held.every((c) => !c.socket.destroyed));
    await b.check();
    // One closed frees its place for the next.
    held.shift()!.socket.destroy();
    assert.ok(await eventually(() => r.server.connectionsFrom('127.0.0.1') === cap - 1));
    held.push(await open());
    for (const c of held) c.socket.destroy();
    assert.ok(await eventually(() => r.server.connectionsFrom('127.0.0.1') === 2), `${r.server.connectionsFrom('127.0.0.1')} left`);
    await b.check();
    await b.close();
    // The address is forgotten with its last connection.
    assert.ok(await eventually(() => r.server.addresses === 0), `${r.server.addresses} addresses still counted`);
  } finally {
    await r.server.close();
  }
});

test.run();
