/**
 * The receiving entity's negotiation over one connection (RFC 6120 §4.3,
 * the server's side): the initial header checked and answered with a
 * fresh stream ID; features that say what is left (STARTTLS first, then
 * SASL, then binding); TLS, SASL (reference/xmpp/sasl's SaslReceiver) and
 * the restarts; binding with a resourcepart the server makes when the
 * client asks for none or for one in use. Each step is an event of the
 * receiving machine; what the initiating entity may not do gets the stream
 * error its rule names.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, StreamCondition, element, childOf } from '../xml/index.ts';
import { type Jid, checkJid, parseJid } from '../jid/index.ts';
import { SASL_NS, SaslReceiver, type ServerAccounts, mechanismsElement, offeredMechanisms, serverMechanism, tlsExporter } from '../sasl/index.ts';
import { type Arrival, StreamConnection } from './connection.ts';
import { STREAM_NS, type Header, checkHeader, newStreamId, responseHeader } from './header.ts';
import { type ReceivingEvent, type ReceivingState, StreamMachine, receivingMachine } from './machine.ts';
import { proceed, serverTls, starttlsFeature, tlsFailure, TLS_NS, type ServerTlsOptions } from './starttls.ts';
import { BIND_NS, bindFeature, bindResult, generateResource, requestedResource } from './bind.ts';

/** Failed bind requests allowed before the stream is closed: §7.7.3's "at least 5 and no more than 10". */
export const BIND_RETRIES = 5;

export interface ReceivingOptions {
  /** The domain this server serves: the only 'to' accepted. */
  domain: string;
  /** The certificate and key: STARTTLS is offered when given. */
  tls?: ServerTlsOptions;
  /** Insist on TLS before SASL (default true when `tls` is given). */
  requireTls?: boolean;
  accounts: ServerAccounts;
  /** Whether a full JID is bound to another stream now (then we make another resourcepart). */
  resourceInUse?: (full: Jid) => boolean;
  /** Failed SASL handshakes allowed before the stream is closed (RFC 6120 §6.4.5; default 3). */
  saslRetries?: number;
  /** The whole negotiation must end within this, ms (default 30000): a trickling client is cut off. */
  timeoutMs?: number;
}

/** A negotiation the receiving entity ended: the condition sent and why. */
export class ReceivingError extends Error {
  constructor(readonly condition: StreamCondition | 'tls' | 'closed', message: string) {
    super(message);
    this.name = 'ReceivingError';
  }
}

export interface Received {
  connection: StreamConnection;
  machine: StreamMachine<ReceivingState, ReceivingEvent>;
  /** The client's full JID: the SASL identity's bare JID with the bound resource. */
  jid: Jid;
  header: Header;
  /** The stream IDs sent, one per stream (each restart a new one). */
  streamIds: string[];
  mechanism: string;
  tls: boolean;
}

