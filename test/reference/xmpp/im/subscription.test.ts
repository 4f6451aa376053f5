/**
 * The subscription machine against RFC 6121 Appendix A as printed: the
 * tables are read from the RFC text at test time (RFC_MIRROR), and every
 * cell (state × type: the key word, the new state, each footnote) is
 * compared with OUTBOUND and INBOUND. Then the two views driven through the
 * RFC's own handshake, pre-approval, and the pushes a client checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import {
  ClientSubscription, INBOUND, OUTBOUND, SUBSCRIPTION_STATES, ServerSubscription, SubscriptionError,
  pendingIn, rosterView, stateOf, type SubscriptionState, type SubscriptionType,
} from '../../../../reference/xmpp/im/index.ts';

interface PrintedRow { state: string; word: string; marks: string[]; next: string; ref: string }
interface PrintedTable { number: number; direction: 'outbound' | 'inbound'; type: string; rows: PrintedRow[]; notes: Map<string, string> }

const WORDS: Record<string, string> = { MUST: 'MUST', 'M.N.': 'MUST NOT', 'S.N.': 'SHOULD NOT' };

/** Tables 2-9 of Appendix A, from the paginated text: rows and their footnotes. */
async function printedTables(): Promise<PrintedTable[]> {
  const doc = await realDoc('RFC6121');
  const L = doc.lines;
  const tables: PrintedTable[] = [];
  for (let i = 0; i < L.length; i++) {
    const h = /^ {3}Table (\d+): Processing of (outbound|inbound) "(\w+)" stanzas$/.exec(L[i]!.text);
    if (!h) continue;
    const t: PrintedTable = { number: Number(h[1]), direction: h[2] as 'outbound' | 'inbound', type: h[3]!, rows: [], notes: new Map() };
    let j = i + 1;
    let rules = 0;
    for (; j < L.length && rules < 3; j++) {
      const text = L[j]!.text;
      if (/^ *\+-+\+$/.test(text)) rules++;
      const r = /^ *\| +"([^"]+)" +\| +(MUST|M\.N\.|S\.N\.)((?: \[\d\])*) +\| +(.+?) *\|$/.exec(text);
      if (r) t.rows.push({ state: r[1]!, word: r[2]!, marks: [...r[3]!.matchAll(/\[(\d)\]/g)].map((m) => m[1]!), next: r[4]!, ref: `P${L[j]!.page}L${L[j]!.line}` });
    }
    // The notes: "[n] text" up to the next table or heading.
    let note: string | undefined;
    for (; j < L.length && !/^(A\.\d|Appendix)|Table \d+:/.test(L[j]!.text.trimStart()); j++) {
      const text = L[j]!.text.trim();
      const n = /^\[(\d)\] (.*)$/.exec(text);
      if (n) t.notes.set((note = n[1]!), n[2]!);
      else if (note && text) t.notes.set(note, `${t.notes.get(note)} ${text}`);
      else if (!text) note = undefined;
    }
    tables.push(t);
  }
  return tables;
}

const STATES = new Set<string>(SUBSCRIPTION_STATES);
const missing = (what: string): never => {
  throw new Error(what);
};

// @tests RFC6121 P105L8-P105L16, P105L29-P105L37, P106L8-P106L16, P106L29-P106L37, P107L18-P107L26, P108L6-P108L14, P109L6-P109L14, P109L34-P109L42
test('Appendix A as printed: each of the 8 tables × 9 states matches the machine, key word, new state and notes', async () => {
  const tables = await printedTables();
  assert.equal(tables.map((t) => `${t.number} ${t.direction} ${t.type}`), [
    '2 outbound subscribe', '3 outbound unsubscribe', '4 outbound subscribed', '5 outbound unsubscribed',
    '6 inbound subscribe', '7 inbound unsubscribe', '8 inbound subscribed', '9 inbound unsubscribed',
  ]);
  let cells = 0;
  for (const t of tables) {
    assert.equal(t.rows.map((r) => r.state), [...SUBSCRIPTION_STATES], `table ${t.number}'s rows`);
    const type = t.type as SubscriptionType;
    for (const row of t.rows) {
      const state = row.state as SubscriptionState;
      const where = `table ${t.number} (${t.direction} ${type}), "${state}" at ${row.ref}`;
      const marked = row.next.match(/^(.*?)(?: \[(\d)\])?$/)!;
      const printedNext = marked[1]!;
      const marks = [...row.marks, ...(marked[2] ? [marked[2]] : [])];
      const rule = t.direction === 'outbound' ? OUTBOUND[type][state] : INBOUND[type][state];
      const word = 'route' in rule ? rule.route : rule.deliver;
      assert.is(word, WORDS[row.word], `${where}: key word`);
      const next = printedNext === 'no state change' || printedNext === 'pre-approval' ? state : printedNext.replace(/^"|"$/g, '');
      assert.ok(STATES.has(next), `${where}: "${next}" is a state`);
      assert.is(rule.next, next, `${where}: new state`);
      assert.is('preApproval' in rule && rule.preApproval === true, printedNext === 'pre-approval', `${where}: pre-approval`);
      // Each note the row carries, by what the note says; and no flag without its note.
      const says = marks.map((m) => t.notes.get(m) ?? missing(`${where}: note [${m}] not found`));
      const saysAsk = says.some((s) => /"pending out" includes setting the 'ask'/.test(s));
      if (saysAsk) assert.is(rosterView(rule.next).ask, 'subscribe', `${where}: note says ask='subscribe'`);
      const cancels = says.some((s) => /cancellation of a subscription pre-\s?approval/.test(s));
      assert.is('cancelsPreApproval' in rule && rule.cancelsPreApproval === true, cancels, `${where}: cancels a pre-approval`);
      const auto = says.map((s) => /^Server SHOULD auto-reply with "(\w+)"/.exec(s)?.[1]).find(Boolean);
      assert.is('autoReply' in rule ? rule.autoReply : undefined, auto, `${where}: auto-reply`);
      const preApproved = says.some((s) => /MAY auto-reply with "subscribed" and change the state to "From"/.test(s));
      assert.is('preApprovalApplies' in rule && rule.preApprovalApplies === true, preApproved, `${where}: the pre-approval note`);
      // Every note is understood: a note the test cannot read fails here rather than pass unread.
      for (const s of says) assert.ok(/'ask'|pre-\s?approval|auto-reply/.test(s), `${where}: a note the test does not know: ${s}`);
      cells++;
    }
  }
  assert.is(cells, 8 * 9);
});

