/**
 * The two ends of a client-to-server stream as declared state machines
 * (RFC 6120 §4.3.7's flow chart, with §5, §6 and §7 in it): a table of
 * state × event → next state for the initiating entity (the client) and one
 * for the receiving entity (the server). An event the table does not list
 * for the state is refused with a StreamStateError naming the rule it
 * breaks; the stream layer turns a refused received event into the stream
 * error the rule names.
 *
 * @implements RFC6120 (XMPP core)
 */
import { StreamCondition } from '../xml/index.ts';

/**
 * The initiating entity: it opens the stream, reads the response header and
 * features, negotiates STARTTLS, SASL and binding in that order (each of the
 * first two followed by a restart), then exchanges stanzas.
 */
// @implements RFC6120 P30L1-P30L44
export type InitiatingState =
  | 'Connected' // TCP (or TLS) is up; no header sent on it yet
  | 'HeaderSent' // our initial header is out, the response header not yet in
  | 'AwaitingFeatures' // the response header is in
  | 'Negotiating' // features read; choosing what to negotiate
  | 'StarttlsSent' // <starttls/> is out
  | 'TlsHandshake' // <proceed/> read: the next bytes are TLS
  | 'Authenticating' // <auth/> is out
  | 'Binding' // the bind <iq/> is out
  | 'Ready' // bound: stanzas both ways
  | 'Closing' // our </stream> is out; waiting for the other's
  | 'Closed';

export type InitiatingEvent =
  | 'send-header' | 'receive-header' | 'receive-features' | 'send-starttls' | 'receive-proceed' | 'receive-tls-failure' | 'tls-established'
  | 'send-auth' | 'sasl-success' | 'sasl-failure' | 'send-bind' | 'bound' | 'bind-failed' | 'send-stanza' | 'receive-stanza'
  | 'send-close' | 'receive-close' | 'stream-error';

/** The receiving entity: the same stream from the server's side. */
export type ReceivingState =
  | 'Connected' // waiting for the initial header
  | 'HeaderReceived' // the initial header is in; our response header and features go out
  | 'Negotiating' // features sent; the initiating entity chooses
  | 'TlsHandshake' // <proceed/> sent
  | 'Authenticating' // a SASL handshake under way
  | 'Authenticated' // SASL succeeded, before the restart
  | 'Binding' // restarted after SASL; waiting for the bind request
  | 'Ready'
  | 'Closing'
  | 'Closed';

export type ReceivingEvent =
  | 'receive-header' | 'send-features' | 'receive-starttls' | 'send-proceed' | 'send-tls-failure' | 'tls-established'
  | 'receive-auth' | 'sasl-success' | 'sasl-failure' | 'receive-bind' | 'bound' | 'receive-stanza' | 'send-stanza'
  | 'send-close' | 'receive-close' | 'stream-error';

type Table<S extends string, E extends string> = Record<S, Partial<Record<E, S>>>;

/** From every state but Closed: our error (we then close) or our closing tag. */
const ENDING = { 'stream-error': 'Closed', 'receive-close': 'Closed' } as const;

// @implements RFC6120 P27L16-P27L21, P27L21-P27L23, P76L26-P76L32
// After TLS and after SASL success the state is Connected again: the previous stream is replaced, and a new header must go out, with no closing tag before it.
export const INITIATING: Table<InitiatingState, InitiatingEvent> = {
  Connected: { 'send-header': 'HeaderSent', ...ENDING },
  HeaderSent: { 'receive-header': 'AwaitingFeatures', ...ENDING },
  // @implements RFC6120 P25L7-P25L13
  AwaitingFeatures: { 'receive-features': 'Negotiating', ...ENDING },
  // @implements RFC6120 P26L5-P26L8, P71L3-P71L9, P94L14-P94L16
  Negotiating: { 'send-starttls': 'StarttlsSent', 'send-auth': 'Authenticating', 'send-bind': 'Binding', 'send-close': 'Closing', ...ENDING },
  StarttlsSent: { 'receive-proceed': 'TlsHandshake', 'receive-tls-failure': 'Closed', ...ENDING },
  // @implements RFC6120 P74L33-P74L36, P75L3-P75L4
  // Nothing but the TLS handshake until it ends.
  TlsHandshake: { 'tls-established': 'Connected', 'stream-error': 'Closed' },
  // @implements RFC6120 P86L36-P86L42
  Authenticating: { 'sasl-success': 'Connected', 'sasl-failure': 'Negotiating', 'send-auth': 'Authenticating', ...ENDING },
  // @implements RFC6120 P93L36
  // After binding the stream is never restarted: Ready has no way back to Connected.
  Binding: { bound: 'Ready', 'bind-failed': 'Negotiating', ...ENDING },
  Ready: { 'send-stanza': 'Ready', 'receive-stanza': 'Ready', 'send-close': 'Closing', ...ENDING },
  // @implements RFC6120 P31L22-P31L24
  // Closing: nothing more is sent, but what arrives is still processed.
  Closing: { 'receive-stanza': 'Closing', 'receive-close': 'Closed', 'stream-error': 'Closed' },
  Closed: {},
};

