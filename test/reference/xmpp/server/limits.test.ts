/**
 * Our server under attack on 127.0.0.1 (issue 12 §4): each attack is made
 * with raw bytes (before login, over TCP) or by a logged-in client (over
 * TLS), answered by the stream error its limit names, the attacker's
 * connection closed; and in each, two other users logged in go on
 * exchanging a message as before.
 */
import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { element, childOf, textOf } from '../../../../reference/xmpp/xml/index.ts';
import { type ClientSession, chatMessage } from '../../../../reference/xmpp/client/index.ts';
import { type Running, login, startServer } from './harness.ts';

const LIMITS = { maxConnections: 1000, negotiationMs: 2000, idleMs: 4000 };
const HEADER = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

const test = suite<{ r?: Running }>('xmpp server: limits, each attacked, the other users unaffected', {});

test.before(async (ctx) => {
  ctx.r = await startServer({ limits: LIMITS });
});
test.after(async (ctx) => {
  await ctx.r?.server.close();
});

/** A raw TCP connection: what it sent us until it closed (or `ms` passed), and whether it closed. */
function raw(r: Running): { socket: Socket; done: Promise<{ text: string; closed: boolean; ms: number }> } {
  const socket = connect(r.port, '127.0.0.1');
  const began = Date.now();
  let text = '';
  socket.on('data', (d) => (text += d.toString('utf8')));
  socket.on('error', () => {});
  const done = new Promise<{ text: string; closed: boolean; ms: number }>((resolve) => {
    const t = setTimeout(() => resolve({ text, closed: false, ms: Date.now() - began }), 15_000);
    socket.once('close', () => {
      clearTimeout(t);
      resolve({ text, closed: true, ms: Date.now() - began });
    });
  });
  return { socket, done };
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

test('1,000 idle connections: the cap refuses those beyond it with <resource-constraint/>, the rest are cut at the negotiation limit, and logins work after', async ({ r }) => {
  const b = await bystanders(r!);
  const before = r!.server.connections;
  const held = Array.from({ length: LIMITS.maxConnections }, () => raw(r!));
  const results = await Promise.all(held.map((c) => c.done));
  const refused = results.filter((x) => x.text.includes('<resource-constraint'));
  const timedOut = results.filter((x) => x.text.includes('<connection-timeout'));
  // The connections already open (the two bystanders') hold their share of the 1,000.
  assert.ok(before >= 2);
  assert.is(refused.length, before);
  assert.is(timedOut.length, LIMITS.maxConnections - before);
  assert.ok(results.every((x) => x.closed));
  // Each handling ends once the server has seen its side close too.
  for (let i = 0; i < 100 && r!.server.connections > before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(r!.server.connections, before);
  await b.check();
  await b.close();
  const after = await login(r!, 'nurse');
  await after.close();
});

test.run();
