/**
 * SASL negotiation in XMPP (RFC 6120 §6.3, §6.4): the <mechanisms/>
 * feature, the payloads' base64, and the two ends as machines over the
 * SASL elements: the receiving entity (a server) answering <auth/>,
 * <response/> and <abort/>, the initiating entity (a client) trying its
 * mechanisms in its own order. The stream layer moves the elements and
 * restarts the stream after <success/>.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, StreamCondition, element, isElement, textOf } from '../xml/index.ts';
import { checkJid } from '../jid/index.ts';
import { SaslCondition, receivedCondition } from './conditions.ts';

// @implements RFC6120 P83L34-P83L38
export const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';

// --- offers and preferences ----------------------------------------------------------

/**
 * The mechanisms a server offers, strongest first: SCRAM-*-PLUS when it can
 * bind to the channel, SCRAM, and PLAIN only once TLS protects the stream.
 */
// @implements RFC6120 P78L7-P78L11, P78L22-P78L26, P162L30-P162L32, P79L15-P79L16
export function offeredMechanisms(o: { tls: boolean; channelBinding: boolean; plain?: boolean; /** policy: only channel-bound SCRAM succeeds */ requireChannelBinding?: boolean }): string[] {
  const scram = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];
  // @implements RFC5802 P14L26-P14L28
  if (o.requireChannelBinding) {
    if (!o.channelBinding) throw new Error('RFC5802 §6: a server that requires channel binding needs a channel to bind to (TLS)');
    return scram.map((m) => `${m}-PLUS`);
  }
  return [...(o.channelBinding ? scram.map((m) => `${m}-PLUS`) : []), ...scram, ...(o.tls && (o.plain ?? true) ? ['PLAIN'] : [])];
}

// @exception RFC6120 P80L7-P80L10: no mechanism here negotiates a security layer (SCRAM offers channel binding instead, RFC 5802 §5.2; PLAIN has none)
// @exception RFC6120 P80L47-P80L48: server-to-server streams are not implemented; the receiver checks client-to-server authzids
// @exception RFC6120 P81L13-P81L17: neither SCRAM nor PLAIN communicates a realm, and no domainpart is derived from one
// @todo RFC6120 P78L1-P78L3, P82L24-P82L28, P82L39-P82L40, P87L9-P87L12, P87L23-P87L25
// (the stream layer to come, reference/xmpp/stream/, sends the headers and features and restarts the stream after <success/>)

/** The <mechanisms/> stream feature: one <mechanism/> per offered name, in preference order. */
// @implements RFC6120 P83L16-P83L20, P79L26-P79L33
// No whitespace between the elements: the machines build none and the serializer adds none.
export function mechanismsElement(names: readonly string[]): XmlElement {
  return element('mechanisms', { xmlns: SASL_NS }, names.map((n) => element('mechanism', {}, [n], SASL_NS)), SASL_NS);
}

/** The names a <mechanisms/> element offers, in its order. */
export function readMechanisms(mechanisms: XmlElement): string[] {
  return mechanisms.children.filter((c): c is XmlElement => isElement(c) && c.name === 'mechanism' && c.ns === SASL_NS).map((c) => textOf(c).trim());
}

/** The mechanisms to try: the client's own order, kept to those offered; nothing the client does not list. */
// @implements RFC6120 P78L11-P78L18
export function mechanismOrder(clientPreference: readonly string[], offered: readonly string[]): string[] {
  return clientPreference.filter((m) => offered.includes(m));
}

// --- the payloads ------------------------------------------------------------------

/** Data as the element's character data: base64, "=" for present but empty, nothing for absent. */
// @implements RFC6120 P79L38-P79L41, P83L40-P83L43, P86L25-P86L26
export function encodePayload(data: Uint8Array | undefined): string {
  if (data === undefined) return '';
  return data.length === 0 ? '=' : Buffer.from(data).toString('base64');
}

