/**
 * A hand-driven SIP peer for UA tests: a real UDP socket on loopback that
 * sends messages written out in full and collects what the UA sends back.
 */
import { createSocket, type Socket } from 'node:dgram';
import { parse, type Message, type Request, type Response } from '../../../../reference/sip/syntax/index.ts';
import { UserAgent, type Call } from '../../../../reference/sip/ua/index.ts';

export class Peer {
  readonly received: Message[] = [];
  #waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (bytes) => {
      const message = parse(bytes, { transport: 'datagram' });
      const waiter = this.#waiters.find((w) => w.match(message));
      if (waiter !== undefined) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
        return;
      }
      this.received.push(message);
    });
  }

  static async open(): Promise<Peer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Peer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string | Uint8Array, port: number): Promise<void> {
    const bytes = typeof text === 'string' ? Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8') : text;
    return new Promise((resolve, reject) => this.socket.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  /** The next message (already received or yet to come) that `match` accepts. */
  next(match: (m: Message) => boolean = () => true, ms = 3000): Promise<Message> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching message within ${ms} ms; received: ${this.received.map(describe).join(', ') || 'nothing'}`));
      }, ms);
      const done = (m: Message) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.#waiters.push({ match, resolve: done });
    });
  }

  response(status: number, method?: string, ms?: number): Promise<Response> {
    return this.next((m) => m.type === 'response' && m.status === status && (method === undefined || m.headers.get('CSeq')?.endsWith(method) === true), ms) as Promise<Response>;
  }

  request(method: string, ms?: number): Promise<Request> {
    return this.next((m) => m.type === 'request' && m.method === method, ms) as Promise<Request>;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** Lets closed sockets leave the event loop (their handles go on the next turn). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

export function describe(m: Message): string {
  return m.type === 'request' ? m.method : `${m.status} ${m.headers.get('CSeq') ?? ''}`;
}

let counter = 0;

/** A request from the peer at `peerPort` to a UA at `uaPort`, with every field overridable. */
export function request(
  method: string,
  peerPort: number,
  uaPort: number,
  fields: { branch?: string; callId?: string; fromTag?: string; toTag?: string; cseq?: number; extra?: string[]; body?: string; uri?: string } = {},
): string {
  const n = ++counter;
  const body = fields.body ?? '';
  const lines = [
    `${method} ${fields.uri ?? `sip:ua@127.0.0.1:${uaPort}`} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=${fields.branch ?? `z9hG4bKpeer${n}x${Date.now()}`}`,
    'Max-Forwards: 70',
    `To: <sip:ua@127.0.0.1:${uaPort}>${fields.toTag !== undefined ? `;tag=${fields.toTag}` : ''}`,
    `From: <sip:peer@127.0.0.1:${peerPort}>;tag=${fields.fromTag ?? `ft${n}`}`,
    `Call-ID: ${fields.callId ?? `call${n}.${Date.now()}@peer`}`,
    `CSeq: ${fields.cseq ?? 1} ${method}`,
    `Contact: <sip:peer@127.0.0.1:${peerPort}>`,
    ...(fields.extra ?? []),
    ...(body !== '' && !(fields.extra ?? []).some((l) => /^content-type:/i.test(l)) ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/** A response from the peer to a request the UA sent: Via, From, To, Call-ID, CSeq copied. */
export function responseTo(req: Request, status: number, reason: string, fields: { toTag?: string; extra?: string[]; body?: string } = {}): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const f of req.headers.fields) if (f.key === 'via') lines.push(`Via: ${f.value}`);
  lines.push(`From: ${req.headers.get('From')}`);
  const to = req.headers.get('To') as string;
  lines.push(`To: ${fields.toTag !== undefined && !/;tag=/.test(to) ? `${to};tag=${fields.toTag}` : to}`);
  lines.push(`Call-ID: ${req.headers.get('Call-ID')}`);
  lines.push(`CSeq: ${req.headers.get('CSeq')}`);
  lines.push(...(fields.extra ?? []));
  const body = fields.body ?? '';
  if (body !== '') lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join('\r\n');
}

export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

/**
 * Two UserAgents on loopback: the callee accepts every INVITE, `call()` places
 * one from the caller and resolves once both sides are confirmed; `close()`
 * closes both.
 */
export async function twoAgents(): Promise<{ caller: UserAgent; callee: UserAgent; incoming: Call[]; call: () => Promise<{ call: Call; callee: Call }>; close: () => Promise<void> }> {
  const callee = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const caller = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  const incoming: Call[] = [];
  callee.on('invite', (call: Call) => {
    incoming.push(call);
    call.accept();
  });
  const call = async () => {
    const placed = caller.invite(`sip:callee@127.0.0.1:${callee.sentBy.port}`);
    if (!(await placed.answered())) throw new Error(`the call failed: ${placed.status}`);
    const answered = incoming.at(-1) as Call;
    await new Promise((r) => (answered.state === 'Confirmed' ? r(null) : answered.once('confirmed', r)));
    return { call: placed, callee: answered };
  };
  return { caller, callee, incoming, call, close: async () => { await caller.close(); await callee.close(); } };
}
