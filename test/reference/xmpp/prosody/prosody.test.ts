/**
 * Against Prosody (Debian package prosody) on loopback: its stream header
 * and features read by our reader; our SASL initiator with our SCRAM client
 * logs in with every mechanism Prosody offers, over plain TCP and after
 * STARTTLS (with -PLUS and tls-exporter when offered), and our client
 * verifies Prosody's ServerSignature; PLAIN is offered only after TLS; a
 * wrong password and an unknown user are refused alike.
 */
import * as assert from 'uvu/assert';
import { peerSuite } from '../../../peers.ts';
import { childOf, type XmlElement } from '../../../../reference/xmpp/xml/index.ts';
import { SASL_NS, SaslInitiator, clientMechanism, failureCondition, readMechanisms, tlsExporter } from '../../../../reference/xmpp/sasl/index.ts';
import { Connection, type Prosody, startProsody } from './prosody.ts';

const USERS = { juliet: 'r0m30myr0m30', romeo: 'j\u00fcliet \u2665' };

const prosody = peerSuite<{ server?: Prosody }>('Prosody: SASL with our SCRAM, PLAIN and channel binding', ['prosody']);

prosody.before(async (ctx) => {
  ctx.server = await startProsody(USERS);
});

prosody.after(async (ctx) => {
  await ctx.server?.stop();
});

const mechanismsOf = (features: XmlElement) => {
  const m = childOf(features, 'mechanisms', SASL_NS);
  return m ? readMechanisms(m) : [];
};

/** One SASL negotiation with one mechanism over the connection: the outcome and the condition. */
async function login(c: Connection, mechanism: string, username: string, password: string): Promise<{ outcome: string; condition?: string }> {
  const binding = mechanism.endsWith('-PLUS') ? tlsExporter(c.tlsSocket!) : undefined;
  const i = new SaslInitiator([mechanism], [mechanism], (n) => clientMechanism(n, { username, password, ...(binding ? { channelBinding: binding } : {}) }));
  c.send(i.next()!);
  for (;;) {
    const e = await c.nextElement();
    const r = i.receive(e);
    if (r.send) c.send(r.send);
    if (r.outcome) return { outcome: r.outcome, ...(r.outcome === 'failure' ? { condition: failureCondition(e) ?? r.reason } : {}) };
  }
}

// @tests RFC6120 P162L30-P162L32, P83L16-P83L18
prosody('over plain TCP: Prosody offers SCRAM and not PLAIN; we log in with each SCRAM it offers, its ServerSignature verified', async (ctx) => {
  const c = await Connection.open(ctx.server!);
  const { header, features } = await c.openStream();
  assert.is(header.ns, 'http://etherx.jabber.org/streams');
  const offered = mechanismsOf(features);
  assert.ok(offered.some((m) => m.startsWith('SCRAM-')), `offered: ${offered}`);
  assert.not.ok(offered.includes('PLAIN'), 'PLAIN without TLS');
  await c.close();
  for (const m of offered.filter((x) => x.startsWith('SCRAM-') && !x.endsWith('-PLUS'))) {
    const conn = await Connection.open(ctx.server!);
    await conn.openStream();
    assert.equal(await login(conn, m, 'juliet', USERS.juliet), { outcome: 'success' }, m);
    const restarted = await conn.restart();
    assert.ok(childOf(restarted.features, 'bind', 'urn:ietf:params:xml:ns:xmpp-bind'), 'after SASL, the new features offer resource binding');
    await conn.close();
  }
});

// @tests RFC5802 P13L19-P13L28, RFC6120 P91L3-P91L5
prosody('a wrong password and an unknown user both get <not-authorized/>', async (ctx) => {
  const outcomes = [];
  for (const [user, password] of [['juliet', 'wrong'], ['nobody', 'r0m30myr0m30']]) {
    const c = await Connection.open(ctx.server!);
    const { features } = await c.openStream();
    outcomes.push(await login(c, mechanismsOf(features).find((m) => m === 'SCRAM-SHA-1')!, user!, password!));
    await c.close();
  }
  assert.equal(outcomes, [{ outcome: 'failure', condition: 'not-authorized' }, { outcome: 'failure', condition: 'not-authorized' }]);
});

// @tests RFC6120 P162L27-P162L32, RFC9266 P3L4-P3L13, RFC5802 P14L35-P14L37
prosody('after STARTTLS: PLAIN is offered and works; each SCRAM, -PLUS with tls-exporter when Prosody offers it, logs in', async (ctx) => {
  const c = await Connection.open(ctx.server!);
  await c.openStream();
  const { features } = await c.starttls();
  const offered = mechanismsOf(features);
  assert.ok(offered.includes('PLAIN'), `offered after TLS: ${offered}`);
  await c.close();
  const results: Record<string, string> = {};
  for (const m of offered.filter((x) => x.startsWith('SCRAM-') || x === 'PLAIN')) {
    const conn = await Connection.open(ctx.server!);
    await conn.openStream();
    await conn.starttls();
    results[m] = (await login(conn, m, 'juliet', USERS.juliet)).outcome;
    await conn.close();
  }
  console.log(`  Prosody after STARTTLS offers ${offered.join(', ')}: ${JSON.stringify(results)}`);
  for (const [m, r] of Object.entries(results)) if (!r.startsWith('skipped')) assert.is(r, 'success', m);
  assert.is(results.PLAIN, 'success');
});

// @tests RFC8265 P14L29-P14L32, RFC5802 P8L5-P8L6
prosody('a non-ASCII password (ü, a BLACK HEART) and a case-mapped username log in: our preparation agrees with Prosody\'s', async (ctx) => {
  const c = await Connection.open(ctx.server!);
  const { features } = await c.openStream();
  assert.is((await login(c, mechanismsOf(features)[0]!, 'Romeo', USERS.romeo)).outcome, 'success');
  await c.close();
});

prosody.run();
