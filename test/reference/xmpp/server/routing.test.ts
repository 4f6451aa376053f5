/**
 * Our server's routing where it now follows reference/xmpp/im's rules
 * (RFC 6121 §4, §8.5) and the old router did not: directed presence is
 * sent unavailable when the stream ends, the probe of an initial
 * presence is answered unavailable for a contact with nothing available,
 * an iq request reaches a full JID only where presence is shared, and a
 * message with no 'to' goes to the sender's own resources (RFC 6120 §10.3.1).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type XmlElement, childOf, element } from '../../../../reference/xmpp/xml/index.ts';
import { type ClientSession } from '../../../../reference/xmpp/client/index.ts';
import { type Running, login, startServer } from './harness.ts';

const test = suite<{ r?: Running }>('xmpp server: presence by RFC 6121 §4 and §8.5', {});

test.before(async (ctx) => {
  ctx.r = await startServer();
});
test.after(async (ctx) => {
  await ctx.r?.server.close();
});

/** Every presence `s` gets within `ms`, as "type from". */
async function presences(s: ClientSession, ms: number): Promise<string[]> {
  const seen: string[] = [];
  for (let e: XmlElement | undefined = await s.receive(ms); e; e = await s.receive(ms)) if (e.name === 'presence') seen.push(`${e.attrs.type ?? 'available'} ${e.attrs.from}`);
  return seen;
}

// @tests RFC6121 P63L17-P63L25, P63L35-P63L39, P59L40-P59L44
test('directed presence outside a subscription: delivered, and sent unavailable when the sender\'s stream ends', async ({ r }) => {
  const juliet = await login(r!, 'juliet', { resource: 'balcony' });
  const romeo = await login(r!, 'romeo', { resource: 'orchard' });
  juliet.send(element('presence', {}));
  romeo.send(element('presence', { to: 'juliet@localhost/balcony' }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await romeo.close();
  const seen = await presences(juliet, 500);
  assert.ok(seen.includes('available romeo@localhost/orchard'), seen.join('; '));
  assert.ok(seen.includes('unavailable romeo@localhost/orchard'), `no unavailable after the directed presence: ${seen.join('; ')}`);
  await juliet.close();
});

// @tests RFC6121 P50L35-P50L37, P53L46-P54L12
test("initial presence probes a contact we are subscribed to: with nothing of his available, his server's answer is unavailable from his bare JID", async ({ r }) => {
  const nurse = await login(r!, 'nurse');
  const romeo = await login(r!, 'romeo');
  for (const s of [nurse, romeo]) s.send(element('presence', {}));
  nurse.send(element('presence', { to: 'romeo@localhost', type: 'subscribe' }));
  romeo.send(element('presence', { to: 'nurse@localhost', type: 'subscribed' }));
  await presences(nurse, 300);
  await romeo.close();
  await nurse.close();
  const again = await login(r!, 'nurse');
  again.send(element('presence', {}));
  const seen = await presences(again, 500);
  assert.ok(seen.includes('unavailable romeo@localhost'), `no answer to the probe: ${seen.join('; ')}`);
  await again.close();
});

// @tests RFC6121 P90L14-P90L20
test('an iq request to the full JID of one who shares no presence with the sender: service-unavailable, not delivered; to her own other resource: delivered', async ({ r }) => {
  const juliet = await login(r!, 'juliet', { resource: 'balcony' });
  const chamber = await login(r!, 'juliet', { resource: 'chamber' });
  const romeo = await login(r!, 'romeo', { resource: 'orchard' });
  const version = (to: string, id: string) => element('iq', { to, id, type: 'get' }, [element('query', { xmlns: 'jabber:iq:version' }, [], 'jabber:iq:version')]);
  const next = async (s: ClientSession, id: string) => {
    for (let e = await s.receive(2000); e; e = await s.receive(2000)) if (e.attrs.id === id) return e;
    return undefined;
  };
  romeo.send(version('juliet@localhost/balcony', 'v1'));
  const refused = await next(romeo, 'v1');
  assert.is(refused?.attrs.type, 'error');
  assert.ok(refused && childOf(childOf(refused, 'error')!, 'service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  chamber.send(version('juliet@localhost/balcony', 'v2'));
  const got = await next(juliet, 'v2');
  assert.is(got?.attrs.from, 'juliet@localhost/chamber');
  for (const s of [juliet, chamber, romeo]) await s.close();
});

// @tests RFC6120 P141L17-P141L19, P100L38-P100L40
test("a message with no 'to': as if to the sender's bare JID, so each of the user's available resources gets it", async ({ r }) => {
  const balcony = await login(r!, 'juliet', { resource: 'balcony' });
  const chamber = await login(r!, 'juliet', { resource: 'chamber' });
  for (const s of [balcony, chamber]) s.send(element('presence', {}));
  await presences(chamber, 300);
  balcony.send(element('message', { id: 'self1', type: 'chat' }, [element('body', {}, ['a note to myself'])]));
  const got = async (s: ClientSession) => {
    for (let e = await s.receive(2000); e; e = await s.receive(2000)) if (e.name === 'message' && e.attrs.id === 'self1') return [e.attrs.from, e.attrs.to];
    return undefined;
  };
  // RFC 6120 §8.1.1.1: the server does not modify the 'to' of a stanza from a client, so none is added (Prosody adds none either).
  assert.equal(await got(chamber), ['juliet@localhost/balcony', undefined]);
  assert.equal(await got(balcony), ['juliet@localhost/balcony', undefined]);
  for (const s of [balcony, chamber]) await s.close();
});

test.run();
