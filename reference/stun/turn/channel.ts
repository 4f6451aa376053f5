// @implements RFC8656 (TURN)
/**
 * One channel binding (RFC 8656 §12), a channel number and a peer transport
 * address, as a state × event function:
 *
 *   Binding   --success-->               Bound     (refresh at 540 s, expiry at 600 s)
 *   Binding   --error-->                 Failed
 *   Bound     --refresh timer-->         Rebinding (ChannelBind again, same number and peer)
 *   Rebinding --success-->               Bound     (timers restarted)
 *   Rebinding --error-->                 Bound     (until it expires)
 *   Bound, Rebinding --expiry timer-->   Unbound   (5 minutes' quarantine)
 *   Unbound   --quarantine timer-->      Free
 *   any bound state --allocation gone--> Unbound
 *
 * Free and Failed are ends. While Unbound, neither the number nor the peer
 * may be bound to anything else (`mayBind` says so for a table of bindings).
 * Any other arrow throws RefusedEvent naming state and event.
 */
import type { TransportAddress } from './allocation.ts';
import { isChannelNumber } from './channelData.ts';
import { never, RefusedEvent, type TimerAction, type Transition } from './machine.ts';

// @implements RFC8656 P46L42-P46L45
export const CHANNEL_LIFETIME = 600_000;
/** A minute before it lapses, as with permissions. */
export const CHANNEL_REFRESH = 540_000;
// @implements RFC8656 P47L2-P47L5
export const CHANNEL_QUARANTINE = 300_000;

export interface Binding {
  number: number;
  peer: TransportAddress;
}

export type ChannelState =
  | { name: 'Binding'; binding: Binding }
  | { name: 'Bound'; binding: Binding }
  | { name: 'Rebinding'; binding: Binding }
  | { name: 'Unbound'; binding: Binding }
  | { name: 'Free'; binding: Binding }
  | { name: 'Failed'; binding: Binding; code: number; reason: string };

export type ChannelEvent =
  | { type: 'Success' }
  | { type: 'Error'; code: number; reason: string }
  | { type: 'RefreshTimer' }
  | { type: 'ExpiryTimer' }
  | { type: 'QuarantineTimer' }
  | { type: 'AllocationGone' };

export type ChannelTimer = 'refresh' | 'expiry' | 'quarantine';
export type ChannelAction = { do: 'sendChannelBind'; binding: Binding } | TimerAction<ChannelTimer>;

type Step = Transition<ChannelState, ChannelAction>;

export function startChannel(binding: Binding): Step {
  if (!isChannelNumber(binding.number)) {
    throw new RangeError(`ChannelBind: channel number 0x${binding.number.toString(16)} is not in 0x4000-0x4FFF (RFC 8656 §12, Table 2)`);
  }
  // @implements RFC8656 P47L28-P47L31
  return { next: { name: 'Binding', binding }, actions: [{ do: 'sendChannelBind', binding }] };
}

export function channelStep(s: ChannelState, e: ChannelEvent): Step {
  const refuse = (): never => {
    throw new RefusedEvent(`channel 0x${s.binding.number.toString(16)}`, s.name, e.type, 'RFC 8656 §12');
  };
  switch (s.name) {
    case 'Binding':
    case 'Rebinding':
      switch (e.type) {
        case 'Success':
          // @implements RFC8656 P49L3-P49L6
          return bound(s.binding);
        case 'Error':
          // A failed rebind leaves the binding as it was, until its 10 minutes run out.
          // @implements RFC8656 P46L42-P46L45
          if (s.name === 'Rebinding') return { next: { name: 'Bound', binding: s.binding }, actions: [] };
          return { next: { name: 'Failed', binding: s.binding, code: e.code, reason: e.reason }, actions: [] };
        case 'ExpiryTimer':
          if (s.name === 'Binding') return refuse();
          // @implements RFC8656 P46L47-P47L2
          return unbound(s.binding);
        case 'AllocationGone':
          // @implements RFC8656 P46L25-P46L26
          return unbound(s.binding);
        case 'RefreshTimer':
        case 'QuarantineTimer':
          return refuse();
        default:
          return never(e);
      }
    case 'Bound':
      switch (e.type) {
        case 'RefreshTimer':
          // @implements RFC8656 P47L36-P47L38
          return { next: { name: 'Rebinding', binding: s.binding }, actions: [{ do: 'sendChannelBind', binding: s.binding }] };
        case 'ExpiryTimer':
        case 'AllocationGone':
          // @implements RFC8656 P46L25-P46L26, P46L47-P47L2
          return unbound(s.binding);
        case 'Success':
        case 'Error':
        case 'QuarantineTimer':
          return refuse();
        default:
          return never(e);
      }
    case 'Unbound':
      switch (e.type) {
        case 'QuarantineTimer':
          // @implements RFC8656 P47L2-P47L5
          return { next: { name: 'Free', binding: s.binding }, actions: [] };
        case 'AllocationGone':
          return { next: s, actions: [] };
        case 'Success':
        case 'Error':
        case 'RefreshTimer':
        case 'ExpiryTimer':
          return refuse();
        default:
          return never(e);
      }
    case 'Free':
    case 'Failed':
      return refuse();
    default:
      return never(s);
  }
}

/** The same transport address (IP and port) of a peer? */
// @implements RFC8656 P46L36-P46L38
export const samePeer = (a: TransportAddress, b: TransportAddress): boolean => a.address === b.address && a.port === b.port;

/**
 * May `wanted` be bound, given the channels in `table`? A number or a peer
 * already bound (or in quarantine) to something else may not; rebinding the
 * very same pair is a refresh and may. Returns why not, or undefined.
 */
export function mayBind(table: Iterable<ChannelState>, wanted: Binding): string | undefined {
  for (const c of table) {
    if (c.name === 'Free' || c.name === 'Failed') continue;
    const sameNumber = c.binding.number === wanted.number;
    const same = samePeer(c.binding.peer, wanted.peer);
    // @implements RFC8656 P46L36-P46L40, P47L2-P47L5
    if (sameNumber !== same) {
      const what = sameNumber ? `channel 0x${wanted.number.toString(16)} is ${c.name} to ${c.binding.peer.address}:${c.binding.peer.port}` : `${wanted.peer.address}:${wanted.peer.port} is ${c.name} to channel 0x${c.binding.number.toString(16)}`;
      return `${what}${c.name === 'Unbound' ? ' (in its 5 minutes after expiry)' : ''} (RFC 8656 §12)`;
    }
  }
  return undefined;
}

function bound(binding: Binding): Step {
  return {
    next: { name: 'Bound', binding },
    actions: [
      { do: 'stopTimer', timer: 'quarantine' },
      { do: 'startTimer', timer: 'refresh', ms: CHANNEL_REFRESH },
      { do: 'startTimer', timer: 'expiry', ms: CHANNEL_LIFETIME },
    ],
  };
}

function unbound(binding: Binding): Step {
  return {
    next: { name: 'Unbound', binding },
    actions: [{ do: 'stopTimer', timer: 'refresh' }, { do: 'stopTimer', timer: 'expiry' }, { do: 'startTimer', timer: 'quarantine', ms: CHANNEL_QUARANTINE }],
  };
}
