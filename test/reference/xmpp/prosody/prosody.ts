/**
 * Prosody on loopback for the XMPP tests (started by tools/testkit/prosody.ts,
 * which the bench uses too); and a connection to it, step by step, for the
 * tests of the layers under the client session: the stream layer's
 * StreamConnection (our reader and serializer on the socket) opens the
 * stream, does STARTTLS and moves SASL elements, and no more.
 */
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Prosody } from '../../../../tools/testkit/prosody.ts';
import type { StreamEvent, XmlElement } from '../../../../reference/xmpp/xml/index.ts';
import { StreamConnection, TLS_NS, clientTls, initialHeader, starttls } from '../../../../reference/xmpp/stream/index.ts';

export { type Prosody, startProsody } from '../../../../tools/testkit/prosody.ts';

/** A client connection to Prosody: elements out through our serializer, in through our reader. */
export class Connection {
  private constructor(private readonly stream: StreamConnection, readonly server: Prosody) {}

  static async open(server: Prosody): Promise<Connection> {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new Connection(new StreamConnection(socket), server);
  }

  /** The socket, TLS once starttls() is done. */
  get tlsSocket(): TLSSocket | undefined {
    return this.stream.tlsSocket;
  }

  send(e: XmlElement): void {
    this.stream.send(e);
  }

  /** The next event from the server (header, element, close or error), within 10 s. */
  async next(): Promise<StreamEvent> {
    const a = await this.stream.next(10_000);
    if (a.type === 'timeout') throw new Error('no answer from Prosody in 10 s');
    if (a.type === 'end') throw new Error(`Prosody's stream ended: ${a.reason}`);
    return a;
  }

  async nextElement(): Promise<XmlElement> {
    const e = await this.next();
    if (e.type !== 'element') throw new Error(`expected an element from Prosody, got ${e.type === 'error' ? e.error.message : e.type}`);
    return e.element;
  }

  /** Opens (or restarts) the stream: our header, then Prosody's header and features. */
  async openStream(): Promise<{ header: XmlElement; features: XmlElement }> {
    this.stream.sendHeader(initialHeader({ to: this.server.domain }));
    const header = await this.next();
    if (header.type !== 'header') throw new Error(`expected Prosody's stream header, got ${header.type}`);
    return { header: header.element, features: await this.nextElement() };
  }

  /** STARTTLS (RFC 6120 §5), verifying Prosody's certificate against the test's own CA, then a new stream. */
  async starttls(): Promise<{ header: XmlElement; features: XmlElement }> {
    this.send(starttls());
    const proceed = await this.nextElement();
    if (proceed.name !== 'proceed' || proceed.ns !== TLS_NS) throw new Error(`STARTTLS refused: <${proceed.name}/>`);
    this.stream.restart(await clientTls(this.stream.detachForTls(), { domain: this.server.domain, ca: this.server.cert }));
    return this.openStream();
  }

  /** After SASL success: a new stream on the same connection (RFC 6120 §6.4.6), no closing tag first. */
  restart(): Promise<{ header: XmlElement; features: XmlElement }> {
    this.stream.restart();
    return this.openStream();
  }

  close(): Promise<void> {
    return this.stream.close();
  }
}