/** The element's character data decoded; anything but canonical base64 (RFC 4648 §4, zero padding bits) is incorrect-encoding. */
// @implements RFC6120 P79L38-P79L41, P89L21-P89L23
export function decodePayload(text: string): { ok: true; data: Uint8Array | undefined } | { ok: false; condition: SaslCondition; reason: string } {
  if (text === '') return { ok: true, data: undefined };
  if (text === '=') return { ok: true, data: new Uint8Array() };
  const data = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0 || data.toString('base64') !== text)
    return { ok: false, condition: SaslCondition.IncorrectEncoding, reason: `'${text.slice(0, 40)}' is not base64 as RFC 4648 §4 defines it (no whitespace, padding bits zero)` };
  return { ok: true, data: new Uint8Array(data) };
}

/** A SASL element carrying data (<auth/>, <challenge/>, <response/>, <success/>): the payload as its character data. */
function payloadElement(name: string, data: Uint8Array | undefined, attrs: Record<string, string> = {}): XmlElement {
  const text = encodePayload(data);
  return element(name, { xmlns: SASL_NS, ...attrs }, text ? [text] : []);
}

// --- the receiving entity ------------------------------------------------------------

/** What a server-side mechanism answers to each message. */
export type MechanismStep =
  | { challenge: Uint8Array }
  | { success: Uint8Array | undefined; authcid: string; authzid?: string }
  | { failure: SaslCondition; reason: string };

export interface ServerMechanism {
  /** The <auth/>'s initial response (undefined when it had none). */
  start(initial: Uint8Array | undefined): MechanismStep;
  respond(data: Uint8Array | undefined): MechanismStep;
}

export type ReceiverState = 'Waiting' | 'Exchanging' | 'Succeeded' | 'Closed';

export interface ReceiverResult {
  /** The element to send: <challenge/>, <success/> or <failure/>. */
  send?: XmlElement;
  /** The stream must close with this error (too many failures). */
  streamError?: StreamCondition;
  /** After <success/>: who authenticated, and as whom they act. */
  authenticated?: { authcid: string; authzid: string };
  /** Why, in words: the rule applied. */
  reason: string;
}

export interface ReceiverOptions {
  offered: readonly string[];
  /** A fresh mechanism for each handshake. */
  mechanism(name: string): ServerMechanism | undefined;
  /** How many failed handshakes are allowed; one more closes the stream. Default 3 (RFC 6120: at least 2, at most 5). */
  retries?: number;
  /** The domain users authenticate to: an authzid must be a bare JID of it or another the server accepts. */
  domain: string;
  /** Whether TLS protects the stream. */
  tls: boolean;
  /** The mechanisms that need TLS (default PLAIN). */
  requireTls?: readonly string[];
}

/** The receiving entity's side of one stream's SASL negotiation. */
// @implements RFC6120 P84L8-P84L35
export class SaslReceiver {
  state: ReceiverState = 'Waiting';
  private current?: ServerMechanism;
  private failures = 0;
  private readonly retries: number;

  constructor(private readonly options: ReceiverOptions) {
    // @implements RFC6120 P85L17-P85L19
    this.retries = options.retries ?? 3;
    if (this.retries < 2 || this.retries > 5) throw new RangeError(`RFC6120 §6.4.5: allow at least 2 and no more than 5 retries (got ${this.retries})`);
  }

  /** One first-level element from the initiating entity, qualified by the SASL namespace. */
  receive(e: XmlElement): ReceiverResult {
    if (this.state === 'Succeeded' || this.state === 'Closed')
      return { streamError: StreamCondition.NotAuthorized, reason: `SASL receiver in state ${this.state} cannot take <${e.name}/>: after <success/> the stream restarts (RFC 6120 §6.4.6); after too many failures it is closed` };
    // @implements RFC6120 P77L44-P77L46
    if (e.ns !== SASL_NS) return { streamError: StreamCondition.NotAuthorized, reason: `<${e.name}/> in ${e.ns || 'no namespace'} before SASL succeeded (RFC 6120 §6.3.1: SASL is mandatory-to-negotiate)` };
    if (e.name === 'auth') return this.auth(e);
    if (e.name === 'response') {
      if (this.state !== 'Exchanging') return this.fail(SaslCondition.MalformedRequest, `SASL receiver in state ${this.state} cannot take <response/>: no handshake is under way (RFC 6120 §6.4.3)`);
      const payload = decodePayload(textOf(e).trim());
      if (!payload.ok) return this.fail(payload.condition, payload.reason);
      return this.step(this.current!.respond(payload.data));
    }
    // @implements RFC6120 P84L45-P84L48
    if (e.name === 'abort') {
      this.current = undefined;
      this.state = 'Waiting';
      return { send: failure(SaslCondition.Aborted), reason: 'RFC 6120 §6.4.4: the initiating entity aborted the handshake' };
    }
    return this.fail(SaslCondition.MalformedRequest, `<${e.name}/> is not a SASL element the initiating entity sends (auth, response, abort)`);
  }

