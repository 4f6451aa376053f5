// @implements RFC8656 (TURN)
/**
 * A TURN client over one transport to the server (the 5-tuple): the
 * allocation, its permissions and its channel bindings, each a machine on the
 * clock (allocation.ts, permission.ts, channel.ts), whose requests are carried
 * out as STUN transactions (../transaction/) and whose answers are fed back as
 * events. What arrives from the server is demultiplexed by its first byte:
 * Data indications and ChannelData are checked (§11.4, §12.6) and handed to
 * `onData` with the peer they came from; what fails a check is discarded and
 * noted in `discarded`.
 *
 *   const client = new TurnClient(transport, { username, password });
 *   await client.allocate();
 *   await client.permit(peer);
 *   client.send(peer, bytes);                  // Send indication
 *   await client.bindChannel(peer);            // ChannelBind
 *   client.sendChannel(peer, bytes);           // ChannelData
 *   await client.close();                      // Refresh, LIFETIME 0
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.ts';
import { LongTermClient } from '../auth/index.ts';
import { Allocate, decodeMessage, Data, firstAttribute, Refresh, type StunMessage } from '../message/index.ts';
import { indicate, request, TransactionFailed, type StunTransport } from '../transaction/request.ts';
import { allocationStep, startAllocation, type AllocationAction, type AllocationEvent, type AllocationState, type AllocationTimer, type Family, type TransportAddress } from './allocation.ts';
import { channelStep, mayBind, samePeer, startChannel, type ChannelAction, type ChannelEvent, type ChannelState, type ChannelTimer } from './channel.ts';
import { classifyFirstByte, decodeChannelData, encodeChannelData, FIRST_CHANNEL, LAST_CHANNEL } from './channelData.ts';
import { Machine, Waiters } from './machine.ts';
import { allocateRequest, channelBindRequest, createPermissionRequest, encodeRequest, outcome, refreshRequest, sendIndication, type Outcome } from './messages.ts';
import { permissionStep, startPermission, type PermissionAction, type PermissionEvent, type PermissionState, type PermissionTimer } from './permission.ts';

export interface TurnClientOptions {
  username: string;
  password: string;
  clock?: Clock;
  /** LIFETIME asked for on each refresh, seconds (the server decides). */
  lifetime?: number;
  /** Families of relayed and mapped addresses this client handles. */
  families?: Family[];
}

export interface Received {
  peer: TransportAddress;
  data: Uint8Array;
  /** How the server relayed it. */
  via: 'Data indication' | 'ChannelData';
  channel?: number;
}

/** The last discards kept (what was dropped and why), so memory stays bounded. */
const DISCARDS_KEPT = 100;

type AllocationMachine = Machine<AllocationState, AllocationEvent, Exclude<AllocationAction, { do: 'startTimer' | 'stopTimer' }>, AllocationTimer>;
type PermissionMachine = Machine<PermissionState, PermissionEvent, Exclude<PermissionAction, { do: 'startTimer' | 'stopTimer' }>, PermissionTimer>;
type ChannelMachine = Machine<ChannelState, ChannelEvent, Exclude<ChannelAction, { do: 'startTimer' | 'stopTimer' }>, ChannelTimer>;

/** A fired timer as its machine's event: 'refresh' → { type: 'RefreshTimer' }. */
function timerEvent<E>(timer: string): E {
  return { type: `${timer[0]!.toUpperCase()}${timer.slice(1)}Timer` } as E;
}

export class TurnClient {
  readonly #clock: Clock;
  /** The long-term credential every request on the 5-tuple uses (§7.3). */
  readonly #credential: LongTermClient;
  readonly #lifetime: number;
  readonly #families: Family[];
  // The client's copy of the allocation's state data: its permissions and channels with it.
  // @implements RFC8656 P25L25-P25L41, P34L5-P34L7
  #allocation?: AllocationMachine;
  readonly #permissions = new Map<string, PermissionMachine>();
  readonly #channels = new Map<number, ChannelMachine>();
  readonly #waiters = new Waiters();
  readonly #unsubscribe: () => void;
  /** Handed each datagram relayed from a peer. */
  onData: (received: Received) => void = () => {};
  /** What arrived and was dropped, and why (the latest DISCARDS_KEPT). */
  readonly discarded: string[] = [];

