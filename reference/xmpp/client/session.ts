/**
 * A client session (RFC 6120 §4-§7, then stanzas): connect over TCP,
 * STARTTLS verifying the server's certificate for the JID's domain, SASL
 * with the strongest mechanism offered (or the one asked for), bind a
 * resource, then send and receive stanzas until either side closes.
 *
 * @implements RFC6120 (XMPP core)
 */
import { connect } from 'node:net';
import { type XmlElement, StreamCondition, element } from '../xml/index.ts';
import { type Jid, parseJid } from '../jid/index.ts';
import { type Arrival, type InitiatingOptions, type Negotiated, NegotiationError, StreamConnection, negotiate, streamErrorOf } from '../stream/index.ts';

export interface ClientOptions extends Omit<InitiatingOptions, 'jid'> {
  /** The bare JID to log in as. */
  jid: string;
  /** host:port to connect to (default: the JID's domain, port 5222). Loopback in tests. */
  server?: { host: string; port: number };
}

/** Where the stream to the server ended, and why. */
export type Ending = { by: 'us' | 'server'; condition?: string; reason: string };

const STANZAS = new Set(['message', 'presence', 'iq']);

export class ClientSession {
  /** Why the session ended, once it has. */
  ending?: Ending;
  private counter = 0;

  private constructor(private readonly n: Negotiated) {}

  /** Connects, negotiates and binds; rejects with a NegotiationError saying which step failed and why. */
  static async connect(o: ClientOptions): Promise<ClientSession> {
    const jid = parseJid(o.jid);
    if (jid.localpart === undefined || jid.isFull) throw new NegotiationError(`--jid wants a bare JID localpart@domainpart, got '${o.jid}'`);
    // @implements RFC6120 P18L23-P18L28
    // @exception RFC6120 P17L11-P17L12: no SRV lookup: --server names the host, else the domain's own address records on the xmpp-client port
    const host = o.server?.host ?? jid.domainpart;
    const port = o.server?.port ?? 5222;
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (e) => reject(new NegotiationError(`cannot connect to ${host}:${port}: ${e.message}`)));
    });
    const connection = new StreamConnection(socket);
    return new ClientSession(await negotiate(connection, { ...o, jid }));
  }

  /** Our full JID, as the server bound it. */
  // @implements RFC6120 P28L39-P28L42
  get jid(): Jid {
    return this.n.jid;
  }

  get mechanism(): string {
    return this.n.mechanism;
  }

  /** What the server offered for SASL. */
  get offered(): readonly string[] {
    return this.n.offered;
  }

  get connection(): StreamConnection {
    return this.n.connection;
  }

  /** The stream's machine: its state and the events it took. */
  get machine(): Negotiated['machine'] {
    return this.n.machine;
  }

  /** A fresh stanza id. */
  nextId(prefix = 's'): string {
    return `${prefix}${++this.counter}-${Date.now().toString(36)}`;
  }

  /** Sends a stanza; refused (StreamStateError) before binding or after closing. */
  // @implements RFC6120 P45L21-P45L23, P47L37-P47L40
  // Stanzas go unprefixed in the stream's default namespace, jabber:client; never jabber:server.
  send(stanza: XmlElement): void {
    if (!STANZAS.has(stanza.name) || stanza.prefix !== '') throw new Error(`<${stanza.prefix ? `${stanza.prefix}:` : ''}${stanza.name}/> is not a stanza to send over the client stream (message, presence, iq; RFC 6120 §4.1)`);
    this.n.machine.fire('send-stanza');
    this.n.connection.send(stanza);
  }

  /**
   * The next stanza from the server, or undefined when the stream ended
   * (see `ending`), or when `timeoutMs` passed with nothing.
   */
  async receive(timeoutMs = 30_000): Promise<XmlElement | undefined> {
    for (;;) {
      if (this.ending) return undefined;
      const a: Arrival = await this.n.connection.next(timeoutMs);
      if (a.type === 'timeout') return undefined;
      const stanza = await this.take(a);
      if (stanza) return stanza;
    }
  }

  private async take(a: Arrival): Promise<XmlElement | undefined> {
    if (a.type === 'element') {
      const e = a.element;
      // @implements RFC6120 P48L38-P48L42, P51L44-P51L46, P51L46-P51L47, P51L47-P52L3
      // What we act on is the condition; the <text/> is never read (it is for diagnostics, not for a program or a user).
      // @exception RFC6120 P62L16-P62L20, P62L24-P62L27, P62L27-P62L29, P63L18-P63L24: we do not follow <see-other-host/>: it ends the session like any stream error, and the user reconnects where it points
      const condition = streamErrorOf(e);
      if (condition !== undefined) {
        this.ending = { by: 'server', condition, reason: `the server closed the stream with <${condition}/>` };
        this.n.machine.fire('stream-error');
        await this.n.connection.close();
        return undefined;
      }
      // @implements RFC6120 P45L15-P45L18
      if (!STANZAS.has(e.name) || e.ns !== 'jabber:client') {
        await this.fail(StreamCondition.UnsupportedStanzaType, `<${e.name}/> in '${e.ns}' is no stanza we take on a client stream (RFC 6120 §4.8.3)`);
        return undefined;
      }
      this.n.machine.fire('receive-stanza');
      return e;
    }
    // @implements RFC6120 P48L38-P48L42
    if (a.type === 'error') {
      await this.fail(a.error.condition, a.error.message);
      return undefined;
    }
    if (a.type === 'header') {
      // @implements RFC6120 P93L36
      await this.fail(StreamCondition.InvalidXml, 'a new stream header after binding: the stream is never restarted then (RFC 6120 §7.3.2)');
      return undefined;
    }
    if (a.type === 'close') {
      this.ending = { by: 'server', reason: 'the server closed the stream' };
      // @implements RFC6120 P31L31-P31L33
      // Answer its closing tag with ours, then end the connection.
      if (this.n.machine.state !== 'Closing') await this.n.connection.close();
      this.n.machine.fire('receive-close');
      return undefined;
    }
    this.ending = { by: 'server', reason: a.type === 'end' ? a.reason : `nothing in ${a.ms} ms` };
    return undefined;
  }

  private async fail(condition: StreamCondition, reason: string): Promise<void> {
    this.ending = { by: 'us', condition, reason };
    this.n.machine.fire('stream-error');
    await this.n.connection.fail(condition, reason);
  }

  /** Ends the session as §4.4 says; stanzas arriving meanwhile go to `onStanza`. */
  // @implements RFC6120 P31L22-P31L24
  async close(onStanza?: (s: XmlElement) => void): Promise<void> {
    if (this.ending) return;
    this.n.machine.fire('send-close');
    this.ending = { by: 'us', reason: 'we closed the stream' };
    await this.n.connection.close((a) => {
      if (a.type === 'element' && STANZAS.has(a.element.name)) {
        this.n.machine.fire('receive-stanza');
        onStanza?.(a.element);
      }
    });
    if (this.n.machine.state === 'Closing') this.n.machine.fire('receive-close');
  }
}

/** A message stanza of type chat with this body. */
export function chatMessage(to: string, body: string, id: string): XmlElement {
  return element('message', { to, type: 'chat', id }, [element('body', {}, [body])]);
}
