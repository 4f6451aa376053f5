/**
 * RFC 6120 §10, the server's rules for processing stanzas, on our server
 * on loopback, driven by our client: in-order processing (§10.1), no 'to'
 * (§10.3), a remote domain (§10.4: no server-to-server, so not found), and
 * our own domain (§10.5): the bare domain, domain/resource, no such user, a
 * user with nothing connected, and a connected full JID.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type XmlElement, childOf, element, serialize, textOf } from '../../../../reference/xmpp/xml/index.ts';
import { type ClientSession } from '../../../../reference/xmpp/client/index.ts';
import { STANZAS_NS, readError } from '../../../../reference/xmpp/stanza/index.ts';
import { ROSTER_NS } from '../../../../reference/xmpp/im/index.ts';
import { XmppServer, readUsersFile } from '../../../../reference/xmpp/server/index.ts';
import { tempDir } from '../../../helpers.ts';
import { type Running, certificate, login, writeUsers } from './harness.ts';

/** Users of their own, so that no other test's roster or presence is in the way: each test takes the ones it names. */
const PASSWORDS: Record<string, string> = Object.fromEntries(
  ['juliet', 'romeo', 'nurse', 'benvolio', 'mercutio', 'tybalt', 'paris', 'friar', 'balthasar', 'rosaline'].map((u) => [u, `${u}-pw`]),
);

const test = suite<{ r?: Running }>('xmpp server: RFC 6120 §10, the rules for processing stanzas', {});

test.before(async (ctx) => {
  const dir = tempDir('xmpp-rules10-');
  const { cert, key, caFile } = certificate(dir);
  const usersFile = writeUsers(dir, PASSWORDS);
  const server = new XmppServer({ domain: 'localhost', tls: { cert, key }, users: readUsersFile(usersFile) });
  const port = await server.listen(0);
  ctx.r = { server, port, dir, caFile, usersFile, cert };
});
test.after(async (ctx) => {
  await ctx.r?.server.close();
});

const as = (r: Running, user: string, resource?: string) => login(r, user, { password: PASSWORDS[user]!, ...(resource && { resource }) });

/** Every stanza `s` gets until `ms` pass with nothing. */
async function drain(s: ClientSession, ms = 300): Promise<XmlElement[]> {
  const seen: XmlElement[] = [];
  for (let e = await s.receive(ms); e; e = await s.receive(ms)) seen.push(e);
  return seen;
}

/** The first stanza `s` gets that `match` takes, within 3 s of nothing else; or undefined. */
async function first(s: ClientSession, match: (e: XmlElement) => boolean): Promise<XmlElement | undefined> {
  for (let e = await s.receive(3000); e; e = await s.receive(3000)) if (match(e)) return e;
  return undefined;
}

const byId = (id: string) => (e: XmlElement) => e.attrs.id === id;

/** The defined condition of an error stanza, or undefined when it is none. */
const conditionOf = (e: XmlElement | undefined): string | undefined => (e ? readError(e)?.condition : undefined);

const chat = (to: string | undefined, id: string, body = id, type = 'chat') => element('message', { ...(to && { to }), id, type }, [element('body', {}, [body])]);
const iq = (to: string | undefined, id: string, ns: string, type = 'get') => element('iq', { ...(to && { to }), id, type }, [element('query', { xmlns: ns }, [], ns)]);

/** `a` and `b` subscribed to each other ("both"), each available. */
async function friends(a: ClientSession, b: ClientSession): Promise<void> {
  for (const s of [a, b]) s.send(element('presence', {}));
  const [ja, jb] = [a.jid.bare.toString(), b.jid.bare.toString()];
  a.send(element('presence', { to: jb, type: 'subscribe' }));
  await first(b, (e) => e.name === 'presence' && e.attrs.type === 'subscribe');
  b.send(element('presence', { to: ja, type: 'subscribed' }));
  b.send(element('presence', { to: ja, type: 'subscribe' }));
  await first(a, (e) => e.name === 'presence' && e.attrs.type === 'subscribe');
  a.send(element('presence', { to: jb, type: 'subscribed' }));
  await Promise.all([drain(a), drain(b)]);
}

// @tests RFC6120 P138L26-P138L28, P138L41-P138L45
test("200 messages to one user, to her bare and her full JID in turn, sent in one write: delivered in the order sent", async ({ r }) => {
  const juliet = await as(r!, 'juliet', 'balcony');
  const romeo = await as(r!, 'romeo', 'orchard');
  juliet.send(element('presence', {}));
  await drain(juliet);
  const ids = Array.from({ length: 200 }, (_, i) => `m${i}`);
  // One write: the stanzas are in the server's buffer together, so only the server's processing can reorder them.
  const batch = ids.map((id, i) => chat(i % 2 ? 'juliet@localhost/balcony' : 'juliet@localhost', id));
  (romeo.connection.tlsSocket ?? romeo.connection.raw).write(batch.map((m) => serialize(m)).join(''));
  const got: string[] = [];
  for (let e = await juliet.receive(3000); e && got.length < ids.length; e = got.length < ids.length ? await juliet.receive(3000) : undefined)
    if (e.name === 'message') got.push(e.attrs.id!);
  assert.equal(got, ids);
  for (const s of [juliet, romeo]) await s.close();
});