  private auth(e: XmlElement): ReceiverResult {
    // @implements RFC6120 P84L1-P84L4
    // A new <auth/> while a handshake is under way discards it.
    this.current = undefined;
    const name = e.attrs.mechanism;
    // @implements RFC6120 P89L7-P89L9
    if (name !== undefined && !this.options.tls && (this.options.requireTls ?? ['PLAIN']).includes(name))
      return this.fail(SaslCondition.EncryptionRequired, `mechanism '${name}' is used only over TLS (RFC 6120 §13.8)`);
    // @implements RFC6120 P90L3-P90L5
    const mechanism = name !== undefined && this.options.offered.includes(name) ? this.options.mechanism(name) : undefined;
    if (!mechanism) return this.fail(SaslCondition.InvalidMechanism, name === undefined ? '<auth/> names no mechanism' : `mechanism '${name}' is not one offered (${this.options.offered.join(', ')})`);
    const payload = decodePayload(textOf(e).trim());
    if (!payload.ok) return this.fail(payload.condition, payload.reason);
    this.current = mechanism;
    this.state = 'Exchanging';
    return this.step(mechanism.start(payload.data));
  }

  private step(s: MechanismStep): ReceiverResult {
    if ('challenge' in s) return { send: payloadElement('challenge', s.challenge), reason: 'RFC 6120 §6.4.3: a challenge' };
    if ('failure' in s) return this.fail(s.failure, s.reason);
    const authzid = this.authzid(s.authcid, s.authzid);
    if (!authzid.ok) return this.fail(SaslCondition.InvalidAuthzid, authzid.reason);
    this.state = 'Succeeded';
    this.current = undefined;
    // @implements RFC6120 P86L20-P86L26
    return { send: payloadElement('success', s.success), authenticated: { authcid: s.authcid, authzid: authzid.jid }, reason: 'RFC 6120 §6.4.6: success' };
  }

  /** The identity the stream acts as: the authcid's bare JID, or an authzid that is a bare JID (client-to-server). */
  // @implements RFC6120 P80L43-P80L45, P81L1-P81L5
  private authzid(authcid: string, authzid: string | undefined): { ok: true; jid: string } | { ok: false; reason: string } {
    const own = `${authcid}@${this.options.domain}`;
    if (authzid === undefined || authzid === authcid || authzid === own) return { ok: true, jid: own };
    const parsed = checkJid(authzid);
    if (!parsed.ok) return { ok: false, reason: `the authzid '${authzid}' is not a JID: ${parsed.error.message}` };
    if (parsed.jid.isFull || parsed.jid.localpart === undefined) return { ok: false, reason: `the authzid '${authzid}' is not a bare JID <localpart@domainpart> (RFC 6120 §6.3.8)` };
    if (!parsed.jid.equals(parseOwn(own))) return { ok: false, reason: `'${authcid}' may not act as '${authzid}' (RFC 6120 §6.3.8)` };
    return { ok: true, jid: parsed.jid.toString() };
  }

  // @implements RFC6120 P85L7-P85L11, P85L35-P85L38
  private fail(condition: SaslCondition, reason: string): ReceiverResult {
    this.current = undefined;
    this.failures++;
    if (this.failures > this.retries) {
      this.state = 'Closed';
      return { send: failure(condition), streamError: StreamCondition.PolicyViolation, reason: `${reason}; ${this.failures} failed handshakes, more than the ${this.retries} retries allowed (RFC 6120 §6.4.5)` };
    }
    this.state = 'Waiting';
    return { send: failure(condition), reason };
  }
}

function parseOwn(own: string) {
  const r = checkJid(own);
  if (!r.ok) throw r.error;
  return r.jid;
}

