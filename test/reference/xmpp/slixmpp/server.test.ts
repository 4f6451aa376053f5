/**
 * slixmpp's client (slixmpp.ClientXMPP, Debian's python3-slixmpp) against
 * our server on 127.0.0.1: it logs in with STARTTLS (verifying our
 * certificate against the test's CA) and SCRAM, fetches its roster,
 * subscribes to romeo, who is our own client and approves; then romeo and
 * slixmpp exchange messages. And with our command line, run as a user runs
 * it: our `listen --json` prints the message slixmpp sends, and slixmpp
 * prints the one our `send` sends it.
 */
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { peerPath, peerSuite } from '../../../peers.ts';
import { stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { element, childOf, textOf } from '../../../../reference/xmpp/xml/index.ts';
import { chatMessage } from '../../../../reference/xmpp/client/index.ts';
import { ROSTER_NS } from '../../../../reference/xmpp/server/index.ts';
import { type Running, PASSWORDS, cliLogin, login, startServer, startXmppCli, xmppCli } from '../server/harness.ts';

const SCRIPT = join(import.meta.dirname, 'im_client.py');

interface Slix {
  events: Record<string, unknown>[];
  /** slixmpp's debug log so far: every element it sent and received. */
  stderr(): string;
  next(event: string, ms?: number): Promise<Record<string, unknown>>;
  /** Has slixmpp send a chat message. */
  send(to: string, body: string): void;
  stop(): Promise<void>;
}

/** im_client.py as `user`: --subscribe CONTACT, --reply, --max-tls TLSv1_2 as `o` says. */
function slixmpp(r: Running, user: string, o: { subscribe?: string; reply?: boolean; maxTls?: 'TLSv1_2' }): Slix {
  const flags = [...(o.subscribe ? ['--subscribe', o.subscribe] : []), ...(o.reply ? ['--reply'] : []), ...(o.maxTls ? ['--max-tls', o.maxTls] : [])];
  const child = spawn(peerPath('slixmpp'), [SCRIPT, `${user}@localhost`, PASSWORDS[user]!, '127.0.0.1', String(r.port), r.caFile, ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const events: Record<string, unknown>[] = [];
  let wake: (() => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (l) => {
    events.push(JSON.parse(l));
    wake?.();
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  let seen = 0;
  return {
    events,
    stderr: () => stderr,
    async next(event, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = events.findIndex((e, k) => k >= seen && e.event === event);
        if (i >= 0) {
          seen = i + 1;
          return events[i]!;
        }
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`slixmpp: no '${event}' event; saw ${JSON.stringify(events)}; its log ends: ${stderr.slice(-2000)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    },
    send(to, body) {
      child.stdin.write(`${JSON.stringify({ to, body })}\n`);
    },
    async stop() {
      child.stdin.end();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 8000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}

const log: string[] = [];
const slix = peerSuite<{ r?: Running }>('slixmpp client against our server', ['slixmpp']);

slix.before(async (ctx) => {
  ctx.r = await startServer({ log: (l) => log.push(l) });
});
slix.after(async (ctx) => {
  await ctx.r?.server.close();
});

slix('slixmpp (TLS 1.2: see below) logs in over STARTTLS with SCRAM-SHA-256, gets its roster, subscribes to romeo (our client approves), and they exchange messages', async (ctx) => {
  const romeo = await login(ctx.r!, 'romeo', { resource: 'orchard' });
  romeo.send(element('presence', {}));
  const s = slixmpp(ctx.r!, 'nurse', { subscribe: 'romeo@localhost', reply: true, maxTls: 'TLSv1_2' });
  try {
    const session = await s.next('session');
    assert.match(String(session.jid), /^nurse@localhost\/\S+$/);
    assert.equal((await s.next('roster')).items, {});
    const bound = log.find((l) => l.startsWith('nurse@localhost/'));
    assert.match(bound ?? '', /bound \(SCRAM-SHA-256, TLS\)/, `server log: ${log.join('; ')}`);
    // romeo sees the request and approves it
    for (;;) {
      const e = await romeo.receive(10_000);
      if (!e) throw new Error(`romeo's stream ended: ${JSON.stringify(romeo.ending)}`);
      if (e.name === 'presence' && e.attrs.type === 'subscribe') {
        assert.is(e.attrs.from, 'nurse@localhost');
        break;
      }
    }
    romeo.send(element('presence', { to: 'nurse@localhost', type: 'subscribed' }));
    const subscribed = await s.next('subscribed');
    assert.is(subscribed.frm, 'romeo@localhost');
    assert.is((await s.next('available')).frm, 'romeo@localhost/orchard');
    romeo.send(chatMessage(String(session.jid), 'Ah, well-a-day!', 'w1'));
    const got = await s.next('message');
    assert.equal([got.frm, got.body], ['romeo@localhost/orchard', 'Ah, well-a-day!']);
    for (;;) {
      const e = await romeo.receive(10_000);
      if (!e) throw new Error(`no reply: ${JSON.stringify(romeo.ending)}`);
      if (e.name !== 'message') continue;
      assert.is(e.attrs.from, String(session.jid));
      assert.is(textOf(childOf(e, 'body')!), 're: Ah, well-a-day!');
      break;
    }
    // romeo's roster now has nurse with subscription 'from'
    romeo.send(element('iq', { type: 'get', id: 'r' }, [element('query', { xmlns: ROSTER_NS }, [], ROSTER_NS)]));
    for (;;) {
      const e = await romeo.receive(5000);
      if (!e) throw new Error('no roster result');
      if (e.name !== 'iq' || e.attrs.id !== 'r') continue;
      const item = childOf(childOf(e, 'query', ROSTER_NS)!, 'item', ROSTER_NS);
      assert.equal([item?.attrs.jid, item?.attrs.subscription], ['nurse@localhost', 'from']);
      break;
    }
  } finally {
    await s.stop();
    await romeo.close();
  }
});

slix('slixmpp and our command line: `listen --json` prints the chat message slixmpp sends it, and slixmpp gets the one `send` sends to its bare JID', async (ctx) => {
  const r = ctx.r!;
  const listen = startXmppCli(['listen', ...cliLogin(r, 'juliet'), '--json']);
  const s = slixmpp(r, 'nurse', { maxTls: 'TLSv1_2' });
  try {
    const session = await s.next('session');
    await s.next('ready');
    await waitFor('listen to log in', () => /listening as juliet@localhost\//.test(listen.stderr()), 30_000, listen);
    // Markup and a non-ASCII letter in the body: escaped on the wire, printed as sent.
    const toJuliet = 'Madam, your mother craves a word with you. <&> \u2665';
    s.send('juliet@localhost', toJuliet);
    await waitFor('listen to print the message', () => listen.stdout().includes('"kind":"message"'), 15_000, listen);
    const printed = listen.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Only the message: slixmpp's presence is nothing juliet subscribed to.
    assert.is(printed.length, 1, listen.stdout());
    assert.equal(printed[0], { kind: 'message', from: session.jid, type: 'chat', body: toJuliet, id: printed[0]!.id });
    assert.match(String(printed[0]!.id), /\S/);
    const toNurse = 'Commend me to thy lady & mistress. \u00e9';
    const sent = await xmppCli(['send', ...cliLogin(r, 'romeo'), '--to', 'nurse@localhost', '--message', toNurse, '--json']);
    assert.is(sent.code, 0, sent.stderr);
    const receipt = JSON.parse(sent.stdout) as Record<string, unknown>;
    const got = await s.next('message');
    assert.equal(got, { event: 'message', frm: receipt.from, type: 'chat', body: toNurse, id: receipt.id });
    listen.child.kill('SIGTERM');
    assert.is(await listen.exited, 0, listen.stderr());
    assert.not.ok(s.events.some((e) => e.event === 'error'), JSON.stringify(s.events));
  } finally {
    await s.stop();
    await stop(listen);
  }
});

/** The SASL elements slixmpp sent, from its debug log: mechanism and the decoded initial response. */
const auths = (log: string) => [...log.matchAll(/SEND: <auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="([^"]+)">([^<]*)<\/auth>/g)].map((m) => ({ mechanism: m[1]!, response: Buffer.from(m[2]!, 'base64').toString('utf8') }));

// @tests RFC9266 P3L26-P3L29, P3L36-P3L38
slix('slixmpp over TLS 1.3 binds SCRAM-SHA-256-PLUS with tls-unique (undefined there, RFC 9266 §3), then falls back to "y", which we refuse as a downgrade: it never logs in', async (ctx) => {
  const s = slixmpp(ctx.r!, 'nurse', { subscribe: 'romeo@localhost' });
  try {
    await s.next('disconnected', 20_000);
    assert.not.ok(s.events.some((e) => e.event === 'session'), 'slixmpp logged in');
    const sent = auths(s.stderr());
    // Four handshakes fail (our 3 retries, RFC 6120 §6.4.5), then the stream error. slixmpp sends its next, PLAIN, as soon
    // as it reads the 4th <failure/>: whether that reaches us before our close is a race, so it may or may not be seen.
    const mechanisms = sent.map((a) => a.mechanism);
    assert.equal(mechanisms.slice(0, 4), ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1']);
    assert.equal(mechanisms.slice(4), mechanisms.length > 4 ? ['PLAIN'] : []);
    // The deviation, as sent: the GS2 header names tls-unique on a TLS 1.3 connection.
    assert.match(sent[0]!.response, /^p=tls-unique,,n=nurse,r=\S+$/);
    // Without -PLUS it claims we do not bind ("y"): the downgrade RFC 5802 §6 says to refuse.
    assert.match(sent[2]!.response, /^y,,n=nurse,r=\S+$/);
    // Our side's account of it, once the server has finished with the connection.
    for (let i = 0; i < 40 && !log.some((l) => /a downgrade/.test(l)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(log.some((l) => /a downgrade/.test(l)), log.join('; '));
  } finally {
    await s.stop();
  }
});

slix.run();