// @tests RFC6120 P138L26-P138L28
test('a roster get and initial presence sent together: the roster first, then the presence it broadcast', async ({ r }) => {
  const nurse = await as(r!, 'nurse', 'ward');
  nurse.send(iq(undefined, 'r1', ROSTER_NS));
  nurse.send(element('presence', { id: 'p1' }));
  const [a, b] = [await nurse.receive(3000), await nurse.receive(3000)];
  assert.equal([a?.name, a?.attrs.id, a?.attrs.type], ['iq', 'r1', 'result']);
  assert.equal([b?.name, b?.attrs.from], ['presence', 'nurse@localhost/ward']);
  await nurse.close();
});

// @tests RFC6120 P139L28-P139L32
test("a roster removal and a presence update sent together: the removed contact never sees the update, processed after the removal", async ({ r }) => {
  const benvolio = await as(r!, 'benvolio');
  const mercutio = await as(r!, 'mercutio');
  await friends(benvolio, mercutio);
  const removal = element('iq', { type: 'set', id: 'rm1' }, [element('query', { xmlns: ROSTER_NS }, [element('item', { jid: 'mercutio@localhost', subscription: 'remove' }, [], ROSTER_NS)], ROSTER_NS)]);
  benvolio.send(removal);
  benvolio.send(element('presence', {}, [element('status', {}, ['after the removal'])]));
  const seen = await drain(mercutio, 500);
  const presences = seen.filter((e) => e.name === 'presence').map((e) => `${e.attrs.type ?? 'available'} ${childOf(e, 'status') ? textOf(childOf(e, 'status')!) : ''}`.trim());
  assert.ok(presences.includes('unavailable'), `the removal's unavailable did not come: ${presences.join('; ')}`);
  assert.not.ok(presences.includes('available after the removal'), `the update overtook the removal: ${presences.join('; ')}`);
  for (const s of [benvolio, mercutio]) await s.close();
});

// @tests RFC6120 P141L7-P141L10, P141L23-P141L26
test("presence with no 'to': broadcast to the subscribed contact, not to one who is not subscribed", async ({ r }) => {
  const tybalt = await as(r!, 'tybalt', 'street');
  const paris = await as(r!, 'paris');
  const friar = await as(r!, 'friar');
  await friends(tybalt, paris);
  friar.send(element('presence', {}));
  await drain(friar);
  tybalt.send(element('presence', {}, [element('show', {}, ['dnd'])]));
  const got = await first(paris, (e) => e.name === 'presence' && childOf(e, 'show') !== undefined);
  assert.is(got?.attrs.from, 'tybalt@localhost/street');
  assert.not.ok((await drain(friar)).some((e) => e.attrs.from?.startsWith('tybalt@')), 'the presence reached one not subscribed');
  for (const s of [tybalt, paris, friar]) await s.close();
});

// @tests RFC6120 P141L7-P141L10, P141L30-P141L32, P141L34-P141L37, P142L1-P142L4, P142L6-P142L10
test("an iq with no 'to': a roster get answered on the account's behalf, an unknown namespace service-unavailable, a result and an error for nothing ignored", async ({ r }) => {
  const romeo = await as(r!, 'romeo', 'gate');
  romeo.send(iq(undefined, 'q1', ROSTER_NS));
  const roster = await first(romeo, byId('q1'));
  assert.equal([roster?.attrs.type, roster && childOf(roster, 'query', ROSTER_NS) !== undefined], ['result', true]);
  romeo.send(iq(undefined, 'q2', 'jabber:iq:version'));
  assert.is(conditionOf(await first(romeo, byId('q2'))), 'service-unavailable');
  romeo.send(element('iq', { type: 'result', id: 'nothing-asked' }));
  romeo.send(element('iq', { type: 'error', id: 'nothing-asked-either' }, [element('error', { type: 'cancel' }, [element('bad-request', { xmlns: STANZAS_NS }, [], STANZAS_NS)])]));
  romeo.send(iq(undefined, 'q3', ROSTER_NS));
  // What comes next is the answer to q3: nothing was sent back for the result or the error.
  assert.is((await romeo.receive(3000))?.attrs.id, 'q3');
  await romeo.close();
});

