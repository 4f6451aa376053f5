/**
 * The client commands of `npm run xmpp`: `send`, `listen`, `roster`. Each
 * logs in (STARTTLS, SASL, bind: ./session.ts), does its one thing, and
 * closes the stream as RFC 6120 §4.4 says. Plumbing: the rules are the
 * session's and the stream layer's; what is here is options and output
 * (plumbing: the rules it applies carry their tags where they stand).
 */
import { readFileSync } from 'node:fs';
import { UsageError, numberOption, type Command, type Options } from '../../../tools/command.ts';
import { type XmlElement, childOf, element, isElement, textOf } from '../xml/index.ts';
import { checkJid } from '../jid/index.ts';
import { NegotiationError } from '../stream/index.ts';
import { ClientSession, chatMessage } from './session.ts';

/** A failure of the world or the peer (no server, refused login, an error answer): exit 1, one line. */
export class XmppCommandError extends Error {}

const LOGIN_OPTIONS: Options = {
  jid: { type: 'string' },
  password: { type: 'string' },
  server: { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  mechanism: { type: 'string' },
  json: { type: 'boolean' },
};

const LOGIN_USAGE = `  --jid JID          the bare JID to log in as (required)
  --password P       its password (required)
  --server HOST:PORT where to connect (default: the JID's domain, port 5222)
  --ca FILE          PEM of the CA(s) to trust for the server's certificate (default: the system's)
  --insecure         do not verify the server's certificate (said loudly on stderr)
  --mechanism M      one SASL mechanism (SCRAM-SHA-256, SCRAM-SHA-1, their -PLUS, PLAIN) instead of the strongest offered
  --json             output as JSON (one object per line for listen)`;

const PORT = /^(\d{1,5})$/;

/** `--server host:port` (an IPv6 host in brackets). */
function serverOption(v: unknown): { host: string; port: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(.+)$/.exec(String(v));
  const port = m && PORT.test(m[3]!) ? Number(m[3]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw new UsageError(`--server wants HOST:PORT, got ${JSON.stringify(v)}`);
  return { host: m[1] ?? m[2]!, port };
}

function jidOption(values: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = values[name];
  if (v === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  const r = checkJid(String(v));
  if (!r.ok) throw new UsageError(`--${name}: ${r.error.message}`);
  return r.jid.toString();
}

/** Logs in as the options say; a failed login is an XmppCommandError naming the step and the rule. */
async function login(values: Record<string, unknown>): Promise<ClientSession> {
  const jid = jidOption(values, 'jid')!;
  if (values.password === undefined) throw new UsageError('--password is required');
  const server = serverOption(values.server);
  let ca: Buffer | undefined;
  if (values.ca !== undefined) {
    try {
      ca = readFileSync(String(values.ca));
    } catch (e) {
      throw new XmppCommandError(`--ca ${values.ca}: ${(e as Error).message}`);
    }
  }
  try {
    return await ClientSession.connect({
      jid,
      password: String(values.password),
      ...(server && { server }),
      tls: { ...(ca && { ca }), ...(values.insecure === true && { insecure: true }) },
      ...(values.mechanism !== undefined && { mechanism: String(values.mechanism) }),
    });
  } catch (e) {
    if (e instanceof NegotiationError) throw new XmppCommandError(`login as ${jid}: ${e.message}`);
    throw e;
  }
}

const out = (values: Record<string, unknown>, text: string, json: object) => process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);

// --- send ------------------------------------------------------------------

export const sendCommand: Command = {
  summary: 'log in, send one chat message, log out',
  usage: `xmpp send --jid JID --password P --to JID --message TEXT [options]
  --to JID           the recipient (a bare or full JID)
  --message TEXT     the body
${LOGIN_USAGE}
exit 0: sent; 1: the login failed or the server refused the stream (said on stderr)`,
  options: { ...LOGIN_OPTIONS, to: { type: 'string' }, message: { type: 'string' } },
  async run(values) {
    const to = jidOption(values, 'to')!;
    if (values.message === undefined) throw new UsageError('--message is required');
    const s = await login(values);
    const id = s.nextId('m');
    s.send(chatMessage(to, String(values.message), id));
    await s.close();
    if (s.ending?.by === 'server') throw new XmppCommandError(s.ending.reason);
    out(values, `sent to ${to} as ${s.jid} (${s.mechanism})`, { sent: true, to, from: s.jid.toString(), id, mechanism: s.mechanism });
    return 0;
  },
};

// --- listen ----------------------------------------------------------------

const STANZAS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const ROSTER_NS = 'jabber:iq:roster';

/** What a message or presence says, for printing. */
function describe(e: XmlElement): { line: string; json: Record<string, unknown> } | undefined {
  const from = e.attrs.from ?? '';
  if (e.name === 'message') {
    const body = childOf(e, 'body');
    const type = e.attrs.type ?? 'normal';
    if (!body) return undefined;
    return { line: `message from ${from} (${type}): ${textOf(body)}`, json: { kind: 'message', from, type, body: textOf(body), ...(e.attrs.id && { id: e.attrs.id }) } };
  }
  if (e.name === 'presence') {
    const type = e.attrs.type ?? 'available';
    const show = childOf(e, 'show');
    const status = childOf(e, 'status');
    const extra = [show && textOf(show), status && `"${textOf(status)}"`].filter(Boolean).join(' ');
    return { line: `presence from ${from}: ${type}${extra ? ` ${extra}` : ''}`, json: { kind: 'presence', from, type, ...(show && { show: textOf(show) }), ...(status && { status: textOf(status) }) } };
  }
  return undefined;
}

/**
 * An iq request we must answer: a roster push gets its result (RFC 6121
 * §2.1.6), anything else service-unavailable (RFC 6120 §8.4: an iq we do
 * not understand).
 */
// @implements RFC6120 P128L6-P128L9
function answerIq(s: ClientSession, iq: XmlElement): void {
  if (iq.attrs.type !== 'get' && iq.attrs.type !== 'set') return;
  const id = iq.attrs.id ?? '';
  const to = iq.attrs.from;
  const payload = iq.children.find(isElement);
  if (iq.attrs.type === 'set' && payload?.name === 'query' && payload.ns === ROSTER_NS) {
    // @implements RFC6121 P15L1-P15L4
    // A roster push from anyone but our own account is ignored.
    if (to !== undefined && to !== s.jid.bare.toString()) return;
    // @implements RFC6121 P15L14-P15L18
    return s.send(element('iq', { id, type: 'result', ...(to && { to }) }));
  }
  s.send(element('iq', { id, type: 'error', ...(to && { to }) }, [
    ...(payload ? [payload] : []),
    element('error', { type: 'cancel' }, [element('service-unavailable', { xmlns: STANZAS_NS }, [], STANZAS_NS)]),
  ]));
}

export const listenCommand: Command = {
  summary: 'log in, become available, print each message and presence change as it arrives',
  usage: `xmpp listen --jid JID --password P [--count N] [options]
  --count N          stop after N messages and presence changes (default: until Ctrl-C or the server closes)
${LOGIN_USAGE}
exit 0: stopped (count reached, Ctrl-C); 1: the login failed or the server closed the stream with an error`,
  options: { ...LOGIN_OPTIONS, count: { type: 'string' } },
  async run(values) {
    const count = numberOption(values, 'count', 'a whole number ≥ 1', (n) => Number.isInteger(n) && n >= 1);
    const s = await login(values);
    let stop = false;
    const onSignal = () => {
      stop = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      // Available, so the server sends us messages to the bare JID and presence of our contacts (RFC 6121 §4.2).
      s.send(element('presence', {}));
      process.stderr.write(`listening as ${s.jid} (${s.mechanism})\n`);
      let seen = 0;
      const print = (e: XmlElement) => {
        if (e.name === 'iq') return answerIq(s, e);
        // Our own presence, reflected to us by the server (RFC 6121 §4.2.2), is no change to report.
        if (e.name === 'presence' && e.attrs.from === s.jid.toString()) return;
        const d = describe(e);
        if (!d) return;
        seen++;
        out(values, d.line, d.json);
      };
      while (!stop && (count === undefined || seen < count)) {
        const e = await s.receive(250);
        if (e) print(e);
        else if (s.ending) break;
      }
      await s.close(print);
      if (s.ending?.condition) throw new XmppCommandError(s.ending.reason);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

// --- roster ----------------------------------------------------------------

/** An iq request and its answer (other stanzas meanwhile are passed over). */
async function request(s: ClientSession, iq: XmlElement): Promise<XmlElement> {
  s.send(iq);
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const e = await s.receive(end - Date.now());
    if (e?.name === 'iq' && e.attrs.id === iq.attrs.id && (e.attrs.type === 'result' || e.attrs.type === 'error')) return e;
    if (e?.name === 'iq') answerIq(s, e);
    if (s.ending) break;
  }
  throw new XmppCommandError(`no answer to iq '${iq.attrs.id}'${s.ending ? `: ${s.ending.reason}` : ' in 30 s'}`);
}

const errorCondition = (iq: XmlElement) => childOf(iq, 'error')?.children.find((c): c is XmlElement => isElement(c) && c.ns === STANZAS_NS)?.name ?? 'undefined-condition';

export const rosterCommand: Command = {
  summary: 'log in, print the roster; or add a contact (and ask for its presence), or remove one',
  usage: `xmpp roster --jid JID --password P [--add JID | --remove JID] [options]
  --add JID          add JID to the roster and send it a subscription request
  --remove JID       remove JID from the roster (which cancels both subscriptions)
${LOGIN_USAGE}
exit 0: done; 1: the login failed or the server answered with an error`,
  options: { ...LOGIN_OPTIONS, add: { type: 'string' }, remove: { type: 'string' } },
  async run(values) {
    const add = jidOption(values, 'add', false);
    const remove = jidOption(values, 'remove', false);
    if (add && remove) throw new UsageError('--add and --remove: one at a time');
    const s = await login(values);
    try {
      const id = s.nextId('r');
      const item = add ?? remove;
      const query = item === undefined ? element('query', { xmlns: ROSTER_NS }) : element('query', { xmlns: ROSTER_NS }, [element('item', { jid: item, ...(remove && { subscription: 'remove' }) }, [], ROSTER_NS)], ROSTER_NS);
      const answer = await request(s, element('iq', { id, type: item === undefined ? 'get' : 'set' }, [query]));
      if (answer.attrs.type === 'error') throw new XmppCommandError(`the server refused the roster ${item === undefined ? 'get' : 'set'}: <${errorCondition(answer)}/>`);
      if (add) {
        s.send(element('presence', { to: add, type: 'subscribe', id: s.nextId('p') }));
        out(values, `added ${add}; asked for its presence`, { added: add });
      } else if (remove) out(values, `removed ${remove}`, { removed: remove });
      else {
        const items = (childOf(answer, 'query', ROSTER_NS)?.children ?? []).filter((c): c is XmlElement => isElement(c) && c.name === 'item').map((i) => ({
          jid: i.attrs.jid ?? '',
          subscription: i.attrs.subscription ?? 'none',
          ...(i.attrs.ask && { ask: i.attrs.ask }),
          ...(i.attrs.name && { name: i.attrs.name }),
        }));
        if (values.json) out(values, '', { items });
        else for (const i of items) process.stdout.write(`${i.jid} subscription=${i.subscription}${i.ask ? ` ask=${i.ask}` : ''}${i.name ? ` name="${i.name}"` : ''}\n`);
      }
    } finally {
      await s.close();
    }
    return 0;
  },
};
