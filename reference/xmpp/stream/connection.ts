/**
 * One XML stream over a TCP (then TLS) socket: bytes in through the §11
 * reader, elements out through the serializer, and the two endings of
 * §4.4 and §4.9.1: a closing tag answered by the peer's, or a stream
 * error followed by the closing tag. Either end uses it; the machines say
 * what may be sent when.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type Socket } from 'node:net';
import { type TLSSocket } from 'node:tls';
import { type ReaderLimits, type StreamEvent, type XmlElement, STREAMS_NS, StreamCondition, StreamReader, element, serialize } from '../xml/index.ts';
import { STREAM_NS, headerText } from './header.ts';

/** What arrives: the reader's events, or the socket ending under us. */
export type Arrival = StreamEvent | { type: 'end'; reason: string } | { type: 'timeout'; ms: number };

/** How long to wait for the peer's closing tag after ours (§4.4 step 3's "reasonable amount of time"). */
export const CLOSE_WAIT_MS = 5000;

export class StreamConnection {
  private reader: StreamReader;
  private queue: Arrival[] = [];
  private wake?: () => void;
  private ended = false;

  // @implements RFC6120 P168L13-P168L16
  // The reader's limits are the caller's to set (a server's configuration).
  constructor(private socket: Socket | TLSSocket, private readonly limits: ReaderLimits = {}) {
    this.reader = new StreamReader(limits);
    // Each negotiation step is one small write waiting for its answer: with Nagle's algorithm and delayed ACKs, each waited ~40 ms more.
    socket.setNoDelay(true);
    this.listen();
  }

  get tlsSocket(): TLSSocket | undefined {
    return 'encrypted' in this.socket ? (this.socket as TLSSocket) : undefined;
  }

  /** The TCP socket under the stream, for the TLS upgrade. */
  get raw(): Socket {
    return this.socket;
  }

  private listen(): void {
    const s = this.socket;
    s.on('data', (d: Buffer) => {
      if (this.ended) return;
      for (const e of this.reader.feed(d)) this.push(e);
    });
    s.on('close', () => this.push({ type: 'end', reason: 'the connection closed' }));
    s.on('error', (e) => this.push({ type: 'end', reason: e.message }));
  }

  // @implements RFC6120 P48L38-P48L42
  // After the stream's end or an error nothing more is read: the stream is over.
  private push(a: Arrival): void {
    if (this.ended) return;
    // After the stream's end or an error, the reader takes nothing more: so neither do we.
    if (a.type !== 'header' && a.type !== 'element') this.ended = true;
    this.queue.push(a);
    this.wake?.();
  }

  /** The next arrival, or a 'timeout' after `timeoutMs` with nothing (the stream goes on). */
  async next(timeoutMs = 30_000): Promise<Arrival> {
    if (this.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.queue.shift() ?? { type: 'timeout', ms: timeoutMs };
  }

  /** An element, serialized with the stream prefix in scope. */
  // @implements RFC6120 P47L37-P47L40
  // Stanzas go unprefixed (the content namespace is the default one); only the stream's own elements carry 'stream:'.
  send(e: XmlElement): void {
    this.socket.write(serialize(e, ['stream']));
  }

  sendHeader(header: XmlElement): void {
    this.socket.write(headerText(header));
  }

  /**
   * A new stream on the same connection (after TLS or SASL): a fresh
   * reader, nothing of the old stream kept.
   */
  // @implements RFC6120 P27L16-P27L21, P76L15-P76L19, P76L21-P76L24
  restart(secure?: TLSSocket): void {
    if (secure) {
      this.socket = secure;
      this.listen();
    }
    this.reader = new StreamReader(this.limits);
    this.queue = [];
    this.ended = false;
  }

  /** Stops reading the TCP socket, so the TLS handshake gets its bytes (after <proceed/>). */
  // @implements RFC6120 P74L31-P74L36
  detachForTls(): Socket {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    return this.socket as Socket;
  }

  /**
   * Ends the stream as §4.4 says: our closing tag, then wait for the
   * peer's (processing what comes meanwhile, `onArrival`), at most
   * CLOSE_WAIT_MS; then end the connection (TLS's close_notify first: end()
   * sends it).
   */
  // @implements RFC6120 P31L12-P31L14, P31L16-P31L20, P31L26-P31L29, P31L31-P31L33, P31L35-P31L39
  async close(onArrival?: (a: Arrival) => void): Promise<void> {
    this.socket.write('</stream:stream>');
    const deadline = Date.now() + CLOSE_WAIT_MS;
    // Until the peer's closing tag (or an error, or the end) has come: it may already be queued.
    while (!(this.ended && this.queue.length === 0)) {
      const a = await this.next(Math.max(1, deadline - Date.now()));
      if (a.type !== 'header' && a.type !== 'element') break;
      onArrival?.(a);
    }
    await this.end();
  }

  /**
   * A stream error: the <stream:error/> with its condition and text, then
   * the closing tag, then the connection ends.
   */
  // @implements RFC6120 P48L38-P48L42, P51L29-P51L31, P51L33-P51L37
  async fail(condition: StreamCondition, text?: string): Promise<void> {
    const children = [element(condition, { xmlns: STREAMS_NS }, [], STREAMS_NS), ...(text ? [element('text', { xmlns: STREAMS_NS, 'xml:lang': 'en' }, [text], STREAMS_NS)] : [])];
    this.socket.write(serialize(element('stream:error', {}, children, STREAM_NS), ['stream']) + '</stream:stream>');
    await this.end();
  }

  /** Ends the connection: TLS close_notify, then FIN; destroyed if the peer does not finish within a second. */
  private async end(): Promise<void> {
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 1000);
    await closed;
    clearTimeout(t);
  }
}
