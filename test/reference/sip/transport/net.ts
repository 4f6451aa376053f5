/** Test helpers: plain loopback sockets acting as a remote SIP element, and waiting for conditions. */
import { createSocket, type Socket as Udp } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { TransportLayer, type Origin } from '../../../../reference/sip/transport/layer.ts';
import { TransactionLayer, type ServerTransaction } from '../../../../reference/sip/transaction/layer.ts';
import { FakeClock } from '../../../../reference/clock.ts';
import { createResponse, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';

export async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RawUdp {
  socket: Udp;
  port: number;
  received: { text: string; port: number }[];
  send(text: string, port: number): Promise<void>;
  close(): Promise<void>;
}

export async function rawUdp(): Promise<RawUdp> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const received: { text: string; port: number }[] = [];
  socket.on('message', (m, rinfo) => received.push({ text: m.toString('utf8'), port: rinfo.port }));
  return {
    socket,
    port: socket.address().port,
    received,
    send: (text, port) => new Promise((r, j) => socket.send(text, port, '127.0.0.1', (e) => (e ? j(e) : r()))),
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

export interface RawTcp {
  socket: Socket;
  data: () => string;
  close(): void;
}

export async function rawTcp(port: number): Promise<RawTcp> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r, j) => {
    socket.once('connect', () => r());
    socket.once('error', j);
  });
  let data = '';
  socket.on('data', (c) => (data += c.toString('utf8')));
  return { socket, data: () => data, close: () => socket.destroy() };
}

/** Resolves when the far end has closed the connection; rejects if it has not within `ms` (a safety net). */
export function closedIn(peer: RawTcp, ms = 5000): Promise<void> {
  peer.socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    if (peer.socket.destroyed) return resolve();
    const timer = setTimeout(() => {
      peer.close();
      reject(new Error(`the connection is still open after ${ms} ms`));
    }, ms);
    peer.socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A request as text. */
export function requestText(opts: { method?: string; via: string; body?: string; extra?: string[]; cseq?: string }): string {
  const method = opts.method ?? 'OPTIONS';
  const body = opts.body ?? '';
  return [
    `${method} sip:uas@127.0.0.1 SIP/2.0`,
    `Via: ${opts.via}`,
    'From: <sip:uac@example.com>;tag=f1',
    'To: <sip:uas@example.com>',
    'Call-ID: call-1@example.com',
    `CSeq: ${opts.cseq ?? `1 ${method}`}`,
    'Max-Forwards: 70',
    ...(opts.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

export interface Seen {
  requests: { request: Request; origin: Origin }[];
  responses: { response: Response; origin: Origin }[];
  dropped: string[];
}

/** A transport layer on 127.0.0.1 that records what it receives; `answer` gives the status to respond with. */
export async function element(config: Partial<Parameters<typeof TransportLayer.start>[0]> = {}, answer?: (r: Request) => number) {
  const seen: Seen = { requests: [], responses: [], dropped: [] };
  const layer: TransportLayer = await TransportLayer.start({ host: '127.0.0.1', port: 0, ...config }, {
    receiveRequest(request, origin) {
      seen.requests.push({ request, origin });
      const status = answer?.(request);
      if (status !== undefined) layer.sendResponse(createResponse(request, status), origin).catch((e: Error) => seen.dropped.push(`response not sent: ${e.message}`));
    },
    receiveResponse: (response, origin) => seen.responses.push({ response, origin }),
    dropped: (reason) => seen.dropped.push(reason),
  });
  return { layer, seen };
}

/**
 * A transport with a transaction layer on it, both on one FakeClock, on
 * 127.0.0.1: the TU keeps each server transaction unanswered, for the test
 * to answer when it likes.
 */
export async function stack(config: Partial<Parameters<typeof TransportLayer.start>[0]> = {}) {
  const clock = new FakeClock();
  const seen: Seen & { transactions: ServerTransaction[] } = { requests: [], responses: [], dropped: [], transactions: [] };
  const transport = await TransportLayer.start({ host: '127.0.0.1', port: 0, clock, ...config }, { receiveRequest() {}, receiveResponse() {} });
  const transactions = new TransactionLayer(transport, {
    receiveRequest(request, transaction, origin) {
      seen.requests.push({ request, origin });
      if (transaction !== undefined) seen.transactions.push(transaction);
    },
    receiveStrayResponse: (response, origin) => seen.responses.push({ response, origin }),
  }, { clock, tuAnswersInviteWithin200ms: true });
  transport.user = {
    receiveRequest: (request, origin) => transactions.receiveRequest(request, origin),
    receiveResponse: (response, origin) => transactions.receiveResponse(response, origin),
    dropped: (reason) => seen.dropped.push(reason),
  };
  return {
    clock,
    transport,
    seen,
    close: async () => {
      transactions.close();
      await transport.close();
    },
  };
}
