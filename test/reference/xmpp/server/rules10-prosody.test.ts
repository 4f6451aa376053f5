/**
 * RFC 6120 §10 against Prosody: the same stanzas, sent by our client to our
 * server and to Prosody on loopback, get the same answer: the bare domain,
 * domain/resource, no such user, another user's bare JID, no 'to'. Where the two differ (each a choice the RFC allows), the
 * difference is asserted as it is, so a change either way is seen: to a
 * remote domain Prosody (s2s disabled in the testkit's
 * config) answers <not-allowed/>, where we answer §10.4.3's
 * <remote-server-not-found/>; both return an error, as P143L3 requires.
 * And a message to a user with nothing connected: we take choice (b), the
 * error; Prosody (a), offline storage (mod_offline, which it loads
 * unasked): the user gets it when she next logs in.
 */
import * as assert from 'uvu/assert';
import { peerSuite } from '../../../peers.ts';
import { type XmlElement, element, serialize } from '../../../../reference/xmpp/xml/index.ts';
import { ClientSession } from '../../../../reference/xmpp/client/index.ts';
import { readError } from '../../../../reference/xmpp/stanza/index.ts';
import { type Prosody, startProsody } from '../prosody/prosody.ts';
import { type Running, PASSWORDS, login, startServer } from './harness.ts';

const PROSODY_USERS = { juliet: 'balcony-pass', nurse: 'nurse-pass' };
const suite = peerSuite<{ ours?: Running; prosody?: Prosody; clients?: Record<'ours' | 'prosody', ClientSession> }>("RFC 6120 §10 on our server and on Prosody: the same stanzas, the same answers", ['prosody']);

suite.before(async (ctx) => {
  [ctx.ours, ctx.prosody] = await Promise.all([startServer(), startProsody(PROSODY_USERS)]);
  const theirs = await ClientSession.connect({ jid: 'juliet@localhost', password: PROSODY_USERS.juliet, resource: 'balcony', server: { host: '127.0.0.1', port: ctx.prosody.port }, tls: { ca: ctx.prosody.cert }, timeoutMs: 10_000 });
  const ours = await login(ctx.ours, 'juliet', { password: PASSWORDS.juliet!, resource: 'balcony' });
  ctx.clients = { ours, prosody: theirs };
  for (const s of [ours, theirs]) {
    s.send(element('presence', {}));
    await answers(s);
  }
});

suite.after(async (ctx) => {
  for (const s of Object.values(ctx.clients ?? {})) await s.close();
  await ctx.ours?.server.close();
  await ctx.prosody?.stop();
});

/** What `s` gets until 800 ms pass with nothing. */
async function answers(s: ClientSession): Promise<XmlElement[]> {
  const seen: XmlElement[] = [];
  for (let e = await s.receive(800); e; e = await s.receive(800)) seen.push(e);
  return seen;
}

const body = () => [element('body', {}, ['for §10'])];
const version = () => [element('query', { xmlns: 'jabber:iq:version' }, [], 'jabber:iq:version')];

/** Each case: what is sent, and what comes back with its id: a stanza error's condition, 'delivered' (the stanza itself, to the sender), or 'nothing'. */
const CASES: Array<{ rule: string; stanza: XmlElement; expect: string; prosody?: string }> = [
  { rule: '§10.5.1 a message to the bare domain', stanza: element('message', { to: 'localhost', id: 'c1', type: 'normal' }, body()), expect: 'service-unavailable' },
  { rule: '§10.5.2 a message to domain/resource', stanza: element('message', { to: 'localhost/announce', id: 'c2', type: 'chat' }, body()), expect: 'service-unavailable' },
  { rule: '§10.5.3.1 a message to no such user', stanza: element('message', { to: 'nobody@localhost', id: 'c3', type: 'chat' }, body()), expect: 'service-unavailable' },
  { rule: '§10.5.3.1 an iq to no such user', stanza: element('iq', { to: 'nobody@localhost', id: 'c4', type: 'get' }, version()), expect: 'service-unavailable' },
  { rule: "§10.3.3 an iq with no 'to' in a namespace the server does not know", stanza: element('iq', { id: 'c5', type: 'get' }, [element('query', { xmlns: 'urn:example:unknown' }, [], 'urn:example:unknown')]), expect: 'service-unavailable' },
  { rule: "§10.3.3 an iq result with no 'to', for nothing asked", stanza: element('iq', { id: 'c6', type: 'result' }), expect: 'nothing' },
  { rule: '§10.4.3 a message to a remote domain', stanza: element('message', { to: 'romeo@example.net', id: 'c7', type: 'chat' }, body()), expect: 'remote-server-not-found', prosody: 'not-allowed' },
  { rule: '§10.5.3.2 a message to a user with no connected resource', stanza: element('message', { to: 'nurse@localhost', id: 'c8', type: 'chat' }, body()), expect: 'service-unavailable', prosody: 'nothing' },
  { rule: "§10.5.3.2 an iq to another user's bare JID", stanza: element('iq', { to: 'nurse@localhost', id: 'c9', type: 'get' }, version()), expect: 'service-unavailable' },
  { rule: "§10.3.1 a message with no 'to'", stanza: element('message', { id: 'c10', type: 'chat' }, body()), expect: 'delivered' },
];

// @tests RFC6120 P143L30-P143L33, P143L37-P143L40, P144L7-P144L9, P144L14-P144L15, P142L1-P142L4, P142L6-P142L10, P143L3-P143L4, P144L25-P144L29, P144L38-P144L39, P141L17-P141L19
for (const c of CASES) {
  suite(c.rule, async ({ clients }) => {
    const got: Record<string, string> = {};
    for (const [server, s] of Object.entries(clients!)) {
      s.send(c.stanza);
      const back = (await answers(s)).filter((e) => e.attrs.id === c.stanza.attrs.id);
      const answer = back.length === 0 ? 'nothing' : back.length > 1 ? `${back.length} answers` : back[0]!.attrs.type === 'error' ? (readError(back[0]!)?.condition ?? 'no condition') : 'delivered';
      got[server] = answer;
      if (answer !== (server === 'prosody' ? (c.prosody ?? c.expect) : c.expect)) console.log(`${server} ${c.rule}:\n>> ${serialize(c.stanza)}\n${back.map((e) => `<< ${serialize(e)}`).join('\n')}`);
    }
    assert.equal(got, { ours: c.expect, prosody: c.prosody ?? c.expect });
  });
}

// @tests RFC6120 P144L25-P144L29
suite("§10.5.3.2 Prosody's choice (a): the message to the user with nothing connected is hers when she next logs in", async ({ prosody }) => {
  const nurse = await ClientSession.connect({ jid: 'nurse@localhost', password: PROSODY_USERS.nurse, server: { host: '127.0.0.1', port: prosody!.port }, tls: { ca: prosody!.cert }, timeoutMs: 10_000 });
  nurse.send(element('presence', {}));
  const kept = (await answers(nurse)).filter((e) => e.name === 'message' && e.attrs.id === 'c8');
  await nurse.close();
  assert.equal(kept.map((e) => e.attrs.from), ['juliet@localhost/balcony']);
});

suite.run();
