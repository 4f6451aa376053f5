/**
 * The initiating entity's negotiation over one connection (RFC 6120 §4.3):
 * initial header, response header and features; STARTTLS and a restart;
 * SASL with the strongest mechanism both sides have, and a restart;
 * resource binding. Each step is an event of the initiating machine, so a
 * step out of order is refused before anything goes on the wire.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, StreamCondition, STREAMS_NS, childOf, isElement, receivedStreamCondition } from '../xml/index.ts';
import { type Jid } from '../jid/index.ts';
import { SASL_NS, SaslInitiator, SaslCondition, clientMechanism, readMechanisms, tlsExporter, type ChannelBinding } from '../sasl/index.ts';
import { type Arrival, StreamConnection } from './connection.ts';
import { STREAM_NS, type Header, checkHeader, initialHeader } from './header.ts';
import { type InitiatingEvent, type InitiatingState, StreamMachine, initiatingMachine } from './machine.ts';
import { clientTls, starttls, starttlsOffer, TLS_NS, type ClientTlsOptions } from './starttls.ts';
import { BIND_NS, bindRequest, readBindResult } from './bind.ts';

/** Strongest first: channel binding, then the stronger hash; PLAIN last (and over TLS only). */
export const MECHANISM_PREFERENCE = ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;

export interface InitiatingOptions {
  /** Who we log in as: the bare JID; its domainpart is the stream's 'to' and the certificate's reference identity. */
  jid: Jid;
  password: string;
  /** One mechanism only, instead of the strongest offered. */
  mechanism?: string;
  /** The resource to ask for; the server generates one when absent. */
  resource?: string;
  tls?: Omit<ClientTlsOptions, 'domain'>;
  /** Go on without TLS when the server offers none (default false: credentials never go in the clear). */
  allowPlaintext?: boolean;
  /** How long to wait for each answer, ms (default 30000). */
  timeoutMs?: number;
}

/** The negotiation failed: why, naming the rule; the connection is closed. */
export class NegotiationError extends Error {
  constructor(message: string, readonly condition?: string) {
    super(message);
    this.name = 'NegotiationError';
  }
}

export interface Negotiated {
  connection: StreamConnection;
  machine: StreamMachine<InitiatingState, InitiatingEvent>;
  /** The full JID the server bound: ours from now on. */
  jid: Jid;
  mechanism: string;
  /** The mechanisms the server offered. */
  offered: string[];
  /** The last response header and features. */
  header: Header;
  features: XmlElement;
  tls: boolean;
}

/** The condition of the stream error a peer sent, if the element is one (an unknown one is undefined-condition). */
// @implements RFC6120 P51L15-P51L20
export function streamErrorOf(e: XmlElement): string | undefined {
  if (e.name !== 'error' || e.ns !== STREAM_NS) return undefined;
  const c = e.children.find((x): x is XmlElement => isElement(x) && x.ns === STREAMS_NS && x.name !== 'text');
  return receivedStreamCondition(c?.name ?? '');
}