// @tests RFC6120 P143L3-P143L4, P143L5-P143L6
test('a message, an iq and a directed presence to another domain: remote-server-not-found (no server-to-server here)', async ({ r }) => {
  const paris = await as(r!, 'paris');
  paris.send(chat('romeo@example.net', 'x1'));
  paris.send(iq('example.net', 'x2', 'jabber:iq:version'));
  paris.send(element('presence', { to: 'romeo@example.net/orchard', id: 'x3' }));
  for (const id of ['x1', 'x2', 'x3']) assert.is(conditionOf(await first(paris, byId(id))), 'remote-server-not-found', id);
  await paris.close();
});

// @tests RFC6120 P143L30-P143L33, P143L37-P143L40
test('to our domain, and to domain/resource: a message returned service-unavailable, never dropped; an iq answered or refused; a message error not answered', async ({ r }) => {
  const friar = await as(r!, 'friar', 'cell');
  for (const [to, id] of [['localhost', 'd1'], ['localhost/announce', 'd2']] as const) {
    friar.send(chat(to, id, 'for the server', 'normal'));
    const back = await first(friar, byId(id));
    assert.is(conditionOf(back), 'service-unavailable', `a message to ${to}`);
    assert.is(back?.attrs.from, to);
  }
  friar.send(iq('localhost', 'd3', 'jabber:iq:version'));
  assert.is(conditionOf(await first(friar, byId('d3'))), 'service-unavailable');
  friar.send(iq('localhost', 'd4', ROSTER_NS));
  assert.is((await first(friar, byId('d4')))?.attrs.type, 'result');
  friar.send(element('message', { to: 'localhost', id: 'd5', type: 'error' }, [element('error', { type: 'cancel' }, [element('item-not-found', { xmlns: STANZAS_NS }, [], STANZAS_NS)])]));
  friar.send(iq(undefined, 'd6', ROSTER_NS));
  assert.is((await friar.receive(3000))?.attrs.id, 'd6', 'something came back for a message of type error');
  await friar.close();
});

// @tests RFC6120 P144L7-P144L9, P144L14-P144L15
test('to no such user: a message and an iq service-unavailable, at the bare and at a full JID', async ({ r }) => {
  const balthasar = await as(r!, 'balthasar');
  const sent: Array<[string, XmlElement]> = [
    ['n1', chat('nobody@localhost', 'n1')],
    ['n2', chat('nobody@localhost/home', 'n2')],
    ['n3', iq('nobody@localhost', 'n3', 'jabber:iq:version')],
    ['n4', iq('nobody@localhost/home', 'n4', 'jabber:iq:version')],
  ];
  for (const [, s] of sent) balthasar.send(s);
  for (const [id] of sent) assert.is(conditionOf(await first(balthasar, byId(id))), 'service-unavailable', id);
  await balthasar.close();
});

// @tests RFC6120 P144L25-P144L29, P144L38-P144L39
test("a user with no connected resource: a message service-unavailable (never stored); an iq to a user's bare JID handled by the server on her behalf", async ({ r }) => {
  const rosaline = await as(r!, 'rosaline');
  rosaline.send(chat('mercutio@localhost', 'o1'));
  assert.is(conditionOf(await first(rosaline, byId('o1'))), 'service-unavailable');
  // Mercutio comes online later: nothing was kept for him.
  const mercutio = await as(r!, 'mercutio', 'late');
  mercutio.send(element('presence', {}));
  assert.not.ok((await drain(mercutio, 500)).some((e) => e.name === 'message'), 'a message was stored offline');
  rosaline.send(iq('mercutio@localhost', 'o2', 'jabber:iq:version'));
  assert.is(conditionOf(await first(rosaline, byId('o2'))), 'service-unavailable');
  rosaline.send(iq('rosaline@localhost', 'o3', ROSTER_NS));
  assert.is((await first(rosaline, byId('o3')))?.attrs.type, 'result');
  for (const s of [rosaline, mercutio]) await s.close();
});

// @tests RFC6120 P145L1-P145L4
test('to a connected full JID: a message, a presence and an iq go to that resource and no other', async ({ r }) => {
  const one = await as(r!, 'balthasar', 'one');
  const two = await as(r!, 'balthasar', 'two');
  for (const s of [one, two]) s.send(element('presence', {}));
  await Promise.all([drain(one), drain(two)]);
  one.send(chat('balthasar@localhost/two', 'f1'));
  one.send(element('presence', { to: 'balthasar@localhost/two', id: 'f2' }));
  one.send(iq('balthasar@localhost/two', 'f3', 'jabber:iq:version'));
  const got = (await drain(two, 500)).map((e) => `${e.name} ${e.attrs.id} ${e.attrs.to}`);
  assert.equal(got, ['message f1 balthasar@localhost/two', 'presence f2 balthasar@localhost/two', 'iq f3 balthasar@localhost/two']);
  assert.not.ok((await drain(one, 300)).some((e) => ['f1', 'f2', 'f3'].includes(e.attrs.id!)), 'the other resource got one too');
  for (const s of [one, two]) await s.close();
});

test.run();
