/**
 * Our server on 127.0.0.1 with our client (reference/xmpp/client): login
 * over STARTTLS with each SASL mechanism, binding, a message routed between
 * two users, rosters, the subscription handshake and presence broadcast.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type XmlElement, childOf, element, textOf } from '../../../../reference/xmpp/xml/index.ts';
import { NegotiationError } from '../../../../reference/xmpp/stream/index.ts';
import { type ClientSession, chatMessage } from '../../../../reference/xmpp/client/index.ts';
import { ROSTER_NS } from '../../../../reference/xmpp/server/index.ts';
import { type Running, login, startServer } from './harness.ts';

const test = suite<{ r?: Running }>('xmpp server: our client against our server', {});

test.before(async (ctx) => {
  ctx.r = await startServer();
});
test.after(async (ctx) => {
  await ctx.r?.server.close();
});

/** The next stanza that `pick` accepts (others skipped), or a failure naming what came. */
async function expectStanza(s: ClientSession, what: string, pick: (e: XmlElement) => boolean, ms = 3000): Promise<XmlElement> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const e = await s.receive(Math.max(1, deadline - Date.now()));
    if (!e) break;
    if (pick(e)) return e;
    seen.push(`<${e.name} ${JSON.stringify(e.attrs)}>`);
  }
  throw new Error(`no ${what}; got ${seen.join(', ') || 'nothing'}`);
}