/** Negotiates a client's stream on an accepted socket, to the point where stanzas flow. */
// @implements RFC6120 P32L13-P32L15
// Both streams run over the one TCP connection the client opened.
export async function receive(connection: StreamConnection, o: ReceivingOptions): Promise<Received> {
  const machine = receivingMachine();
  const requireTls = o.tls !== undefined && (o.requireTls ?? true);
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  const streamIds: string[] = [];
  let tls = false;
  let authenticated: Jid | undefined;
  let mechanism = '';
  let header: Header | undefined;
  let sasl: SaslReceiver | undefined;
  let headerSent = false;
  let bindFailures = 0;

  // @implements RFC6120 P30L1-P30L44
  const fire = (e: ReceivingEvent) => machine.fire(e);
  // @implements RFC6120 P48L38-P48L42, P49L16-P49L19, P50L3-P50L8
  // An error before our header still goes inside a stream: our header first ('from' our domain), then the error, then the closing tag.
  const refuse = async (condition: StreamCondition, reason: string): Promise<never> => {
    if (!headerSent) connection.sendHeader(responseHeader(undefined, { domain: o.domain, id: newStreamId() }));
    if (machine.allows('stream-error')) fire('stream-error');
    await connection.fail(condition, reason);
    throw new ReceivingError(condition, reason);
  };
  const next = async (): Promise<Extract<Arrival, { type: 'header' | 'element' }>> => {
    const a = await connection.next(Math.max(1, deadline - Date.now()));
    // @implements RFC6120 P54L9-P54L10
    if (a.type === 'timeout') return refuse(StreamCondition.ConnectionTimeout, `the stream negotiation took over ${o.timeoutMs ?? 30_000} ms`);
    if (a.type === 'error') return refuse(a.error.condition, a.error.message);
    // @implements RFC6120 P31L31-P31L33
    if (a.type === 'close') {
      fire('receive-close');
      await connection.close();
      throw new ReceivingError('closed', 'the client closed the stream during negotiation');
    }
    if (a.type === 'end') throw new ReceivingError('closed', `the connection ended during negotiation: ${a.reason}`);
    return a;
  };

  for (;;) {
    // --- a (new) stream: the initial header ---
    headerSent = false;
    const h = await next();
    if (h.type !== 'header') return refuse(StreamCondition.InvalidXml, 'the stream must begin with its header');
    const checked = checkHeader(h.element, 'receiving', { domains: [o.domain] });
    if (!checked.ok) return refuse(checked.error.condition, checked.error.reason);
    header = checked.header;
    fire('receive-header');
    // @implements RFC6120 P27L23-P27L27, P76L42-P76L44, P72L45-P72L47, P82L24-P82L26, P82L26-P82L28
    const id = newStreamId();
    streamIds.push(id);
    // @implements RFC6120 P76L21-P76L24
    // The 'from' a client sent before TLS is not kept: only this header's counts.
    connection.sendHeader(responseHeader(header, { domain: o.domain, id }));
    headerSent = true;
    connection.send(features());
    fire('send-features');

    // --- the negotiation on this stream ---
    for (;;) {
      const a = await next();
      if (a.type === 'header') return refuse(StreamCondition.InvalidXml, 'a second stream header without a restart (RFC 6120 §4.3.3)');
      const e = a.element;
      if (e.ns === TLS_NS && e.name === 'starttls') {
        // @implements RFC6120 P73L44-P73L47
        if (tls || o.tls === undefined || authenticated) {
          connection.send(tlsFailure());
          fire(machine.allows('send-tls-failure') ? 'send-tls-failure' : 'stream-error');
          await connection.close();
          throw new ReceivingError('tls', tls || authenticated ? 'STARTTLS again, or after SASL (RFC 6120 §5.3.4): <failure/>' : 'STARTTLS without a certificate: <failure/>');
        }
        fire('receive-starttls');
        // @implements RFC6120 P74L25-P74L27, P74L31-P74L33
        connection.send(proceed());
        fire('send-proceed');
        let secure;
        try {
          secure = await serverTls(connection.detachForTls(), o.tls);
        } catch (x) {
          fire('stream-error');
          throw new ReceivingError('tls', (x as Error).message);
        }
        fire('tls-established');
        tls = true;
        sasl = undefined;
        connection.restart(secure);
        break;
      }
      if (e.ns === SASL_NS && !authenticated) {
        // @implements RFC6120 P71L3-P71L9
        if (requireTls && !tls) return refuse(StreamCondition.PolicyViolation, 'SASL before STARTTLS, which this server requires (RFC 6120 §5.3.1, §5.3.4)');
        if (e.name === 'auth') fire('receive-auth');
        const r = receiver().receive(e);
        if (r.send) connection.send(r.send);
        if (r.streamError) return refuse(r.streamError, r.reason);
        if (r.authenticated) {
          fire('sasl-success');
          authenticated = parseJid(r.authenticated.authzid);
          mechanism = e.name === 'auth' ? e.attrs.mechanism ?? '' : mechanism;
          // @implements RFC6120 P86L36-P86L42, P78L3
          // The client restarts the stream: a new reader for its new header.
          connection.restart();
          break;
        }
        if (e.name === 'auth') mechanism = e.attrs.mechanism ?? '';
        if (r.send?.name === 'failure' && machine.state === 'Authenticating') fire('sasl-failure');
        continue;
      }
      if (e.name === 'iq' && childOf(e, 'bind', BIND_NS) && authenticated) {
        fire('receive-bind');
        const full = bind(e, authenticated);
        if ('error' in full) {
          connection.send(full.error);
          // @implements RFC6120 P99L17-P99L21, P99L23-P99L25
          if (++bindFailures >= BIND_RETRIES) return refuse(StreamCondition.PolicyViolation, `${bindFailures} failed bind requests, the most we allow (RFC 6120 §7.7.3)`);
          continue;
        }
        // @implements RFC6120 P28L26-P28L28, P28L30-P28L32
        // Only now, after SASL and binding, is the client's address known.
        connection.send(bindResult(e.attrs.id ?? '', full.jid));
        fire('bound');
        return { connection, machine, jid: full.jid, header, streamIds, mechanism, tls };
      }
      // @implements RFC6120 P28L15-P28L18, P93L13-P93L17, P58L16-P58L20
      if (e.name === 'message' || e.name === 'presence' || e.name === 'iq')
        return refuse(StreamCondition.NotAuthorized, `<${e.name}/> before the stream is ${authenticated ? 'bound to a resource' : 'authenticated'} (RFC 6120 §4.3.5, §7.1)`);
      // @implements RFC6120 P65L18-P65L19
      return refuse(StreamCondition.UnsupportedFeature, `<${e.name}/> in '${e.ns}' is no feature we offered`);
    }
  }

  /** The features for where the negotiation is: STARTTLS alone while TLS is required and missing; SASL; after it, binding. */
  // @implements RFC6120 P73L10-P73L11, P73L11-P73L18, P77L10-P77L14, P93L40-P93L43, P93L45-P93L47, P27L41-P28L2, P82L39-P82L40, P87L23-P87L25
  // @exception RFC6120 P95L34-P95L36, P96L3-P96L5: no limit on an account's resources and no other bar to binding, so neither error is ever due
  function features(): XmlElement {
    const children: XmlElement[] = [];
    if (authenticated) children.push(bindFeature());
    else {
      if (!tls && o.tls) children.push(starttlsFeature(requireTls));
      if (tls || !requireTls) children.push(mechanismsElement(offeredMechanisms({ tls, channelBinding: binding() !== undefined })));
    }
    return element('stream:features', {}, children, STREAM_NS);
  }

  // @implements RFC9266 P3L4-P3L13
  function binding() {
    const s = connection.tlsSocket;
    return s && s.getProtocol() === 'TLSv1.3' ? tlsExporter(s) : undefined;
  }

  // @implements RFC6120 P78L7-P78L11
  function receiver(): SaslReceiver {
    if (sasl) return sasl;
    const cb = binding();
    const offered = offeredMechanisms({ tls, channelBinding: cb !== undefined });
    sasl = new SaslReceiver({
      offered,
      domain: o.domain,
      tls,
      ...(o.saslRetries !== undefined && { retries: o.saslRetries }),
      mechanism: (name) => serverMechanism(name, o.accounts, cb ? { channelBindings: [cb] } : {}),
    });
    return sasl;
  }

  /** The full JID to bind: the requested resourcepart if it is valid and free, else one of ours. */
  // @implements RFC6120 P28L32-P28L39, P94L20-P94L21, P97L38-P97L42
  // A resourcepart in use: the third choice of §7.7.2.2, a resourcepart of ours (neither session is cut off).
  function bind(iq: XmlElement, bare: Jid): { jid: Jid } | { error: XmlElement } {
    const asked = requestedResource(iq);
    const make = (r: string) => parseJid(`${bare}/${r}`);
    if (asked !== undefined) {
      const tried = checkJid(`${bare}/${asked}`);
      // @implements RFC6120 P97L24-P97L28
      if (!tried.ok) return { error: element('iq', { id: iq.attrs.id ?? '', type: 'error' }, [element('error', { type: 'modify' }, [element('bad-request', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })])]) };
      if (!o.resourceInUse?.(tried.jid)) return { jid: tried.jid };
    }
    // @implements RFC6120 P28L42-P28L48
    for (;;) {
      const jid = make(generateResource());
      if (!o.resourceInUse?.(jid)) return { jid };
    }
  }
}