// @tests RFC6121 P103L36-P104L32
test("A.1 as printed: each state's roster subscription and ask, and back (stateOf)", async () => {
  const doc = await realDoc('RFC6121');
  const text = doc.lines.map((l) => l.text).join('\n');
  // The headings, not the table of contents' entries.
  const list = text.slice(text.indexOf('\nA.1.  Defined States\n'), text.indexOf('\nA.2.  Server Processing of Outbound Presence Subscription Stanzas\n'));
  const items = [...list.matchAll(/^ {3}(\d)\. {2}"([^"]+)" = ([\s\S]*?)(?=^ {3}\d\. |$(?![\s\S]))/gm)];
  assert.equal(items.map((m) => m[2]), [...SUBSCRIPTION_STATES]);
  for (const m of items) {
    const state = m[2] as SubscriptionState;
    const body = m[3]!.replace(/\s+/g, ' ');
    const sub = /subscription='(\w+)'/.exec(body)?.[1];
    const ask = /ask='(\w+)'/.exec(body)?.[1];
    const view = rosterView(state);
    // "None + Pending In" is the one state A.1 gives no roster values for: it may have no item at all.
    assert.is(view.subscription, sub ?? (state === 'None + Pending In' ? 'none' : missing(`${state}: no subscription= in A.1`)), state);
    assert.is(view.ask, ask, `${state} ask`);
    assert.is(stateOf(view, pendingIn(state)), state);
  }
  assert.throws(() => stateOf({ subscription: 'both', ask: 'subscribe' }, false), (e: Error) => e instanceof SubscriptionError && /none of the nine states of RFC 6121 Appendix A\.1/.test(e.message));
  assert.throws(() => stateOf({ subscription: 'from' }, true), (e: Error) => e instanceof SubscriptionError);
});

// @tests RFC6121 P65L11-P65L14
test('a presence type that is not a subscription type is refused by both views, loudly', () => {
  for (const bad of ['probe', 'unavailable', 'error', '', 'Subscribe']) {
    assert.throws(() => new ServerSubscription().outbound(bad), (e: Error) => e instanceof SubscriptionError && e.message.includes(`'${bad}'`));
    assert.throws(() => new ServerSubscription().inbound(bad), (e: Error) => e instanceof SubscriptionError);
    assert.throws(() => new ClientSubscription().sent(bad), (e: Error) => e instanceof SubscriptionError);
  }
});

/**
 * Two users on servers that route to each other: each has a server view of
 * the other and a client view; each stanza goes through the sender's
 * outbound rule, then the receiver's inbound rule, and is delivered only if
 * that says MUST. The client views check every push.
 */
