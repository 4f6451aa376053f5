/**
 * The UDP sockets of one RTP session: RTP on an even port, RTCP on the next
 * (stream.ts rtcpPort), bound together or not at all. An address that cannot
 * be bound is a BindError (the CLI's exit 1, one line naming it), not a bug.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { formatEndpoint, rtcpPort, type Endpoint } from './stream.ts';

export class BindError extends Error {}

export interface SocketPair {
  rtp: Socket;
  rtcp: Socket;
  /** The RTP port bound (RTCP is the next one). */
  port: number;
  close(): Promise<void>;
}

function bindOne(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
    s.once('error', (e) => {
      s.close();
      reject(e);
    });
    s.bind(port, host, () => {
      s.removeAllListeners('error');
      resolve(s);
    });
  });
}

const closeOne = (s: Socket): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

/** Binds `at` (RTP) and the port above it (RTCP). */
export async function bindPair(at: Endpoint): Promise<SocketPair> {
  let rtp: Socket;
  try {
    rtp = await bindOne(at.host, at.port);
  } catch (e) {
    throw new BindError(`cannot listen on ${formatEndpoint(at)} for RTP: ${(e as Error).message}`);
  }
  try {
    const rtcp = await bindOne(at.host, rtcpPort(at.port));
    return { rtp, rtcp, port: at.port, close: () => Promise.all([closeOne(rtp), closeOne(rtcp)]).then(() => undefined) };
  } catch (e) {
    await closeOne(rtp);
    throw new BindError(`cannot listen on ${formatEndpoint({ host: at.host, port: rtcpPort(at.port) })} for RTCP: ${(e as Error).message}`);
  }
}

/** Any free even port on `host` with the odd one above it free too. */
export async function bindAnyPair(host: string): Promise<SocketPair> {
  for (let tries = 0; tries < 32; tries++) {
    const probe = await bindOne(host, 0).catch((e: Error) => {
      throw new BindError(`cannot bind a UDP port on ${host}: ${e.message}`);
    });
    const port = probe.address().port;
    await closeOne(probe);
    const even = port % 2 === 0 ? port : port - 1;
    if (even < 1024) continue;
    const pair = await bindPair({ host, port: even }).catch(() => undefined);
    if (pair) return pair;
  }
  throw new BindError(`no free pair of UDP ports (even, odd) on ${host}`);
}

/**
 * Sends with a count of datagrams on their way, so that the sockets are
 * closed only once the last one (the BYE) has left.
 */
export class Outbox {
  #pending = 0;
  #idle: (() => void)[] = [];
  errors = 0;

  send(socket: Socket, bytes: Uint8Array, to: Endpoint): void {
    this.#pending++;
    socket.send(bytes, to.port, to.host, (e) => {
      if (e) this.errors++;
      if (--this.#pending === 0) for (const f of this.#idle.splice(0)) f();
    });
  }

  drained(): Promise<void> {
    return this.#pending === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }
}
