/**
 * Running a transaction (plumbing: the rules are udp.ts's and tcp.ts's):
 * `request(transport, message, options)` sends an encoded STUN request and
 * resolves with the encoded response whose transaction id matches, or
 * rejects with a `TransactionFailed` naming why. Over an unreliable transport
 * it retransmits on the §6.2.1 schedule; over a reliable one it waits Ti.
 * `indicate` sends an indication, once.
 */
import { systemClock, type Clock, type TimerHandle } from '../../clock.ts';
import { DEFAULT_TI, startTcpTransaction, tcpStep, type TcpAction, type TcpTransaction } from './tcp.ts';
import { DEFAULT_UDP_TIMERS, startUdpTransaction, udpStep, type Failure, type UdpAction, type UdpTimers, type UdpTransaction } from './udp.ts';
import type { RtoCache } from './rto.ts';
import { HEADER_LENGTH } from './framing.ts';

/** What carries messages to one server: a UDP socket aimed at it, or a TCP connection. */
export interface StunTransport {
  /** TCP (or TLS): no retransmissions (§6.2.2). */
  readonly reliable: boolean;
  /** The server's IP address (the RTO cache's key). */
  readonly remoteAddress: string;
  /** Sends one whole message; throws if it cannot. */
  send(message: Uint8Array): void;
  /** Each message that arrives, and a hard error (ICMP unreachable, connection reset); returns the unsubscribe. */
  subscribe(receiver: TransportReceiver): () => void;
}

export interface TransportReceiver {
  message(message: Uint8Array): void;
  error(error: Error, kind: 'icmpError' | 'transportError'): void;
}

export interface RequestOptions {
  clock?: Clock;
  /** §6.2.1's RTO, Rc and Rm (unreliable transports). */
  timers?: Partial<UdpTimers>;
  /** §6.2.2's Ti, ms (reliable transports). */
  ti?: number;
  /** Where the starting RTO comes from and the round trip goes to (§6.2.1). */
  rtoCache?: RtoCache;
  /**
   * A response that matches but that the caller throws away (one failing its
   * message-integrity check over UDP, §9.1.4, §9.2.5): false and it is as if
   * never received; retransmissions go on.
   */
  accept?: (response: Uint8Array) => boolean;
  /** Called with each request sent, the first and each retransmission (for tests and traces). */
  onSend?: (at: number) => void;
}

/** The transaction ended without a response. */
export class TransactionFailed extends Error {
  constructor(
    readonly failure: Failure,
    readonly sent: number,
    cause?: Error,
  ) {
    const why = failure === 'timeout' ? `no response after ${sent} request(s)` : failure === 'icmpError' ? 'the network says the server is unreachable' : 'the transport failed';
    super(`STUN transaction failed: ${why}${cause ? ` (${cause.message})` : ''}`);
    this.name = 'TransactionFailed';
  }
}

/** Bytes 8-19: the transaction id (§5). */
export function transactionId(message: Uint8Array): string {
  return Buffer.from(message.buffer, message.byteOffset + 8, 12).toString('hex');
}

/**
 * Whether `response` answers `request`: a response class (C1 set, §5), the
 * same method, the same magic cookie and transaction id.
 */
export function answers(request: Uint8Array, response: Uint8Array): boolean {
  if (response.length < HEADER_LENGTH || request.length < HEADER_LENGTH) return false;
  const type = (m: Uint8Array) => (m[0]! << 8) | m[1]!;
  // @implements RFC8489 P16L29-P16L31
  if ((type(response) & 0x0100) === 0) return false;
  if ((type(response) & 0x3eef) !== (type(request) & 0x3eef)) return false;
  for (let i = 4; i < HEADER_LENGTH; i++) if (request[i] !== response[i]) return false;
  return true;
}