export const RECEIVING: Table<ReceivingState, ReceivingEvent> = {
  Connected: { 'receive-header': 'HeaderReceived', ...ENDING },
  // @implements RFC6120 P25L7-P25L13, P27L31-P27L32
  HeaderReceived: { 'send-features': 'Negotiating', ...ENDING },
  Negotiating: { 'receive-starttls': 'Negotiating', 'send-proceed': 'TlsHandshake', 'send-tls-failure': 'Closed', 'receive-auth': 'Authenticating', 'receive-bind': 'Binding', 'send-close': 'Closing', ...ENDING },
  // @implements RFC6120 P74L31-P74L33
  TlsHandshake: { 'tls-established': 'Connected', 'stream-error': 'Closed' },
  Authenticating: { 'receive-auth': 'Authenticating', 'sasl-success': 'Authenticated', 'sasl-failure': 'Negotiating', ...ENDING },
  // @implements RFC6120 P86L36-P86L42
  Authenticated: { 'receive-header': 'HeaderReceived', ...ENDING },
  Binding: { bound: 'Ready', 'receive-bind': 'Binding', ...ENDING },
  Ready: { 'receive-stanza': 'Ready', 'send-stanza': 'Ready', 'send-close': 'Closing', ...ENDING },
  Closing: { 'receive-stanza': 'Closing', 'receive-close': 'Closed', 'stream-error': 'Closed' },
  Closed: {},
};

/** An event the machine's table does not allow in its state. */
export class StreamStateError extends Error {
  constructor(readonly role: string, readonly state: string, readonly event: string, readonly rule: string, readonly condition: StreamCondition) {
    super(`${role} stream in state ${state} cannot take '${event}': ${rule}`);
    this.name = 'StreamStateError';
  }
}

/** Why an event is refused, by event (sent or received alike): the rule, and the stream error a peer that did it gets. */
// @implements RFC6120 P28L11-P28L18, P93L13-P93L17, P77L44-P77L46
const RULES: [events: string[], rule: string, condition: StreamCondition][] = [
  [['send-stanza', 'receive-stanza'], 'no stanza before the stream is authenticated and a resource bound (RFC 6120 §4.3.5, §7.1)', StreamCondition.NotAuthorized],
  // @implements RFC6120 P71L3-P71L9
  [['send-starttls', 'receive-starttls'], 'STARTTLS only as the first negotiation, before SASL (RFC 6120 §5.3.4)', StreamCondition.PolicyViolation],
  [['send-auth', 'receive-auth'], 'SASL only once the features are read and TLS (if chosen) is done (RFC 6120 §5.3.4, §6.4.1)', StreamCondition.NotAuthorized],
  // @implements RFC6120 P93L45-P93L47
  [['send-bind', 'receive-bind'], 'binding only after SASL and the restart (RFC 6120 §7.4)', StreamCondition.NotAuthorized],
  // @implements RFC6120 P93L36, P27L21-P27L23
  [['send-header', 'receive-header'], 'a header only at the start of a stream, or of a restart after TLS or SASL; never after binding (RFC 6120 §4.3.3, §7.3.2)', StreamCondition.InvalidXml],
  [['send-features', 'receive-features'], 'features once per stream, right after the response header (RFC 6120 §4.3.2, §4.3.4)', StreamCondition.InvalidXml],
  [['tls-established'], 'TLS only after <proceed/> (RFC 6120 §5.4.2.3)', StreamCondition.PolicyViolation],
];
const WHY = new Map(RULES.flatMap(([events, rule, condition]) => events.map((e) => [e, [rule, condition] as const])));

const STANZA_EVENTS: ReadonlySet<string> = new Set(['send-stanza', 'receive-stanza']);

/** One stream's machine: its state, and each event checked against the table. */
export class StreamMachine<S extends string, E extends string> {
  /**
   * The negotiation's events, in order, with the state each led to. Stanzas
   * sent or received are not kept: a long session would otherwise grow this
   * list by one entry per stanza, without bound.
   */
  readonly history: { event: E; state: S }[] = [];

  constructor(readonly role: 'initiating' | 'receiving', private readonly table: Table<S, E>, public state: S) {}

  /** Whether `event` is allowed now. */
  allows(event: E): boolean {
    return this.table[this.state][event] !== undefined;
  }

  /** Takes `event`: the new state, or a StreamStateError naming the rule. */
  // @implements RFC6120 P30L1-P30L44
  // The flow chart of §4.3.7, as the tables above hold it: nothing off its arrows.
  fire(event: E): S {
    const next = this.table[this.state][event];
    if (next === undefined) {
      const [rule, condition] = WHY.get(event) ?? [`the ${this.role} entity's table (RFC 6120 §4.3.7) has no '${event}' in ${this.state}`, StreamCondition.InvalidXml];
      throw new StreamStateError(this.role, this.state, event, rule, condition);
    }
    this.state = next;
    if (!STANZA_EVENTS.has(event)) this.history.push({ event, state: next });
    return next;
  }
}

export const initiatingMachine = () => new StreamMachine<InitiatingState, InitiatingEvent>('initiating', INITIATING, 'Connected');
export const receivingMachine = () => new StreamMachine<ReceivingState, ReceivingEvent>('receiving', RECEIVING, 'Connected');