  constructor(
    readonly transport: StunTransport,
    options: TurnClientOptions,
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#credential = new LongTermClient(options.username, options.password);
    // @implements RFC8656 P37L25-P37L28
    this.#lifetime = options.lifetime ?? 600;
    // @implements RFC8656 P33L38-P33L41
    this.#families = options.families ?? ['IPv4', 'IPv6'];
    // Everything the server sends on the 5-tuple, demultiplexed by its first byte (#receive).
    // @implements RFC8656 P46L11-P46L13
    this.#unsubscribe = transport.subscribe({ message: (m) => this.#receive(m), error: () => {} });
  }

  get allocation(): AllocationState | undefined {
    return this.#allocation?.state;
  }

  /** The relayed transport address, once Allocated. */
  get relayed(): TransportAddress {
    const s = this.#allocation?.state;
    if (s === undefined || (s.name !== 'Allocated' && s.name !== 'Refreshing')) {
      throw new Error(`TURN: no allocation to use (${s === undefined ? 'none made yet' : `it is ${s.name}`}; RFC 8656 §5)`);
    }
    return s.allocation.relayed;
  }

  permission(ip: string): PermissionState | undefined {
    return this.#permissions.get(ip)?.state;
  }

  channel(peer: TransportAddress): ChannelState | undefined {
    return [...this.#channels.values()].map((c) => c.state).find((s) => samePeer(s.binding.peer, peer));
  }

  /** Allocate (with the 401 → credentials dance); resolves once Allocated, rejects naming why it is not. */
  // @implements RFC8656 P26L40, P28L29-P28L30
  async allocate(): Promise<TransportAddress> {
    if (this.#allocation !== undefined) throw new Error(`TURN: this client already has an allocation (${this.#allocation.state.name}); one per 5-tuple (RFC 8656 §2)`);
    this.#allocation = new Machine(startAllocation(), (s, e) => allocationStep(s, e, { lifetime: this.#lifetime, families: this.#families }), {
      clock: this.#clock,
      timerEvent: timerEvent<AllocationEvent>,
      act: (a) => this.#allocationAction(a),
    });
    await this.#until(() => {
      const s = this.#allocation!.state;
      if (s.name === 'Allocated') return true;
      if (s.name === 'Failed') throw new Error(`TURN Allocate failed: ${s.code} ${s.reason}`);
      if (s.name === 'Deleting' || s.name === 'Deleted' || s.name === 'Expired') throw new Error(`TURN Allocate: ${'why' in s ? s.why : s.name}`);
      return false;
    });
    return this.relayed;
  }

  /** CreatePermission for the peer's IP; resolves once Installed. */
  // @implements RFC8656 P40L15-P40L16, P39L7-P39L9
  async permit(peer: TransportAddress): Promise<void> {
    const relayed = this.relayed;
    const old = this.#permissions.get(peer.address);
    if (old === undefined || old.state.name === 'Expired' || old.state.name === 'Failed') {
      old?.stop();
      this.#permissions.set(peer.address, new Machine(startPermission(peer.address), permissionStep, {
        clock: this.#clock,
        timerEvent: timerEvent<PermissionEvent>,
        act: (a) =>
          this.#transact(createPermissionRequest([{ ...peer }], relayed), (o) => {
            const p = this.#permissions.get(a.ip);
            if (p !== undefined && this.#awaits(p, ['Installing', 'Refreshing'], `CreatePermission for ${a.ip}`)) p.dispatch(o.type === 'Success' ? { type: 'Success', now: this.#clock.now() } : asError(o));
          }),
      }));
    }
    // @implements RFC8656 P41L21-P41L23
    await this.#until(() => {
      const s = this.#permissions.get(peer.address)!.state;
      if (s.name === 'Failed') throw new Error(`TURN CreatePermission for ${peer.address} failed: ${s.code} ${s.reason}`);
      if (s.name === 'Expired') throw new Error(`TURN permission for ${peer.address}: ${s.why}`);
      return s.name === 'Installed' || s.name === 'Refreshing';
    });
  }

  /** Data to the peer in a Send indication. */
  // @exception RFC8656 P19L46-P19L48: the size of what is sent is the application's; this client neither fragments nor sends DONT-FRAGMENT
  send(peer: TransportAddress, data: Uint8Array): void {
    // @implements RFC8656 P41L36-P41L39
    if (!this.#permitted(peer.address)) throw new Error(`TURN Send: no permission is installed for ${peer.address}; CreatePermission first (RFC 8656 §11.1)`);
    indicate(this.transport, sendIndication(peer, data));
  }

  /** ChannelBind the peer to a free channel number (or `number`); resolves once Bound. */
  async bindChannel(peer: TransportAddress, number?: number): Promise<number> {
    const relayed = this.relayed;
    const existing = this.channel(peer);
    if (existing !== undefined && (existing.name === 'Bound' || existing.name === 'Rebinding')) return existing.binding.number;
    // The permission is tracked by CreatePermission; the ChannelBind then refreshes it (§12.1).
    if (!this.#permitted(peer.address)) await this.permit(peer);
    const n = number ?? this.#freeChannel();
    // @implements RFC8656 P46L36-P46L40
    const why = mayBind([...this.#channels.values()].map((c) => c.state), { number: n, peer });
    if (why !== undefined) throw new Error(`TURN ChannelBind: ${why}`);
    this.#channels.get(n)?.stop();
    this.#channels.set(n, new Machine(startChannel({ number: n, peer }), channelStep, {
      clock: this.#clock,
      timerEvent: timerEvent<ChannelEvent>,
      act: (a) =>
        this.#transact(channelBindRequest(a.binding.number, a.binding.peer, relayed), (o) => {
          const c = this.#channels.get(a.binding.number);
          if (c !== undefined && this.#awaits(c, ['Binding', 'Rebinding'], `ChannelBind 0x${a.binding.number.toString(16)}`)) c.dispatch(o.type === 'Success' ? { type: 'Success' } : asError(o));
          // @implements RFC8656 P47L24-P47L26, P49L5-P49L6
          const p = this.#permissions.get(a.binding.peer.address);
          if (o.type === 'Success' && p !== undefined && (p.state.name === 'Installed' || p.state.name === 'Refreshing')) p.dispatch({ type: 'Success', now: this.#clock.now() });
        }),
    }));
    await this.#until(() => {
      const s = this.#channels.get(n)!.state;
      if (s.name === 'Failed') throw new Error(`TURN ChannelBind 0x${n.toString(16)} failed: ${s.code} ${s.reason}`);
      return s.name === 'Bound';
    });
    return n;
  }

  /** Data to the peer in a ChannelData message on its bound channel. */
  sendChannel(peer: TransportAddress, data: Uint8Array): void {
    const s = this.channel(peer);
    if (s === undefined || (s.name !== 'Bound' && s.name !== 'Rebinding')) {
      throw new Error(`TURN ChannelData: no channel is bound to ${peer.address}:${peer.port}${s ? ` (it is ${s.name})` : ''}; ChannelBind first (RFC 8656 §12.5)`);
    }
    // @implements RFC8656 P50L20-P50L21
    this.transport.send(encodeChannelData({ channel: s.binding.number, data }, this.transport.reliable ? 'tcp' : 'udp'));
  }

  /** Deletes the allocation (Refresh, LIFETIME 0) and stops every timer. */
  async close(): Promise<void> {
    const a = this.#allocation;
    try {
      if (a !== undefined && (a.state.name === 'Allocated' || a.state.name === 'Refreshing')) {
        // @implements RFC8656 P37L2-P37L4
        a.dispatch({ type: 'Delete' });
        await this.#until(() => a.state.name === 'Deleted');
      }
    } finally {
      this.#stopAll();
      this.#unsubscribe();
    }
  }

  #allocationAction(a: Exclude<AllocationAction, { do: 'startTimer' | 'stopTimer' }>): void {
    const message = a.do === 'sendAllocate' ? allocateRequest() : refreshRequest(a.lifetime);
    this.#transact(message, (o) => {
      const m = this.#allocation;
      if (m !== undefined && this.#awaits(m, ['Allocating', 'Refreshing', 'Deleting'], a.do === 'sendAllocate' ? 'Allocate' : 'Refresh')) m.dispatch(this.#allocationEvent(o));
    });
  }

  // The lifetime the server gave, not the one asked for.
  // @implements RFC8656 P33L47-P34L2
  #allocationEvent(o: Outcome): AllocationEvent {
    if (o.type !== 'Success') return o;
    const m = o.message;
    return { type: 'Success', relayed: firstAttribute(m, 'XOR-RELAYED-ADDRESS')?.value, mapped: firstAttribute(m, 'XOR-MAPPED-ADDRESS')?.value, lifetime: firstAttribute(m, 'LIFETIME')?.value ?? 0 };
  }

  /**
   * Runs one request as a transaction and feeds its outcome back. Requests
   * other than Allocate and Refresh carry the allocation's latest challenge;
   * a 437 to any of them means the allocation is gone (§5).
   */
  // @implements RFC8656 P34L3-P34L5
  #transact(message: StunMessage, feed: (o: Outcome) => void): void {
    const bytes = encodeRequest(message, this.#credential);
    let answer: Outcome | undefined;
    // A response that does not decode, or that the credential says to discard, is as if never received.
    const accept = (response: Uint8Array): boolean => {
      const decoded = decodeMessage(response);
      answer = decoded.ok ? outcome(response, decoded.message, this.#credential, this.transport.reliable) : undefined;
      return answer !== undefined;
    };
    request(this.transport, bytes, { clock: this.#clock, accept })
      .then((): Outcome => answer!)
      .catch((e: unknown): Outcome => ({ type: 'Error', code: e instanceof TransactionFailed ? 408 : 0, reason: e instanceof Error ? e.message : String(e) }))
      .then((o) => {
        // @implements RFC8656 P24L6-P24L7, P26L7-P26L10
        const isAllocation = message.method === Allocate || message.method === Refresh;
        if (o.type === 'Mismatch' && !isAllocation) this.#allocationGone();
        else if (o.type === 'StaleNonce' && !isAllocation) this.#staleNonce(message, feed, o.nonce);
        else feed(o);
        this.#wake();
      });
  }

  /** 438 on a permission or channel request: the allocation's nonce is renewed, the request sent again. */
  #staleNonce(message: StunMessage, feed: (o: Outcome) => void, nonce: string): void {
    const a = this.#allocation;
    if (a === undefined || (a.state.name !== 'Allocated' && a.state.name !== 'Refreshing')) return feed({ type: 'Error', code: 438, reason: 'Stale Nonce, and no allocation to take the new nonce' });
    a.dispatch({ type: 'NonceChanged', nonce });
    // A new request: a new transaction id (RFC 8489 §6.2).
    this.#transact({ ...message, transactionId: new Uint8Array(randomBytes(12)) }, feed);
  }

  // @implements RFC8656 P24L6-P24L7, P39L40-P39L42, P46L25-P46L26
  #allocationGone(): void {
    const a = this.#allocation;
    if (a !== undefined && (a.state.name === 'Allocated' || a.state.name === 'Refreshing')) a.dispatch({ type: 'Mismatch' });
    for (const p of this.#permissions.values()) if (p.state.name !== 'Expired' && p.state.name !== 'Failed') p.dispatch({ type: 'AllocationGone' });
    for (const c of this.#channels.values()) if (c.state.name !== 'Free' && c.state.name !== 'Failed' && c.state.name !== 'Unbound') c.dispatch({ type: 'AllocationGone' });
  }

  #receive(bytes: Uint8Array): void {
    if (bytes.length === 0) return this.#discard('an empty datagram');
    // @implements RFC8656 P46L11-P46L13, P45L42-P46L7
    switch (classifyFirstByte(bytes[0]!)) {
      case 'stun':
        return this.#receiveStun(bytes);
      case 'channel':
        return this.#receiveChannelData(bytes);
      default:
        return this.#discard(`first byte ${bytes[0]} is neither STUN (0-3) nor a channel (64-79) (RFC 8656 §12, Table 3)`);
    }
  }

  #receiveStun(bytes: Uint8Array): void {
    // Responses are the transactions' (they subscribe to the transport too): only an indication (class bits 01) is decoded here.
    if ((bytes[0]! & 0x01) !== 0 || (bytes[1]! & 0x10) === 0) return;
    const decoded = decodeMessage(bytes);
    if (!decoded.ok || decoded.message.class !== 'indication') return;
    const m = decoded.message;
    if (m.method !== Data) return this.#discard(`an indication of method 0x${m.method.toString(16)}, not Data`);
    const peer = firstAttribute(m, 'XOR-PEER-ADDRESS')?.value;
    // @implements RFC8656 P43L21-P43L23
    if (peer === undefined) return this.#discard('a Data indication without XOR-PEER-ADDRESS (RFC 8656 §11.4)');
    // @implements RFC8656 P43L23-P43L26
    if (!this.#permitted(peer.address)) return this.#discard(`a Data indication from ${peer.address}, for which there is no permission (RFC 8656 §11.4)`);
    const data = firstAttribute(m, 'DATA')?.value;
    // @implements RFC8656 P43L32-P43L35
    if (data === undefined) return this.#discard(`a Data indication from ${peer.address} without DATA (RFC 8656 §11.4)`);
    // @implements RFC8656 P43L39-P43L42
    this.onData({ peer, data, via: 'Data indication' });
  }

  #receiveChannelData(bytes: Uint8Array): void {
    const d = decodeChannelData(bytes, this.transport.reliable ? 'tcp' : 'udp');
    if (d.kind !== 'message') return this.#discard(d.kind === 'discard' ? d.why : 'a partial ChannelData message');
    const c = this.#channels.get(d.message.channel)?.state;
    // A channel being bound may already carry data (§12); an unbound one may not.
    // @implements RFC8656 P50L40-P50L41, P47L7-P47L11
    if (c === undefined || (c.name !== 'Binding' && c.name !== 'Bound' && c.name !== 'Rebinding')) {
      return this.#discard(`ChannelData on channel 0x${d.message.channel.toString(16)}, which is not bound (RFC 8656 §12.6)`);
    }
    // @implements RFC8656 P50L43-P50L44
    if (!this.#permitted(c.binding.peer.address)) return this.#discard(`ChannelData from ${c.binding.peer.address}, for which there is no permission (RFC 8656 §12.6)`);
    this.onData({ peer: c.binding.peer, data: d.message.data, via: 'ChannelData', channel: d.message.channel });
  }

  /**
   * Does the machine still wait for this answer? One that comes after the
   * machine moved on (a permission that expired while its refresh was out)
   * is not an event it allows: it is noted and dropped here, at the network's
   * edge, rather than refused as a misuse.
   */
  #awaits(m: { state: { name: string } }, waiting: string[], what: string): boolean {
    if (waiting.includes(m.state.name)) return true;
    this.#discard(`the answer to ${what} came when it was ${m.state.name}`);
    return false;
  }

  #permitted(ip: string): boolean {
    const s = this.#permissions.get(ip)?.state.name;
    return s === 'Installed' || s === 'Refreshing';
  }

  // @implements RFC8656 P45L24-P45L25
  #freeChannel(): number {
    for (let n = FIRST_CHANNEL; n <= LAST_CHANNEL; n++) {
      const s = this.#channels.get(n)?.state.name;
      if (s === undefined || s === 'Free' || s === 'Failed') return n;
    }
    throw new Error('TURN ChannelBind: all 4096 channel numbers (0x4000-0x4FFF) are in use (RFC 8656 §12)');
  }

  #discard(why: string): void {
    this.discarded.push(why);
    if (this.discarded.length > DISCARDS_KEPT) this.discarded.shift();
  }

  // @implements RFC8656 P39L40-P39L42, P46L25-P46L26
  #stopAll(): void {
    this.#allocation?.stop();
    for (const p of this.#permissions.values()) p.stop();
    for (const c of this.#channels.values()) c.stop();
  }

  #until(done: () => boolean): Promise<void> {
    return this.#waiters.until(done);
  }

  #wake(): void {
    this.#waiters.wake();
  }
}

function asError(o: Outcome): { type: 'Error'; code: number; reason: string } {
  if (o.type === 'Error') return o;
  if (o.type === 'Mismatch') return { type: 'Error', code: 437, reason: 'Allocation Mismatch' };
  if (o.type === 'Unauthorized') return { type: 'Error', code: 401, reason: 'Unauthorized' };
  if (o.type === 'StaleNonce') return { type: 'Error', code: 438, reason: 'Stale Nonce' };
  return { type: 'Error', code: 0, reason: 'unexpected success' };
}
