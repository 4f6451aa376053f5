/**
 * Prosody on loopback for the XMPP tests (started by tools/testkit/prosody.ts,
 * which the bench uses too); and a connection to it that speaks through our XML reader and serializer
 * (the stream layer is not written yet: this opens the stream, does
 * STARTTLS and moves SASL elements, and no more).
 */
import { connect, type Socket } from 'node:net';
import * as tls from 'node:tls';
import type { Prosody } from '../../../../tools/testkit/prosody.ts';
import { StreamReader, type StreamEvent, type XmlElement, element, serialize } from '../../../../reference/xmpp/xml/index.ts';

export { type Prosody, startProsody } from '../../../../tools/testkit/prosody.ts';

/** A client connection to Prosody: elements out through our serializer, in through our reader. */
export class Connection {
  private reader = new StreamReader();
  private queue: StreamEvent[] = [];
  private waiting?: () => void;
  private constructor(private socket: Socket | tls.TLSSocket, readonly server: Prosody) {
    this.listen();
  }

  static async open(server: Prosody): Promise<Connection> {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new Connection(socket, server);
  }

  private listen(): void {
    this.socket.on('data', (d: Buffer) => {
      this.queue.push(...this.reader.feed(d));
      this.waiting?.();
    });
  }

  /** The socket, TLS once starttls() is done. */
  get tlsSocket(): tls.TLSSocket | undefined {
    return this.socket instanceof tls.TLSSocket ? this.socket : undefined;
  }

  send(e: XmlElement | string): void {
    this.socket.write(typeof e === 'string' ? e : serialize(e, ['stream']));
  }

  /** The next event from the server (header, element, close or error), within 10 s. */
  async next(): Promise<StreamEvent> {
    const end = Date.now() + 10_000;
    while (this.queue.length === 0) {
      if (Date.now() > end) throw new Error('no answer from Prosody in 10 s');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.queue.shift()!;
  }

  async nextElement(): Promise<XmlElement> {
    const e = await this.next();
    if (e.type !== 'element') throw new Error(`expected an element from Prosody, got ${e.type === 'error' ? e.error.message : e.type}`);
    return e.element;
  }

  /** Opens (or restarts) the stream: our header, then Prosody's header and features. */
  async openStream(): Promise<{ header: XmlElement; features: XmlElement }> {
    this.send(`<?xml version='1.0'?><stream:stream to='${this.server.domain}' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`);
    const header = await this.next();
    if (header.type !== 'header') throw new Error(`expected Prosody's stream header, got ${header.type}`);
    return { header: header.element, features: await this.nextElement() };
  }

  /** STARTTLS (RFC 6120 §5), verifying Prosody's certificate against the test's own CA, then a new stream. */
  async starttls(): Promise<{ header: XmlElement; features: XmlElement }> {
    this.send(element('starttls', { xmlns: 'urn:ietf:params:xml:ns:xmpp-tls' }));
    const proceed = await this.nextElement();
    if (proceed.name !== 'proceed') throw new Error(`STARTTLS refused: <${proceed.name}/>`);
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket as Socket, ca: this.server.cert, servername: this.server.domain });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.reader = new StreamReader();
    this.queue = [];
    this.listen();
    return this.openStream();
  }

  /** After SASL success: a new stream on the same connection (RFC 6120 §6.4.6), no closing tag first. */
  restart(): Promise<{ header: XmlElement; features: XmlElement }> {
    this.reader = new StreamReader();
    this.queue = [];
    return this.openStream();
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.end('</stream:stream>');
    setTimeout(() => this.socket.destroy(), 1000).unref();
    await closed;
  }
}
