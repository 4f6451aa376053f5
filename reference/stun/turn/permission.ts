// @implements RFC8656 (TURN)
/**
 * The client's view of one permission, for one peer IP address (RFC 8656
 * §9, §10), as a state × event function:
 *
 *   Installing --success (CreatePermission or ChannelBind)--> Installed (refresh + expiry timers)
 *   Installing --error-->                                     Failed
 *   Installed  --refresh timer (240 s)-->                     Refreshing (CreatePermission again)
 *   Refreshing --success-->                                   Installed  (timers restarted)
 *   Installed, Refreshing --ChannelBind success-->            Installed  (a ChannelBind refreshes it too)
 *   Refreshing --error-->                                     Installed  (until it expires)
 *   Installed, Refreshing --expiry timer (300 s)-->           Expired
 *   any live state --allocation gone-->                       Expired
 *
 * Expired and Failed are ends; a new permission for the address starts from
 * Installing. Any other arrow throws RefusedEvent naming state and event.
 */
import { never, RefusedEvent, type TimerAction, type Transition } from './machine.ts';

// @implements RFC8656 P39L18
export const PERMISSION_LIFETIME = 300_000;
/** Refreshed a minute early, so that a lost or slow refresh still lands in time. */
export const PERMISSION_REFRESH = 240_000;

export type PermissionState =
  | { name: 'Installing'; ip: string }
  | { name: 'Installed'; ip: string; since: number }
  | { name: 'Refreshing'; ip: string; since: number }
  | { name: 'Expired'; ip: string; why: string }
  | { name: 'Failed'; ip: string; code: number; reason: string };

export type PermissionEvent =
  /** A CreatePermission or ChannelBind success response naming this IP; `now` on the clock. */
  | { type: 'Success'; now: number }
  | { type: 'Error'; code: number; reason: string }
  | { type: 'RefreshTimer' }
  | { type: 'ExpiryTimer' }
  | { type: 'AllocationGone' };

export type PermissionTimer = 'refresh' | 'expiry';
export type PermissionAction = { do: 'sendCreatePermission'; ip: string } | TimerAction<PermissionTimer>;

type Step = Transition<PermissionState, PermissionAction>;

export function startPermission(ip: string): Step {
  // @implements RFC8656 P40L15-P40L16
  return { next: { name: 'Installing', ip }, actions: [{ do: 'sendCreatePermission', ip }] };
}

export function permissionStep(s: PermissionState, e: PermissionEvent): Step {
  const refuse = (): never => {
    throw new RefusedEvent(`permission for ${s.ip}`, s.name, e.type, 'RFC 8656 §9');
  };
  switch (s.name) {
    case 'Installing':
      switch (e.type) {
        case 'Success':
          // @implements RFC8656 P41L21-P41L23
          return installed(s.ip, e.now);
        case 'Error':
          return { next: { name: 'Failed', ip: s.ip, code: e.code, reason: e.reason }, actions: [] };
        case 'AllocationGone':
          // @implements RFC8656 P39L40-P39L42
          return expired(s.ip, 'its allocation is gone');
        case 'RefreshTimer':
        case 'ExpiryTimer':
          return refuse();
        default:
          return never(e);
      }
    case 'Installed':
    case 'Refreshing':
      switch (e.type) {
        case 'Success':
          // @implements RFC8656 P39L15-P39L16, P39L24-P39L27
          return installed(s.ip, e.now);
        case 'RefreshTimer':
          if (s.name === 'Refreshing') return refuse();
          // @implements RFC8656 P40L15-P40L22
          return { next: { name: 'Refreshing', ip: s.ip, since: s.since }, actions: [{ do: 'sendCreatePermission', ip: s.ip }] };
        case 'Error':
          if (s.name === 'Installed') return refuse();
          // The server's permission stands until its time-to-expiry runs out.
          return { next: { name: 'Installed', ip: s.ip, since: s.since }, actions: [] };
        case 'ExpiryTimer':
          // @implements RFC8656 P39L20-P39L22
          return expired(s.ip, 'its 300 s ran out without a refresh');
        case 'AllocationGone':
          // @implements RFC8656 P39L40-P39L42
          return expired(s.ip, 'its allocation is gone');
        default:
          return never(e);
      }
    case 'Expired':
    case 'Failed':
      return refuse();
    default:
      return never(s);
  }
}

// @implements RFC8656 P39L11-P39L13
function installed(ip: string, now: number): Step {
  return {
    next: { name: 'Installed', ip, since: now },
    actions: [
      { do: 'startTimer', timer: 'refresh', ms: PERMISSION_REFRESH },
      { do: 'startTimer', timer: 'expiry', ms: PERMISSION_LIFETIME },
    ],
  };
}

function expired(ip: string, why: string): Step {
  return { next: { name: 'Expired', ip, why }, actions: [{ do: 'stopTimer', timer: 'refresh' }, { do: 'stopTimer', timer: 'expiry' }] };
}
