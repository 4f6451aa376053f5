/**
 * A client-to-server XMPP server (RFC 6120, RFC 6121) for one domain: each
 * accepted connection is negotiated by the receiving entity of
 * reference/xmpp/stream (STARTTLS, SASL with the users file's SCRAM
 * credentials, binding), then its stanzas are stamped and routed
 * (./router.ts) between the users' sessions. Limits bound what a client can
 * make the server hold or wait for: connections, the negotiation's time,
 * the time without a whole stanza, the stanza's size and depth.
 *
 * @implements RFC6120 (XMPP core)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { StreamCondition, DEFAULT_MAX_DEPTH, DEFAULT_MAX_STANZA_OCTETS } from '../xml/index.ts';
import { type Arrival, type ServerTlsOptions, CLIENT_NS, ReceivingError, StreamConnection, newStreamId, receive, responseHeader } from '../stream/index.ts';
import { type UserCredentials, accountsOf } from './users.ts';
import { Router, type Session } from './router.ts';

export interface Limits {
  /** Connections open at once; one more is refused with <resource-constraint/>. */
  maxConnections: number;
  /** Connections open at once from one IP address; one more from it is refused with <policy-violation/>. */
  maxConnectionsPerAddress: number;
  /** The whole negotiation (header to bound resource), ms: a client trickling it is cut off with <connection-timeout/>. */
  negotiationMs: number;
  /** After binding, the longest wait for a whole stanza, ms: an idle client, or one trickling a stanza a byte at a time, gets <connection-timeout/>. */
  idleMs: number;
  /** The most octets of one stanza (the reader's limit: <policy-violation/>). */
  maxStanzaOctets: number;
  /** The deepest nesting inside a stanza (the reader's limit). */
  maxDepth: number;
}

/**
 * The defaults: 1000 connections (a small server's users, each a few
 * resources), 100 of them from any one IP address (an office or a home
 * behind one NAT address, each user a few resources; one host cannot take
 * the whole server's share); 30 s to log in (a real client needs well under a second on
 * a LAN, a few seconds over a slow link); 5 minutes without a stanza (a
 * client keeps its stream alive with whitespace or pings sooner, RFC 6120
 * §4.6.1 and XEP-0199's usual 60-300 s); the reader's 256 KiB and depth 64.
 */
// @implements RFC6120 P167L32-P167L37, P168L5-P168L9
export const DEFAULT_LIMITS: Limits = {
  maxConnections: 1000,
  maxConnectionsPerAddress: 100,
  negotiationMs: 30_000,
  idleMs: 300_000,
  maxStanzaOctets: DEFAULT_MAX_STANZA_OCTETS,
  maxDepth: DEFAULT_MAX_DEPTH,
};

export interface ServerOptions {
  domain: string;
  /** The certificate and key: STARTTLS offered and required (PLAIN is only offered over TLS). */
  tls?: ServerTlsOptions;
  users: Map<string, UserCredentials>;
  limits?: Partial<Limits>;
  /** Told of each connection's end, with why (for a log). */
  log?: (line: string) => void;
}

/** SP, HTAB, CR, LF: the whitespace a keepalive is made of (RFC 6120 §4.6.1). */
const isWhitespace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

export class XmppServer {
  readonly limits: Limits;
  readonly router: Router;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections open now per remote IP address; an address is dropped when its last one ends, so the map holds no more than `sockets` does. */
  private readonly perAddress = new Map<string, number>();
  private readonly accounts;

  constructor(private readonly o: ServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.accounts = accountsOf(o.users);
    this.router = new Router(o.domain, (u) => o.users.has(u));
    this.server = createServer((s) => void this.accept(s));
  }

