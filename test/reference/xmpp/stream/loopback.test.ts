/**
 * The stream layer end to end on 127.0.0.1: our initiating entity (the
 * client session) against our receiving entity (receive()), with a
 * certificate made by openssl; and raw bytes against the receiving entity
 * for what a client may not do: each answered with the stream error its
 * rule names, inside a stream (our header first).
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../../../helpers.ts';
import { certificate } from '../../../../tools/testkit/prosody.ts';
import { type XmlElement, childOf, isElement } from '../../../../reference/xmpp/xml/index.ts';
import { type ScramHash, type StoredCredentials, storedCredentials } from '../../../../reference/xmpp/sasl/index.ts';
import { type Arrival, type Received, type ReceivingOptions, ReceivingError, StreamConnection, receive, STREAM_NS } from '../../../../reference/xmpp/stream/index.ts';
import { ClientSession } from '../../../../reference/xmpp/client/index.ts';
import { NegotiationError } from '../../../../reference/xmpp/stream/index.ts';

const PASSWORDS: Record<string, string> = { juliet: 'r0m30myr0m30', romeo: 'j\u00fcliet \u2665' };

const files = certificate(tempDir('xmpp-stream-'), 'localhost');
const CERT = readFileSync(files.cert);
const KEY = readFileSync(files.key);

const credentials: Record<string, Record<ScramHash, StoredCredentials>> = Object.fromEntries(Object.entries(PASSWORDS).map(([u, p]) => [u, { 'SHA-1': storedCredentials('SHA-1', p), 'SHA-256': storedCredentials('SHA-256', p) }]));
const accounts = {
  scram: (u: string, h: ScramHash) => credentials[u]?.[h],
  plain: (u: string, p: string) => {
    const c = credentials[u]?.['SHA-256'];
    return c !== undefined && timingSafeEqual(storedCredentials('SHA-256', p, { salt: c.salt, iterations: c.iterations }).storedKey, c.storedKey);
  },
};

interface Ctx {
  server?: Server;
  port?: number;
  outcomes: (Received | Error)[];
  options: Partial<ReceivingOptions>;
}

const test = suite<Ctx>('xmpp stream: our client and our receiving entity on loopback', { outcomes: [], options: {} });

test.before(async (ctx) => {
  ctx.server = createServer((socket: Socket) => {
    receive(new StreamConnection(socket), { domain: 'localhost', tls: { cert: CERT, key: KEY }, accounts, ...ctx.options }).then(
      async (r) => {
        ctx.outcomes.push(r);
        await r.connection.close();
      },
      (e: Error) => ctx.outcomes.push(e),
    );
  });
  await new Promise<void>((resolve) => ctx.server!.listen(0, '127.0.0.1', resolve));
  ctx.port = (ctx.server.address() as { port: number }).port;
});

test.after(async (ctx) => {
  await new Promise((resolve) => ctx.server?.close(resolve));
});

test.before.each((ctx) => {
  ctx.outcomes.length = 0;
  ctx.options = {};
});

const login = (ctx: Ctx, user: string, o: { mechanism?: string; password?: string; resource?: string } = {}) =>
  ClientSession.connect({ jid: `${user}@localhost`, password: o.password ?? PASSWORDS[user]!, server: { host: '127.0.0.1', port: ctx.port! }, tls: { ca: CERT }, timeoutMs: 5000, ...(o.mechanism && { mechanism: o.mechanism }), ...(o.resource && { resource: o.resource }) });

async function outcome(ctx: Ctx): Promise<Received | Error> {
  for (let i = 0; i < 100 && ctx.outcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  return ctx.outcomes[0]!;
}

// @tests RFC6120 P27L23-P27L27, P76L42-P76L44, P82L24-P82L26, P82L26-P82L28, P71L3-P71L9, P93L40-P93L43, P95L5-P95L8, RFC5802 P14L35-P14L37
test('the whole negotiation: STARTTLS (TLS 1.3), SCRAM-SHA-256-PLUS with tls-exporter, bind; a new stream ID for each of the three streams', async (ctx) => {
  const s = await login(ctx, 'juliet');
  assert.is(s.mechanism, 'SCRAM-SHA-256-PLUS');
  assert.is(s.connection.tlsSocket?.getProtocol(), 'TLSv1.3');
  const r = (await outcome(ctx)) as Received;
  assert.ok(!(r instanceof Error), String(r));
  assert.is(r.jid.toString(), s.jid.toString());
  assert.is(r.streamIds.length, 3);
  assert.is(new Set(r.streamIds).size, 3, 'each restart has a new stream ID');
  assert.equal(r.machine.history.map((h) => h.event), [
    'receive-header', 'send-features', 'receive-starttls', 'send-proceed', 'tls-established',
    'receive-header', 'send-features', 'receive-auth', 'sasl-success',
    'receive-header', 'send-features', 'receive-bind', 'bound',
  ]);
  await s.close();
});

// @tests RFC6120 P78L11-P78L18, P162L27-P162L32
test('each mechanism the server offers over TLS logs in when named: SCRAM-SHA-1(-PLUS), SCRAM-SHA-256, PLAIN', async (ctx) => {
  for (const m of ['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']) {
    const s = await login(ctx, 'romeo', { mechanism: m });
    assert.is(s.mechanism, m);
    await s.close();
  }
});

// @tests RFC6120 P91L3-P91L5
test('a wrong password and an unknown user: the same <not-authorized/>', async (ctx) => {
  const conditions = [];
  for (const [user, password] of [['juliet', 'wrong'], ['nobody', 'r0m30myr0m30']]) {
    try {
      await login(ctx, user!, { password: password! });
    } catch (e) {
      assert.instance(e, NegotiationError);
      conditions.push((e as NegotiationError).condition);
    }
  }
  assert.equal(conditions, ['not-authorized', 'not-authorized']);
  for (let i = 0; i < 100 && ctx.outcomes.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.is(ctx.outcomes.length, 2, 'the server ended both streams');
});

// @tests RFC6120 P94L20-P94L21, P97L38-P97L42
test('a requested resourcepart is bound as asked; one in use gets a resourcepart made by the server', async (ctx) => {
  const s = await login(ctx, 'juliet', { resource: 'balcony' });
  assert.is(s.jid.toString(), 'juliet@localhost/balcony');
  await s.close();
  ctx.options = { resourceInUse: (j) => j.resourcepart === 'balcony' };
  const t = await login(ctx, 'juliet', { resource: 'balcony' });
  assert.is(t.jid.bare.toString(), 'juliet@localhost');
  assert.is.not(t.jid.resourcepart, 'balcony');
  assert.ok((t.jid.resourcepart ?? '').length >= 16);
  await t.close();
});

/** Raw bytes to the receiving entity; what comes back, to the end (and the server's side of it ended too). */
async function raw(ctx: Ctx, ...writes: string[]): Promise<Arrival[]> {
  const ended = ctx.outcomes.length;
  const socket = connect(ctx.port!, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const c = new StreamConnection(socket);
  for (const w of writes) socket.write(w);
  const got: Arrival[] = [];
  for (;;) {
    const a = await c.next(5000);
    got.push(a);
    if (a.type !== 'header' && a.type !== 'element') break;
  }
  socket.destroy();
  for (let i = 0; i < 100 && ctx.outcomes.length === ended; i++) await new Promise((r) => setTimeout(r, 20));
  return got;
}

const OPEN = (attrs = "to='localhost' version='1.0'", prefix = 'stream', ns = STREAM_NS) => `<?xml version='1.0'?><${prefix}:stream ${attrs} xmlns='jabber:client' xmlns:${prefix}='${ns}'>`;
const errorOf = (arrivals: Arrival[]) => {
  const e = arrivals.find((a): a is { type: 'element'; element: XmlElement } => a.type === 'element' && a.element.name === 'error' && a.element.ns === STREAM_NS);
  return e?.element.children.find((c): c is XmlElement => isElement(c) && c.name !== 'text')?.name;
};

// @tests RFC6120 P37L1-P37L6, P38L2-P38L5, P39L12-P39L13, P40L10-P40L11, P73L11-P73L18, P93L45-P93L47
test("before TLS: the response header has from, id, version, xml:lang and no 'to'; the features are STARTTLS, required, alone", async (ctx) => {
  const got = await raw(ctx, OPEN(), '</stream:stream>');
  const header = got[0]!;
  assert.is(header.type, 'header');
  const attrs = header.type === 'header' ? header.element.attrs : {};
  assert.is(attrs.from, 'localhost');
  assert.ok(attrs.id && attrs.id.length >= 16);
  assert.is(attrs.version, '1.0');
  assert.is(attrs['xml:lang'], 'en');
  assert.is(attrs.to, undefined);
  const features = got[1]!.type === 'element' ? got[1]!.element : undefined;
  assert.equal(features?.children.filter(isElement).map((c) => c.name), ['starttls']);
  assert.ok(childOf(childOf(features!, 'starttls')!, 'required'));
  assert.is(got.at(-1)!.type, 'close', 'our closing tag answered with its own');
});

// @tests RFC6120 P43L27-P43L33, P47L31-P47L35, P55L18-P55L19, P66L36-P66L37, P49L16-P49L19, P50L3-P50L8
test('bad headers: each answered with our header, then the stream error §4.8 and §4.9.3 name', async (ctx) => {
  const cases: [string, string][] = [
    [OPEN(undefined, 'stream', 'http://wrong.example/streams'), 'invalid-namespace'],
    [OPEN(undefined, 'str', STREAM_NS), 'bad-namespace-prefix'],
    [OPEN("to='elsewhere.example' version='1.0'"), 'host-unknown'],
    [OPEN("version='1.0'"), 'host-unknown'],
    [OPEN("to='localhost' version='2.0'"), 'unsupported-version'],
    [OPEN("to='localhost' version='1.0' xml:lang='not a tag'"), 'invalid-xml'],
  ];
  for (const [text, condition] of cases) {
    const got = await raw(ctx, text);
    assert.is(got[0]!.type, 'header', `${condition}: our header first`);
    assert.is(got[0]!.type === 'header' && got[0]!.element.attrs.from, 'localhost');
    assert.is(errorOf(got), condition, text);
    assert.is(got.at(-1)!.type, 'close');
    assert.instance(await outcome(ctx), ReceivingError);
    ctx.outcomes.length = 0;
  }
});

// @tests RFC6120 P28L15-P28L18, P93L13-P93L17
test('a stanza before authentication: <not-authorized/>; SASL before the required STARTTLS: <policy-violation/>', async (ctx) => {
  ctx.options = { requireTls: false };
  assert.is(errorOf(await raw(ctx, OPEN(), "<message to='romeo@localhost'><body>hi</body></message>")), 'not-authorized');
  ctx.options = {};
  assert.is(errorOf(await raw(ctx, OPEN(), "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>=</auth>")), 'policy-violation');
});

// @tests RFC6120 P54L9-P54L10
test('a client that never finishes the negotiation is cut off with <connection-timeout/>', async (ctx) => {
  ctx.options = { timeoutMs: 300 };
  assert.is(errorOf(await raw(ctx, OPEN())), 'connection-timeout');
});

test.run();