function pair() {
  const side = () => ({ server: new ServerSubscription(), client: new ClientSubscription(), delivered: [] as string[], pushes: [] as boolean[] });
  const a = side();
  const b = side();
  const push = (s: ReturnType<typeof side>) => s.pushes.push(s.client.pushed(s.server.roster).agrees);
  // The contact's server takes it by A.3; its auto-reply is sent by the server itself, past the A.2 rules (state already moved).
  const arrive = (to: ReturnType<typeof side>, from: ReturnType<typeof side>, type: SubscriptionType): void => {
    const inb = to.server.inbound(type);
    if (inb.forward) {
      to.delivered.push(type);
      to.client.received(type);
    }
    if (inb.from !== inb.to && !(inb.forward && type === 'subscribe')) push(to);
    if (inb.autoReply) arrive(from, to, inb.autoReply);
  };
  const send = (from: ReturnType<typeof side>, to: ReturnType<typeof side>, type: SubscriptionType): void => {
    from.client.sent(type);
    const out = from.server.outbound(type);
    if (out.from !== out.to) push(from);
    if (out.forward) arrive(to, from, type);
  };
  return { a, b, send };
}

// @tests RFC6121 P31L14-P31L16, P36L26-P36L30, P38L1-P38L5
test('the handshake both ways: None → Both on each side, every push as the client predicted', () => {
  const { a, b, send } = pair();
  send(a, b, 'subscribe');
  assert.is(a.server.state, 'None + Pending Out');
  assert.is(b.server.state, 'None + Pending In');
  assert.equal(b.delivered, ['subscribe']);
  assert.is(b.client.state, 'None + Pending In');
  send(b, a, 'subscribed');
  assert.is(b.server.state, 'From');
  assert.is(a.server.state, 'To');
  send(b, a, 'subscribe');
  send(a, b, 'subscribed');
  assert.is(a.server.state, 'Both');
  assert.is(b.server.state, 'Both');
  assert.is(a.client.state, 'Both');
  assert.is(b.client.state, 'Both');
  assert.ok(a.pushes.length >= 3 && a.pushes.every(Boolean), `a's pushes ${a.pushes}`);
  assert.ok(b.pushes.every(Boolean), `b's pushes ${b.pushes}`);
  // A repeated request from a subscribed contact is not delivered; its server answers "subscribed" itself.
  const before = b.delivered.length;
  send(a, b, 'subscribe');
  assert.is(b.delivered.length, before);
  assert.is(a.server.state, 'Both');
  // Unsubscribing: a keeps b's subscription to it, loses its own; b's server auto-replies "unsubscribed".
  send(a, b, 'unsubscribe');
  assert.is(a.server.state, 'From');
  assert.is(b.server.state, 'To');
  assert.is(b.delivered.at(-1), 'unsubscribe');
  assert.is(a.client.state, 'From');
});

// @tests RFC6121 P47L20-P47L25, P47L46-P48L3, P48L18-P48L20
test('pre-approval: "subscribed" before a request is not routed, and the request is then approved without the user', () => {
  const { a, b, send } = pair();
  send(b, a, 'subscribed');
  assert.ok(b.server.preApproved);
  assert.is(a.server.state, 'None', 'the contact saw nothing: MUST NOT route');
  send(a, b, 'subscribe');
  assert.equal(b.delivered, [], 'the pre-approved request is not delivered to b');
  assert.is(b.server.state, 'From');
  assert.is(a.server.state, 'To');
  assert.not.ok(b.server.preApproved, 'used up');
  // Cancelled by "unsubscribed" before any request.
  const c = new ServerSubscription();
  c.outbound('subscribed');
  c.outbound('unsubscribed');
  assert.not.ok(c.preApproved);
  assert.is(c.inbound('subscribe').to, 'None + Pending In');
  // From "To": approving in advance makes a later request end in "Both".
  const d = new ServerSubscription('To');
  d.outbound('subscribed');
  const o = d.inbound('subscribe');
  assert.equal([o.to, o.forward, o.autoReply], ['Both', false, 'subscribed']);
});

// @tests RFC6121 P12L5-P12L7, P10L46-P10L48
test("the client's view: a push that disagrees is reported, an unknown subscription value ignored, remove back to None", () => {
  const c = new ClientSubscription();
  c.sent('subscribe');
  assert.equal(c.pushed({ subscription: 'none', ask: 'subscribe' }), { expected: { subscription: 'none', ask: 'subscribe' }, got: { subscription: 'none', ask: 'subscribe' }, agrees: true });
  // A server that leaves out ask (a SHOULD) disagrees with the prediction; the push is the server's word.
  const d = new ClientSubscription();
  d.sent('subscribe');
  assert.is(d.pushed({ subscription: 'none' }).agrees, false);
  assert.is(d.state, 'None');
  const e = new ClientSubscription('To');
  const r = e.pushed({ subscription: 'sideways' });
  assert.is(r.agrees, false);
  assert.is(e.state, 'To', 'ignored');
  e.received('subscribe');
  assert.is(e.state, 'To + Pending In');
  assert.is(e.pushed({ subscription: 'to' }).agrees, true);
  assert.is(e.state, 'To + Pending In', 'a request pending in is not in the roster, and is kept');
  e.pushed({ subscription: 'remove' });
  assert.is(e.state, 'None');
  assert.equal(e.history.map((h) => h.event), ['received subscribe', 'pushed to', 'pushed remove']);
});

test.run();