  /** Listens on host:port (port 0: any free one); resolves with the port. */
  // @implements RFC6120 P18L23-P18L28
  // 5222, the xmpp-client port, is the command's default (--listen).
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as { port: number }).port;
  }

  /** Connections open now (negotiating or bound). */
  get connections(): number {
    return this.sockets.size;
  }

  /** Connections open now from `address` (as the socket's remoteAddress gives it). */
  connectionsFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /** Addresses with a connection open now. */
  get addresses(): number {
    return this.perAddress.size;
  }

  /** Stops listening and ends every stream with <system-shutdown/>. */
  // @implements RFC6120 P64L3-P64L4
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.router.sessions().map((s) => s.connection.fail(StreamCondition.SystemShutdown, 'the server is shutting down')));
    for (const s of this.sockets) s.destroy();
    await closed;
    // The destroyed sockets' handles are released on the next turns of the loop: a caller that returns now leaves none open.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  private async accept(socket: Socket): Promise<void> {
    socket.on('error', () => {});
    const connection = new StreamConnection(socket, { maxStanzaOctets: this.limits.maxStanzaOctets, maxDepth: this.limits.maxDepth });
    // @implements RFC6120 P61L14-P61L15
    if (this.sockets.size >= this.limits.maxConnections) return this.refuse(connection, StreamCondition.ResourceConstraint, `the server holds ${this.sockets.size} connections, its most`);
    // A socket closed before it was handed to us has no address: nothing to serve.
    const address = socket.remoteAddress;
    if (address === undefined) return void socket.destroy();
    const fromAddress = this.connectionsFrom(address);
    // @implements RFC6120 P167L32-P167L37, P59L35-P59L38
    // The new connection does not proceed past our header: no features, so nothing of TLS or SASL is spent on it.
    if (fromAddress >= this.limits.maxConnectionsPerAddress) return this.refuse(connection, StreamCondition.PolicyViolation, `${address} holds ${fromAddress} connections, the most one address may`);
    // Counted until its handling ends (not by the socket's 'close', whose listeners the TLS upgrade takes off).
    this.sockets.add(socket);
    this.perAddress.set(address, fromAddress + 1);
    let session: Session | undefined;
    // @implements RFC6120 P167L21-P167L24
    // Nothing but the negotiation until bound: receive() refuses stanzas before that.
    try {
      const r = await receive(connection, {
        domain: this.o.domain,
        ...(this.o.tls && { tls: this.o.tls }),
        accounts: this.accounts,
        timeoutMs: this.limits.negotiationMs,
        resourceInUse: (full) => this.router.session(full) !== undefined,
      });
      session = {
        jid: r.jid,
        connection,
        send: (stanza) => {
          // @implements RFC6120 P31L22-P31L24
          // Once our closing tag or an error is on its way, nothing more goes on this stream: what was for it is dropped.
          if (!r.machine.allows('send-stanza')) return;
          r.machine.fire('send-stanza');
          connection.send(stanza);
        },
      };
      // @implements RFC6120 P28L39-P28L42
      this.router.add(session);
      this.o.log?.(`${r.jid} bound (${r.mechanism}${r.tls ? ', TLS' : ''})`);
      await this.serve(session, r.machine);
    } catch (e) {
      if (e instanceof ReceivingError) this.o.log?.(`a negotiation ended: ${e.message}`);
      else {
        // Our own fault: this stream ends saying so; the others go on.
        this.o.log?.(`internal error on a stream: ${(e as Error).stack ?? e}`);
        if (!socket.destroyed) await connection.fail(StreamCondition.InternalServerError).catch(() => {});
      }
    } finally {
      if (session) this.router.remove(session);
      socket.destroy();
      this.sockets.delete(socket);
      // @implements RFC6120 P167L32-P167L35
      // "At any one time": the address's count goes down with each of its connections that ends.
      const left = this.connectionsFrom(address) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    }
  }

  /** A connection not taken: our header, then the stream error and the close. */
  private async refuse(connection: StreamConnection, condition: StreamCondition, why: string): Promise<void> {
    this.o.log?.(`a connection refused with <${condition}/>: ${why}`);
    connection.sendHeader(responseHeader(undefined, { domain: this.o.domain, id: newStreamId() }));
    await connection.fail(condition, why);
  }

  /** A bound stream's stanzas, until it ends. */
  private async serve(session: Session, machine: { fire(e: 'receive-stanza' | 'receive-close' | 'stream-error' | 'send-close'): unknown }): Promise<void> {
    const c = session.connection;
    let last = Date.now();
    // @implements RFC6120 P54L9-P54L10
    // @implements RFC6120 P34L15-P34L20
    // Whitespace between stanzas is a keepalive: it counts as activity. Bytes of a stanza not yet whole do not, so
    // a stanza trickled a byte at a time still meets the idle limit.
    let partial = false;
    const socket = c.tlsSocket ?? c.raw;
    const onData = (d: Buffer) => {
      // Looked at byte by byte, stopping at the first that is not whitespace: no string made of each chunk.
      if (d.length > 0 && d.every(isWhitespace)) {
        if (!partial) last = Date.now();
      } else partial = true;
    };
    socket.on('data', onData);
    // The event loop runs expired timers before it reads the sockets: after a stall (this process busy for longer
    // than the limit) the timer would win over a keepalive or a stanza that came in meanwhile. So, once, what has
    // come in is read first (setImmediate runs after the loop's poll for input), and the limit looked at again.
    let readFirst = false;
    try {
      for (;;) {
        // @implements RFC6120 P54L9-P54L10
        const a = await c.next(Math.max(1, last + this.limits.idleMs - Date.now()));
        if (a.type === 'timeout' && last + this.limits.idleMs <= Date.now() && !readFirst) {
          readFirst = true;
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        readFirst = false;
        // @implements RFC6120 P54L7-P54L9
        // Not lost after all: what came in during the stall moved `last`, so the stream goes on.
        if (a.type === 'timeout' && last + this.limits.idleMs > Date.now()) continue;
        if (a.type === 'element') {
          last = Date.now();
          partial = false;
        }
        if (await this.take(session, machine, a)) return;
      }
    } finally {
      socket.off('data', onData);
    }
  }

  /** One arrival on a bound stream; true when the stream is over. */
  private async take(session: Session, machine: { fire(e: 'receive-stanza' | 'receive-close' | 'stream-error' | 'send-close'): unknown }, a: Arrival): Promise<boolean> {
    const c = session.connection;
    // The stream is ending: out of the routing table first, so nothing more is routed to it (and its unavailable presence goes out now).
    if (a.type !== 'element') this.router.remove(session);
    if (a.type === 'element') {
      const e = a.element;
      // @implements RFC6120 P45L15-P45L18
      if (!['message', 'presence', 'iq'].includes(e.name) || e.ns !== CLIENT_NS) {
        this.router.remove(session);
        machine.fire('stream-error');
        await c.fail(StreamCondition.UnsupportedStanzaType, `<${e.name}/> in '${e.ns}' is no stanza of a client stream (RFC 6120 §4.8.3)`);
        return true;
      }
      machine.fire('receive-stanza');
      this.router.fromClient(session, e);
      return false;
    }
    // @implements RFC6120 P54L9-P54L10
    if (a.type === 'timeout') {
      machine.fire('stream-error');
      await c.fail(StreamCondition.ConnectionTimeout, `no whole stanza in ${this.limits.idleMs} ms`);
      return true;
    }
    if (a.type === 'error') {
      machine.fire('stream-error');
      await c.fail(a.error.condition, a.error.message);
      return true;
    }
    if (a.type === 'header') {
      machine.fire('stream-error');
      // @implements RFC6120 P93L36
      await c.fail(StreamCondition.InvalidXml, 'a stream header after binding: no restart then (RFC 6120 §7.3.2)');
      return true;
    }
    // @implements RFC6120 P31L31-P31L33
    if (a.type === 'close') {
      machine.fire('send-close');
      await c.close();
      machine.fire('receive-close');
    }
    return true;
  }
}