test('juliet and romeo log in over STARTTLS with SCRAM-SHA-256-PLUS, bound; a chat message goes from one to the other, from stamped', async ({ r }) => {
  const juliet = await login(r!, 'juliet', { resource: 'balcony' });
  const romeo = await login(r!, 'romeo');
  assert.is(juliet.mechanism, 'SCRAM-SHA-256-PLUS');
  assert.is(juliet.jid.toString(), 'juliet@localhost/balcony');
  assert.ok(romeo.jid.isFull);
  romeo.send(element('presence', {}));
  await expectStanza(romeo, 'own presence', (e) => e.name === 'presence');
  // juliet lies about 'from': the server replaces it with her full JID
  juliet.send(withFrom(chatMessage('romeo@localhost', 'Wherefore art thou?', 'm1'), 'nurse@localhost/x'));
  const m = await expectStanza(romeo, 'the message', (e) => e.name === 'message');
  assert.is(m.attrs.from, 'juliet@localhost/balcony');
  assert.is(m.attrs.id, 'm1');
  assert.is(textOf(childOf(m, 'body')!), 'Wherefore art thou?');
  assert.is(r!.server.connections, 2);
  await juliet.close();
  await romeo.close();
  // Both handled to the end and no longer counted against the connection cap (TLS took the TCP socket's listeners).
  for (let i = 0; i < 40 && r!.server.connections > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(r!.server.connections, 0);
});

const withFrom = (e: XmlElement, from: string): XmlElement => ({ ...e, attrs: { ...e.attrs, from } });

test('each mechanism by name; PLAIN only over TLS (offered after STARTTLS)', async ({ r }) => {
  for (const mechanism of ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256-PLUS', 'PLAIN']) {
    const s = await login(r!, 'nurse', { mechanism });
    assert.is(s.mechanism, mechanism);
    assert.ok(s.offered.includes('PLAIN'), 'PLAIN offered over TLS');
    await s.close();
  }
});

test('a wrong password and an unknown user fail alike: not-authorized, the same text', async ({ r }) => {
  const failure = async (user: string) => {
    try {
      await login(r!, user, { password: 'wrong' });
    } catch (e) {
      assert.instance(e, NegotiationError);
      return (e as NegotiationError).message;
    }
    throw new Error('logged in with a wrong password');
  };
  const known = await failure('juliet');
  const unknown = await failure('tybalt');
  assert.match(known, /not-authorized/);
  assert.is(unknown, known);
});

test('a message to a user with no available resource: service-unavailable (nothing stored)', async ({ r }) => {
  const juliet = await login(r!, 'juliet');
  juliet.send(chatMessage('romeo@localhost', 'anyone?', 'm2'));
  const e = await expectStanza(juliet, 'the error', (x) => x.name === 'message');
  assert.is(e.attrs.type, 'error');
  assert.ok(childOf(childOf(e, 'error')!, 'service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  await juliet.close();
});

test('subscription handshake both ways: roster pushes, presence seen once subscribed, messages exchanged', async ({ r }) => {
  const juliet = await login(r!, 'juliet');
  const romeo = await login(r!, 'romeo');
  for (const s of [juliet, romeo]) {
    s.send(element('iq', { type: 'get', id: 'r1' }, [element('query', { xmlns: ROSTER_NS }, [], ROSTER_NS)]));
    const got = await expectStanza(s, 'roster result', (e) => e.name === 'iq' && e.attrs.id === 'r1');
    assert.is(got.attrs.type, 'result');
    s.send(element('presence', {}));
  }
  juliet.send(element('presence', { to: 'romeo@localhost', type: 'subscribe' }));
  const push = await expectStanza(juliet, 'roster push', (e) => e.name === 'iq' && e.attrs.type === 'set');
  const item = childOf(childOf(push, 'query', ROSTER_NS)!, 'item', ROSTER_NS)!;
  assert.equal([item.attrs.jid, item.attrs.subscription, item.attrs.ask], ['romeo@localhost', 'none', 'subscribe']);
  const req = await expectStanza(romeo, 'the request', (e) => e.name === 'presence' && e.attrs.type === 'subscribe');
  assert.is(req.attrs.from, 'juliet@localhost');
  romeo.send(element('presence', { to: 'juliet@localhost', type: 'subscribed' }));
  const push2 = await expectStanza(juliet, 'roster push: to', (e) => e.name === 'iq' && e.attrs.type === 'set' && childOf(childOf(e, 'query', ROSTER_NS)!, 'item', ROSTER_NS)?.attrs.subscription === 'to');
  assert.ok(push2);
  const seen = await expectStanza(juliet, "romeo's presence", (e) => e.name === 'presence' && e.attrs.type === undefined && e.attrs.from === romeo.jid.toString());
  assert.ok(seen);
  romeo.send(chatMessage('juliet@localhost', 'By a name I know not how to tell thee who I am', 'm3'));
  const m = await expectStanza(juliet, 'message', (e) => e.name === 'message');
  assert.is(m.attrs.from, romeo.jid.toString());
  await juliet.close();
  await romeo.close();
});

const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const conditionOf = (e: XmlElement) => childOf(e, 'error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.ns === STANZAS)?.name;
const rosterSet = (id: string, items: XmlElement[]) => element('iq', { type: 'set', id }, [element('query', { xmlns: ROSTER_NS }, items, ROSTER_NS)]);

// @tests RFC6121 P91L3-P91L6, P88L17-P88L21, P87L46-P87L48, P88L45-P89L5, P86L21-P86L22, P32L22-P32L26
test('routing by RFC 6121 §8.5: to a full JID no one holds, chat goes to the bare JID and normal is refused; negative priority gets nothing; groupchat refused; an iq to another user answered by the server; unknown user and another domain refused', async ({ r }) => {
  const juliet = await login(r!, 'juliet');
  const romeo = await login(r!, 'romeo', { resource: 'orchard' });
  const shy = await login(r!, 'romeo', { resource: 'shy' });
  romeo.send(element('presence', {}));
  shy.send(element('presence', {}, [element('priority', {}, ['-1'])]));
  await expectStanza(shy, 'own presence', (e) => e.name === 'presence' && e.attrs.from === shy.jid.toString());
  juliet.send(chatMessage('romeo@localhost/nowhere', 'chat to a gone resource', 'c1'));
  const c = await expectStanza(romeo, 'the chat', (e) => e.name === 'message');
  assert.is(c.attrs.id, 'c1');
  juliet.send(element('message', { to: 'romeo@localhost/nowhere', id: 'n1' }, [element('body', {}, ['normal to a gone resource'])]));
  assert.is(conditionOf(await expectStanza(juliet, 'error n1', (e) => e.attrs.id === 'n1')), 'service-unavailable');
  juliet.send(element('message', { to: 'romeo@localhost', id: 'g1', type: 'groupchat' }, [element('body', {}, ['g'])]));
  assert.is(conditionOf(await expectStanza(juliet, 'error g1', (e) => e.attrs.id === 'g1')), 'service-unavailable');
  juliet.send(element('iq', { to: 'romeo@localhost', id: 'q1', type: 'get' }, [element('query', { xmlns: 'jabber:iq:version' }, [], 'jabber:iq:version')]));
  const q = await expectStanza(juliet, 'answer q1', (e) => e.attrs.id === 'q1');
  assert.equal([q.attrs.type, q.attrs.from, conditionOf(q)], ['error', 'romeo@localhost', 'service-unavailable']);
  juliet.send(chatMessage('tybalt@localhost', 'x', 'u1'));
  assert.is(conditionOf(await expectStanza(juliet, 'error u1', (e) => e.attrs.id === 'u1')), 'service-unavailable');
  juliet.send(chatMessage('romeo@example.net', 'x', 'd1'));
  assert.is(conditionOf(await expectStanza(juliet, 'error d1', (e) => e.attrs.id === 'd1')), 'remote-server-not-found');
  juliet.send(element('presence', { to: 'romeo@example.net', type: 'subscribe', id: 'd2' }));
  assert.is(conditionOf(await expectStanza(juliet, 'error d2', (e) => e.attrs.id === 'd2')), 'remote-server-not-found');
  // the negative-priority resource got none of the messages (only presence)
  juliet.send(chatMessage('romeo@localhost', 'last', 'c2'));
  await expectStanza(romeo, 'the last chat', (e) => e.attrs.id === 'c2');
  for (let e = await shy.receive(300); e; e = await shy.receive(300)) assert.is.not(e.name, 'message', `a message reached the priority -1 resource: ${JSON.stringify(e.attrs)}`);
  for (const s of [juliet, romeo, shy]) await s.close();
});

// @tests RFC6121 P19L6-P19L15, P19L17-P19L28, P13L21-P13L24, P25L12-P25L16
test('roster sets: two items and duplicate groups bad-request, an empty or over-long group and an over-long name not-acceptable, removing what is not there item-not-found; a set is pushed and a remove too', async ({ r }) => {
  const nurse = await login(r!, 'nurse');
  nurse.send(element('iq', { type: 'get', id: 'g' }, [element('query', { xmlns: ROSTER_NS }, [], ROSTER_NS)]));
  const empty = await expectStanza(nurse, 'roster', (e) => e.attrs.id === 'g');
  assert.ok(childOf(empty, 'query', ROSTER_NS), 'an empty roster is an empty <query/>');
  const item = (jid: string, attrs: Record<string, string> = {}, groups: string[] = []) => element('item', { jid, ...attrs }, groups.map((g) => element('group', {}, [g], ROSTER_NS)), ROSTER_NS);
  const cases: [string, XmlElement[], string][] = [
    ['two', [item('a@localhost'), item('b@localhost')], 'bad-request'],
    ['dup', [item('a@localhost', {}, ['x', 'x'])], 'bad-request'],
    ['emptygroup', [item('a@localhost', {}, [''])], 'not-acceptable'],
    ['longgroup', [item('a@localhost', {}, ['g'.repeat(1024)])], 'not-acceptable'],
    ['longname', [item('a@localhost', { name: 'n'.repeat(1024) })], 'not-acceptable'],
    ['gone', [item('a@localhost', { subscription: 'remove' })], 'item-not-found'],
  ];
  for (const [id, items, condition] of cases) {
    nurse.send(rosterSet(id, items));
    assert.is(conditionOf(await expectStanza(nurse, `error ${id}`, (e) => e.attrs.id === id)), condition, id);
  }
  nurse.send(rosterSet('ok', [item('juliet@localhost', { name: 'Juliet' }, ['Capulets'])]));
  // the result, then the push (RFC 6121 §2.3.2 orders neither)
  assert.is((await expectStanza(nurse, 'result ok', (e) => e.attrs.id === 'ok')).attrs.type, 'result');
  const push = await expectStanza(nurse, 'push', (e) => e.attrs.type === 'set');
  assert.equal(childOf(childOf(push, 'query', ROSTER_NS)!, 'item', ROSTER_NS)!.attrs, { jid: 'juliet@localhost', name: 'Juliet', subscription: 'none' });
  nurse.send(rosterSet('rm', [item('juliet@localhost', { subscription: 'remove' })]));
  const gone = await expectStanza(nurse, 'remove push', (e) => e.attrs.type === 'set');
  assert.is(childOf(childOf(gone, 'query', ROSTER_NS)!, 'item', ROSTER_NS)!.attrs.subscription, 'remove');
  await nurse.close();
});

test.run();