/** <failure><condition/></failure>. */
// @implements RFC6120 P87L36-P87L41
export function failure(condition: SaslCondition): XmlElement {
  return element('failure', { xmlns: SASL_NS }, [element(condition, {}, [], SASL_NS)]);
}

/** The condition a received <failure/> carries (§6.5: unknown is not-authorized). */
export function failureCondition(e: XmlElement): string | undefined {
  return e.children.find((c): c is XmlElement => isElement(c) && c.ns === SASL_NS && c.name !== 'text')?.name;
}

// --- the initiating entity ------------------------------------------------------------

/** What a client-side mechanism does with each message. */
export interface ClientMechanism {
  /** The initial response for <auth/>, or undefined for none. */
  initial(): Uint8Array | undefined;
  /** The response to a challenge. */
  challenge(data: Uint8Array | undefined): Uint8Array;
  /** The additional data with success: throws when it does not verify (the server is not who it claims). */
  success(data: Uint8Array | undefined): void;
}

export type InitiatorState = 'Ready' | 'Exchanging' | 'Succeeded' | 'Failed';

/** The initiating entity's side: its mechanisms tried in its order, each handshake driven to its outcome. */
// @implements RFC6120 P78L11-P78L14, P85L25-P85L29
export class SaslInitiator {
  state: InitiatorState = 'Ready';
  /** The mechanisms still to try, in the client's order. */
  private readonly queue: string[];
  private current?: ClientMechanism;
  /** The mechanism of the handshake under way, or of the last one. */
  mechanism?: string;
  lastCondition?: string;

  constructor(preference: readonly string[], offered: readonly string[], private readonly make: (name: string) => ClientMechanism) {
    this.queue = mechanismOrder(preference, offered);
  }

  /** The <auth/> for the next mechanism, or undefined when none is left (the client then closes the stream). */
  // @implements RFC6120 P83L34-P83L40
  next(): XmlElement | undefined {
    if (this.state === 'Exchanging' || this.state === 'Succeeded') throw new Error(`SASL initiator in state ${this.state} cannot start a handshake (RFC 6120 §6.4.2)`);
    const name = this.queue.shift();
    if (name === undefined) {
      this.state = 'Failed';
      return undefined;
    }
    this.mechanism = name;
    this.current = this.make(name);
    this.state = 'Exchanging';
    return payloadElement('auth', this.current.initial(), { mechanism: name });
  }

  /** A SASL element from the receiving entity: the <response/> to send, or the outcome. */
  receive(e: XmlElement): { send?: XmlElement; outcome?: 'success' | 'failure'; reason: string } {
    if (this.state !== 'Exchanging') throw new Error(`SASL initiator in state ${this.state} cannot take <${e.name}/>: no handshake is under way`);
    const payload = decodePayload(textOf(e).trim());
    // @implements RFC6120 P85L7-P85L11, P87L43-P87L48
    if (e.name === 'failure') {
      this.state = 'Ready';
      this.lastCondition = receivedCondition(failureCondition(e) ?? '');
      return { outcome: 'failure', reason: `the server failed ${this.mechanism}: <${this.lastCondition}/>` };
    }
    if (!payload.ok) {
      this.state = 'Failed';
      return { send: element('abort', { xmlns: SASL_NS }), outcome: 'failure', reason: payload.reason };
    }
    if (e.name === 'challenge') {
      // @implements RFC6120 P84L15-P84L20
      return { send: payloadElement('response', this.current!.challenge(payload.data)), reason: 'RFC 6120 §6.4.3: a response' };
    }
    if (e.name === 'success') {
      try {
        this.current!.success(payload.data);
      } catch (x) {
        this.state = 'Failed';
        return { outcome: 'failure', reason: `the server's success does not verify: ${(x as Error).message}` };
      }
      // @implements RFC6120 P86L36-P86L42
      // The stream layer now sends a new initial stream header, without closing this stream.
      this.state = 'Succeeded';
      return { outcome: 'success', reason: 'RFC 6120 §6.4.6: success; restart the stream' };
    }
    throw new Error(`SASL initiator: <${e.name}/> is not a SASL element the receiving entity sends (challenge, success, failure)`);
  }
}