/** Negotiates the stream on a connected socket, to the point where stanzas can flow. */
export async function negotiate(connection: StreamConnection, o: InitiatingOptions): Promise<Negotiated> {
  const machine = initiatingMachine();
  // @implements RFC6120 P37L30-P37L33
  // The stream goes 'to' the JID's domain, which is also the identity the certificate must show.
  const domain = o.jid.domainpart;
  const timeout = o.timeoutMs ?? 30_000;
  let tls = false;
  let mechanism = '';
  let offered: string[] = [];

  const fire = (e: InitiatingEvent) => machine.fire(e);
  const refuse = async (condition: StreamCondition, reason: string): Promise<never> => {
    fire('stream-error');
    await connection.fail(condition, reason);
    throw new NegotiationError(`${reason}; we closed the stream with <${condition}/>`, condition);
  };
  /** The next first-level element; anything else (their error, their close, the end) ends the negotiation. */
  // @implements RFC6120 P48L38-P48L42
  const nextElement = async (waitingFor: string): Promise<XmlElement> => {
    const a: Arrival = await connection.next(timeout);
    if (a.type === 'element') {
      const condition = streamErrorOf(a.element);
      if (condition === undefined) return a.element;
      fire('stream-error');
      await connection.close();
      throw new NegotiationError(`the server closed the stream with <${condition}/> while we waited for ${waitingFor}`, condition);
    }
    if (a.type === 'error') return refuse(a.error.condition, a.error.message);
    if (a.type === 'header') return refuse(StreamCondition.InvalidXml, `a second stream header while we waited for ${waitingFor}`);
    if (a.type === 'timeout') return refuse(StreamCondition.ConnectionTimeout, `nothing from the server in ${a.ms} ms while we waited for ${waitingFor}`);
    fire(a.type === 'close' ? 'receive-close' : 'stream-error');
    if (a.type === 'close') await connection.close();
    throw new NegotiationError(`${a.type === 'close' ? 'the server closed the stream' : a.reason} while we waited for ${waitingFor}`);
  };

  for (;;) {
    // @implements RFC6120 P37L30-P37L33, P36L33-P36L36
    // 'from' (our bare JID) only once TLS protects the stream.
    fire('send-header');
    connection.sendHeader(initialHeader({ to: domain, ...(tls && { from: o.jid.bare.toString() }) }));
    const h = await connection.next(timeout);
    if (h.type !== 'header') {
      if (h.type === 'error') return refuse(h.error.condition, h.error.message);
      if (h.type === 'timeout') return refuse(StreamCondition.ConnectionTimeout, `no stream header from the server in ${h.ms} ms`);
      throw new NegotiationError(`expected the server's stream header, got ${h.type === 'end' ? h.reason : h.type}`);
    }
    const checked = checkHeader(h.element, 'initiating');
    if (!checked.ok) return refuse(checked.error.condition, checked.error.reason);
    fire('receive-header');
    const features = await nextElement('the stream features');
    // @implements RFC6120 P25L7-P25L13
    if (features.name !== 'features' || features.ns !== STREAM_NS) return refuse(StreamCondition.InvalidXml, `expected <stream:features/> after the response header, got <${features.name}/> (RFC 6120 §4.3.2)`);
    fire('receive-features');

    // --- STARTTLS (§5): first, before SASL ---
    const offer = starttlsOffer(features);
    if (!tls && offer === 'absent' && !o.allowPlaintext)
      return refuse(StreamCondition.PolicyViolation, `${domain} offers no STARTTLS, and we do not send credentials in the clear (RFC 6120 §5.3.4, §13.8)`);
    if (!tls && offer !== 'absent') {
      // @implements RFC6120 P71L3-P71L9
      fire('send-starttls');
      connection.send(starttls());
      const answer = await nextElement('<proceed/>');
      // @implements RFC6120 P73L44-P73L47
      if (answer.ns === TLS_NS && answer.name === 'failure') {
        fire('receive-tls-failure');
        await connection.close();
        throw new NegotiationError(`${domain} answered <starttls/> with <failure/> (RFC 6120 §5.4.2.2)`);
      }
      if (answer.ns !== TLS_NS || answer.name !== 'proceed') return refuse(StreamCondition.InvalidXml, `expected <proceed/> or <failure/> in ${TLS_NS}, got <${answer.name}/> in '${answer.ns}' (RFC 6120 §5.4.2.1)`);
      fire('receive-proceed');
      // @implements RFC6120 P74L33-P74L36, P75L3-P75L4
      let secure;
      try {
        secure = await clientTls(connection.detachForTls(), { domain, ...o.tls });
      } catch (e) {
        fire('stream-error');
        throw new NegotiationError((e as Error).message);
      }
      fire('tls-established');
      tls = true;
      // @implements RFC6120 P70L31, P76L12-P76L13, P76L15-P76L19, P76L26-P76L32
      // What the server said before TLS is forgotten: a new stream on the encrypted connection.
      connection.restart(secure);
      continue;
    }

    // --- SASL (§6) ---
    // @implements RFC6120 P37L18-P37L20, P38L32-P38L34
    // The server's identity was verified by its certificate (clientTls) before SASL, and SASL's verifies ours: stanzas come after both.
    const mechanisms = childOf(features, 'mechanisms', SASL_NS);
    if (mechanism === '') {
      if (!mechanisms) return refuse(StreamCondition.PolicyViolation, `${domain} offers no SASL mechanisms (RFC 6120 §6.3.1: SASL is mandatory-to-negotiate)`);
      offered = readMechanisms(mechanisms);
      mechanism = await authenticate(offered);
      // @implements RFC6120 P86L36-P86L42, P87L9-P87L12
      connection.restart();
      continue;
    }

    // --- resource binding (§7) ---
    // @implements RFC6120 P93L31-P93L32, P94L14-P94L16, P92L32-P92L34
    if (!childOf(features, 'bind', BIND_NS)) return refuse(StreamCondition.PolicyViolation, `after SASL, ${domain} offers no resource binding (RFC 6120 §7.4: it MUST)`);
    fire('send-bind');
    const id = `bind-${Date.now().toString(36)}`;
    connection.send(bindRequest(id, o.resource));
    const result = readBindResult(await nextElement('the bind result'), id, o.jid.bare);
    if (!result.ok) {
      fire('bind-failed');
      await connection.close();
      throw new NegotiationError(result.reason);
    }
    fire('bound');
    return { connection, machine, jid: result.jid, mechanism, offered, header: checked.header, features, tls };
  }

  /** SASL with the chosen mechanism or the strongest offered; falls back only when a mechanism itself failed, not the credentials. */
  async function authenticate(offered: string[]): Promise<string> {
    const secure = connection.tlsSocket;
    // -PLUS only where tls-exporter exists: TLS 1.3.
    const binding: ChannelBinding | undefined = secure && secure.getProtocol() === 'TLSv1.3' ? tlsExporter(secure) : undefined;
    // @implements RFC6120 P162L30-P162L32, P78L11-P78L18
    const usable = (m: string) => (m.endsWith('-PLUS') ? binding !== undefined : m !== 'PLAIN' || tls);
    if (o.mechanism !== undefined && !offered.includes(o.mechanism))
      return refuse(StreamCondition.PolicyViolation, `${domain} does not offer ${o.mechanism} (it offers ${offered.join(', ') || 'nothing'})`);
    const preference = o.mechanism !== undefined ? [o.mechanism] : MECHANISM_PREFERENCE.filter(usable);
    const initiator = new SaslInitiator(preference, offered, (name) =>
      clientMechanism(name, { username: o.jid.localpart ?? '', password: o.password, offered, ...(binding && { channelBinding: binding }) }));
    let auth = initiator.next();
    if (!auth) return refuse(StreamCondition.PolicyViolation, `no mechanism in common: ${domain} offers ${offered.join(', ')}, we use ${preference.join(', ')}`);
    fire('send-auth');
    connection.send(auth);
    for (;;) {
      const e = await nextElement('the SASL exchange');
      if (e.ns !== SASL_NS) return refuse(StreamCondition.NotAuthorized, `<${e.name}/> in '${e.ns}' during SASL (RFC 6120 §6.4)`);
      const r = initiator.receive(e);
      if (r.send) connection.send(r.send);
      // @implements RFC6120 P86L36-P86L42
      if (r.outcome === 'success') {
        fire('sasl-success');
        return initiator.mechanism!;
      }
      // @implements RFC6120 P85L25-P85L29
      if (r.outcome === 'failure') {
        fire('sasl-failure');
        // Wrong credentials fail every mechanism alike: trying the next would only spend the server's retries.
        const credentials = initiator.lastCondition === SaslCondition.NotAuthorized || initiator.state === 'Failed';
        auth = credentials ? undefined : initiator.next();
        if (!auth) {
          fire('send-close');
          await connection.close();
          throw new NegotiationError(`SASL ${initiator.mechanism} failed: ${r.reason}`, initiator.lastCondition);
        }
        fire('send-auth');
        connection.send(auth);
      }
    }
  }
}
