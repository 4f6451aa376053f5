/**
 * The stream layer's pure parts: the two machines' tables (what each state
 * refuses, and the error the refusal names) and the stream header rules of
 * §4.7 (versions, attributes) as each side checks them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { element, StreamCondition } from '../../../../reference/xmpp/xml/index.ts';
import {
  INITIATING, RECEIVING, StreamStateError, checkHeader, compareVersions, formatVersion, initialHeader, initiatingMachine, parseVersion, receivingMachine, responseHeader, STREAM_NS,
} from '../../../../reference/xmpp/stream/index.ts';
import { clientMechanism } from '../../../../reference/xmpp/sasl/index.ts';

const refusal = (f: () => unknown): StreamStateError => {
  try {
    f();
  } catch (e) {
    assert.instance(e, StreamStateError);
    return e as StreamStateError;
  }
  throw new Error('expected a StreamStateError');
};

// @tests RFC6120 P28L11-P28L15, P93L13-P93L17
test('no stanza either way before binding: refused in every state before Ready, naming §4.3.5 and not-authorized', () => {
  for (const state of Object.keys(INITIATING) as (keyof typeof INITIATING)[]) {
    if (state === 'Ready' || state === 'Closing') continue;
    const m = initiatingMachine();
    m.state = state;
    const e = refusal(() => m.fire('send-stanza'));
    assert.match(e.message, new RegExp(`initiating stream in state ${state} cannot take 'send-stanza': .*§4\\.3\\.5`));
    assert.is(e.condition, StreamCondition.NotAuthorized);
  }
  for (const state of ['Connected', 'HeaderReceived', 'Negotiating', 'Authenticating', 'Authenticated', 'Binding'] as const) {
    const m = receivingMachine();
    m.state = state;
    assert.is(refusal(() => m.fire('receive-stanza')).condition, StreamCondition.NotAuthorized, state);
  }
});

// @tests RFC6120 P93L36, P27L16-P27L21
test('restarts: after TLS and SASL the machine is back at Connected (a new header must go out); after binding never', () => {
  const m = initiatingMachine();
  for (const e of ['send-header', 'receive-header', 'receive-features', 'send-starttls', 'receive-proceed', 'tls-established'] as const) m.fire(e);
  assert.is(m.state, 'Connected');
  for (const e of ['send-header', 'receive-header', 'receive-features', 'send-auth', 'sasl-failure', 'send-auth', 'sasl-success'] as const) m.fire(e);
  assert.is(m.state, 'Connected');
  for (const e of ['send-header', 'receive-header', 'receive-features', 'send-bind', 'bound'] as const) m.fire(e);
  assert.is(m.state, 'Ready');
  assert.match(refusal(() => m.fire('send-header')).message, /never after binding/);
  assert.match(refusal(() => m.fire('receive-header')).message, /§7\.3\.2/);
  assert.not.ok(Object.values(INITIATING.Ready).includes('Connected'));
  assert.not.ok(Object.values(RECEIVING.Ready).includes('Connected'));
});

test('a bound stream keeps no record of its stanzas: history stays the negotiation however many go each way (memory bounded)', () => {
  const m = initiatingMachine();
  for (const e of ['send-header', 'receive-header', 'receive-features', 'send-auth', 'sasl-success', 'send-header', 'receive-header', 'receive-features', 'send-bind', 'bound'] as const) m.fire(e);
  const negotiated = m.history.length;
  for (let i = 0; i < 10_000; i++) {
    m.fire('send-stanza');
    m.fire('receive-stanza');
  }
  assert.is(m.state, 'Ready');
  assert.is(m.history.length, negotiated);
  m.fire('send-close');
  assert.is(m.history.at(-1)?.event, 'send-close');
});

// @tests RFC6120 P74L33-P74L36, P75L3-P75L4
test('between <proceed/> and the end of the TLS handshake nothing else is taken', () => {
  const m = initiatingMachine();
  for (const e of ['send-header', 'receive-header', 'receive-features', 'send-starttls', 'receive-proceed'] as const) m.fire(e);
  for (const e of ['send-auth', 'send-stanza', 'send-header', 'receive-features', 'send-close'] as const) refusal(() => m.fire(e));
  assert.equal(Object.keys(INITIATING.TlsHandshake).sort(), ['stream-error', 'tls-established']);
  assert.equal(Object.keys(RECEIVING.TlsHandshake).sort(), ['stream-error', 'tls-established']);
});

// @tests RFC6120 P71L3-P71L9
test('STARTTLS only before SASL: not from Authenticating or after', () => {
  const m = initiatingMachine();
  for (const e of ['send-header', 'receive-header', 'receive-features', 'send-auth'] as const) m.fire(e);
  assert.match(refusal(() => m.fire('send-starttls')).message, /§5\.3\.4/);
});

// @tests RFC6120 P31L22-P31L24
test('closing: once our closing tag is out nothing more is sent, but stanzas still come in until theirs', () => {
  const m = initiatingMachine();
  m.state = 'Ready';
  m.fire('send-close');
  refusal(() => m.fire('send-stanza'));
  m.fire('receive-stanza');
  m.fire('receive-close');
  assert.is(m.state, 'Closed');
  assert.equal(INITIATING.Closed, {});
});

// @tests RFC6120 P41L29-P41L31, P41L33-P41L34, P42L17-P42L20
test('versions: two integers, leading zeros ignored and never sent, compared numerically', () => {
  assert.equal(parseVersion('1.0'), { major: 1, minor: 0 });
  assert.equal(parseVersion('01.010'), { major: 1, minor: 10 });
  assert.is(formatVersion(parseVersion('01.010')!), '1.10');
  assert.ok(compareVersions(parseVersion('1.10')!, parseVersion('1.9')!) > 0, '1.10 is above 1.9 (a string match says otherwise)');
  for (const bad of ['1', '1.0.0', 'one.zero', '1.-1', '']) assert.is(parseVersion(bad), undefined, bad);
});

const header = (attrs: Record<string, string>) => element('stream:stream', { xmlns: 'jabber:client', 'xmlns:stream': STREAM_NS, ...attrs }, [], STREAM_NS);

// @tests RFC6120 P42L14-P42L17, P41L46-P42L3, P37L46-P38L2, P38L2-P38L5
test("the response header: the lower version; 'to' only when the initial header had a 'from'", () => {
  const r = checkHeader(header({ to: 'localhost', version: '1.5', from: 'juliet@localhost' }), 'receiving', { domains: ['localhost'] });
  assert.ok(r.ok);
  const resp = responseHeader(r.ok ? r.header : undefined, { domain: 'localhost', id: 'x' });
  assert.is(resp.attrs.version, '1.0');
  assert.is(resp.attrs.to, 'juliet@localhost');
  const bare = checkHeader(header({ to: 'localhost', version: '1.0' }), 'receiving', { domains: ['localhost'] });
  assert.is(responseHeader(bare.ok ? bare.header : undefined, { domain: 'localhost', id: 'x' }).attrs.to, undefined);
});

// @tests RFC6120 P37L30-P37L33, P39L8-P39L10, P42L8-P42L12, P39L12-P39L13, P42L29-P42L32
test("the initial header: 'to', our version, no 'id'; a response without 'id' or above our version is refused; none at all is 0.9, unsupported", () => {
  const h = initialHeader({ to: 'localhost' });
  assert.is(h.attrs.to, 'localhost');
  assert.is(h.attrs.version, '1.0');
  assert.is(h.attrs.id, undefined);
  const noId = checkHeader(header({ from: 'localhost', version: '1.0' }), 'initiating');
  assert.is(!noId.ok && noId.error.condition, StreamCondition.InvalidXml);
  const higher = checkHeader(header({ from: 'localhost', id: 'a', version: '1.1' }), 'initiating');
  assert.is(!higher.ok && higher.error.condition, StreamCondition.UnsupportedVersion);
  const none = checkHeader(header({ to: 'localhost' }), 'receiving');
  assert.is(!none.ok && none.error.condition, StreamCondition.UnsupportedVersion);
  assert.match(!none.ok ? none.error.message : '', /version 0\.9/);
  const ignoredId = checkHeader(header({ to: 'localhost', version: '1.0', id: 'chosen-by-client' }), 'receiving');
  assert.is(ignoredId.ok && ignoredId.header.id, undefined);
});

// @tests RFC5802 P14L30-P14L33, P14L35-P14L37, P14L39-P14L41
test("the gs2 flag our negotiation's client mechanisms send, with a binding: 'y' where no -PLUS is offered, 'n' where one is but we were told another, 'p' for -PLUS", () => {
  const binding = { type: 'tls-exporter', data: new Uint8Array(32) };
  const first = (name: string, offered: string[]) => new TextDecoder().decode(clientMechanism(name, { username: 'juliet', password: 'x', channelBinding: binding, offered }).initial()).slice(0, 2);
  assert.is(first('SCRAM-SHA-1', ['SCRAM-SHA-1', 'PLAIN']), 'y,');
  assert.is(first('SCRAM-SHA-1', ['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1']), 'n,');
  assert.is(first('SCRAM-SHA-1-PLUS', ['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1']), 'p=');
});

test.run();