/** Sends `message` (an encoded request) and resolves with the encoded response. */
export function request(transport: StunTransport, message: Uint8Array, options: RequestOptions = {}): Promise<Uint8Array> {
  const clock = options.clock ?? systemClock;
  return new Promise<Uint8Array>((resolve, reject) => {
    let timer: TimerHandle | undefined;
    let sent = 0;
    let unsubscribe = (): void => {};
    const stopTimer = () => {
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
    };
    const finish = () => {
      stopTimer();
      unsubscribe();
    };
    let cause: Error | undefined;
    const carryOut = (actions: (UdpAction<Uint8Array> | TcpAction<Uint8Array>)[], onTimer: () => void): void => {
      for (const a of actions) {
        switch (a.do) {
          case 'send':
            sent++;
            options.onSend?.(clock.now());
            try {
              transport.send(a.message);
            } catch (e) {
              cause = e as Error;
              queueMicrotask(() => event({ type: 'TransportError' }));
            }
            break;
          case 'startTimer':
            stopTimer();
            timer = clock.setTimer(a.ms, () => {
              timer = undefined;
              onTimer();
            });
            break;
          case 'stopTimer':
            stopTimer();
            break;
          case 'complete':
            finish();
            resolve(a.response);
            break;
          case 'fail':
            finish();
            reject(new TransactionFailed(a.failure, sent, cause));
            break;
        }
      }
    };

    let event: (e: { type: 'Timer' } | { type: 'Response'; response: Uint8Array } | { type: 'IcmpError' } | { type: 'TransportError' }) => void;
    if (transport.reliable) {
      let tx: TcpTransaction<Uint8Array>;
      event = (e) => {
        if (tx.state !== 'Waiting') return; // over already: a late error or a duplicate
        const step = tcpStep(tx, e.type === 'IcmpError' ? { type: 'TransportError' } : e);
        tx = step.next;
        carryOut(step.actions, () => event({ type: 'Timer' }));
      };
      unsubscribe = subscribe(transport, message, options.accept, (e) => event(e), (e) => (cause = e));
      const start = startTcpTransaction(message, options.ti ?? DEFAULT_TI);
      tx = start.next;
      carryOut(start.actions, () => event({ type: 'Timer' }));
    } else {
      const rtoCache = options.rtoCache;
      const timers: UdpTimers = { ...DEFAULT_UDP_TIMERS, ...(rtoCache && { rto: rtoCache.rto(transport.remoteAddress, clock.now()) }), ...options.timers };
      let tx: UdpTransaction<Uint8Array>;
      event = (e) => {
        if (tx.state === 'Completed' || tx.state === 'Failed') return;
        const step = udpStep(tx, e.type === 'Timer' || e.type === 'Response' ? { ...e, now: clock.now() } : e);
        tx = step.next;
        if (tx.state === 'Completed') rtoCache?.completed(transport.remoteAddress, clock.now(), tx.retransmitted ? undefined : tx.rtt);
        carryOut(step.actions, () => event({ type: 'Timer' }));
      };
      unsubscribe = subscribe(transport, message, options.accept, (e) => event(e), (e) => (cause = e));
      const start = startUdpTransaction(message, timers, clock.now());
      tx = start.next;
      carryOut(start.actions, () => event({ type: 'Timer' }));
    }
  });
}

function subscribe(
  transport: StunTransport,
  message: Uint8Array,
  accept: ((response: Uint8Array) => boolean) | undefined,
  event: (e: { type: 'Response'; response: Uint8Array } | { type: 'IcmpError' } | { type: 'TransportError' }) => void,
  because: (e: Error) => void,
): () => void {
  return transport.subscribe({
    message(m) {
      // §6.3: a response whose transaction id matches no transaction in progress is discarded.
      if (answers(message, m) && (accept === undefined || accept(m))) event({ type: 'Response', response: m });
    },
    error(e, kind) {
      because(e);
      event({ type: kind === 'icmpError' ? 'IcmpError' : 'TransportError' });
    },
  });
}

/** Sends an encoded indication: once, whatever the transport. */
export function indicate(transport: StunTransport, message: Uint8Array): void {
  // @implements RFC8489 P13L11-P13L12
  transport.send(message);
}
