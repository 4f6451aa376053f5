// @implements RFC8656 (TURN)
/**
 * The client's copy of one allocation (RFC 8656 §6–§8) as a state × event
 * function:
 *
 *   Allocating --401 with REALM, NONCE (first time)-->     Allocating (retry with credentials)
 *   Allocating --438 Stale Nonce-->                        Allocating (retry with the new nonce)
 *   Allocating --success, families we handle-->            Allocated  (refresh + expiry timers)
 *   Allocating --success, a family we cannot handle-->     Deleting   (Refresh, LIFETIME 0)
 *   Allocating --any other error, a second 401-->          Failed
 *   Allocated  --refresh timer-->                          Refreshing (Refresh, LIFETIME)
 *   Allocated  --delete-->                                 Deleting   (Refresh, LIFETIME 0)
 *   Refreshing --success-->                                Allocated  (timers from the new lifetime)
 *   Refreshing --438-->                                    Refreshing (again, new nonce)
 *   Refreshing --other error-->                            Allocated  (retried at the next refresh)
 *   Allocated, Refreshing --438 to another request-->      the same state, the new nonce kept
 *   Allocated, Refreshing --437, expiry timer-->           Expired
 *   Deleting   --success, 437-->                           Deleted
 *
 * Expired, Deleted and Failed are ends. Any other arrow throws RefusedEvent,
 * naming the state and the event. Lifetimes are in seconds as LIFETIME
 * carries them; timers in milliseconds on the clock.
 */
import { never, RefusedEvent, type TimerAction, type Transition } from './machine.ts';

export type Family = 'IPv4' | 'IPv6';

export interface TransportAddress {
  family: Family;
  address: string;
  port: number;
}

/** The REALM and NONCE of the latest challenge; the client keeps sending them. */
export interface Challenge {
  realm: string;
  nonce: string;
}

export interface Allocation {
  relayed: TransportAddress;
  mapped: TransportAddress;
  /** Seconds, as the server's last LIFETIME gave it. */
  lifetime: number;
  challenge?: Challenge;
}

export type AllocationState =
  | { name: 'Allocating'; challenge?: Challenge; /** a 401 already answered with credentials */ challenged: boolean }
  | { name: 'Allocated'; allocation: Allocation }
  | { name: 'Refreshing'; allocation: Allocation; lifetime: number }
  | { name: 'Deleting'; allocation: Allocation; why: string }
  | { name: 'Expired'; allocation: Allocation; why: string }
  | { name: 'Deleted'; allocation: Allocation }
  | { name: 'Failed'; code: number; reason: string };

export type AllocationEvent =
  | { type: 'Unauthorized'; challenge: Challenge }
  | { type: 'StaleNonce'; nonce: string }
  /** A 438 to another request (CreatePermission, ChannelBind): the nonce to use from now on. */
  | { type: 'NonceChanged'; nonce: string }
  | { type: 'Success'; relayed?: TransportAddress; mapped?: TransportAddress; lifetime: number }
  | { type: 'Mismatch' }
  | { type: 'Error'; code: number; reason: string }
  | { type: 'RefreshTimer' }
  | { type: 'ExpiryTimer' }
  | { type: 'Delete' };

export type AllocationTimer = 'refresh' | 'expiry';

export type AllocationAction =
  | { do: 'sendAllocate'; challenge?: Challenge }
  | { do: 'sendRefresh'; lifetime: number; challenge?: Challenge }
  | TimerAction<AllocationTimer>;

/** What the client asks for and can handle. */
export interface AllocationOptions {
  /** Seconds asked for in LIFETIME on each refresh (the server may choose another). */
  lifetime: number;
  /** The families of relayed and mapped addresses this client is prepared to handle. */
  families: Family[];
}

type Step = Transition<AllocationState, AllocationAction>;

// @implements RFC8656 P26L40, P28L29-P28L30
export function startAllocation(): Step {
  return { next: { name: 'Allocating', challenged: false }, actions: [{ do: 'sendAllocate' }] };
}

/**
 * When to refresh: "roughly 1 minute before it expires" (§8), or halfway
 * for a lifetime of two minutes or less so the refresh still comes first.
 */
export function refreshAfter(lifetime: number): number {
  // @implements RFC8656 P36L48-P37L2
  return (lifetime > 120 ? lifetime - 60 : lifetime / 2) * 1000;
}

export function allocationStep(s: AllocationState, e: AllocationEvent, options: AllocationOptions): Step {
  const refuse = (): never => {
    throw new RefusedEvent('allocation', s.name, e.type, 'RFC 8656 §7-§8');
  };
  switch (s.name) {
    case 'Allocating':
      switch (e.type) {
        case 'Unauthorized':
          // The first Allocate goes without credentials to learn REALM and
          // NONCE; a second 401 after answering one means the credentials are wrong.
          // @implements RFC8656 P23L6-P23L8, P35L6-P35L10
          if (s.challenged) return failed(401, 'Unauthorized: the server refused the credentials (RFC 8489 §9.2.5)');
          return { next: { name: 'Allocating', challenge: e.challenge, challenged: true }, actions: [{ do: 'sendAllocate', challenge: e.challenge }] };
        case 'StaleNonce': {
          if (s.challenge === undefined) return refuse();
          const challenge = { realm: s.challenge.realm, nonce: e.nonce };
          // @implements RFC8656 P35L44-P35L46
          return { next: { ...s, challenge }, actions: [{ do: 'sendAllocate', challenge }] };
        }
        case 'Success':
          return allocated(s, e, options);
        case 'Error':
          // @implements RFC8656 P34L27-P34L28, P36L40, P36L2-P36L4
          return failed(e.code, e.reason);
        case 'Mismatch':
          // 437 to an Allocate: the 5-tuple is in use; a new one is the way out (§7.4).
          // @implements RFC8656 P35L32-P35L38
          return failed(437, 'Allocation Mismatch: this 5-tuple already has an allocation; retry from another local port (RFC 8656 §7.4)');
        case 'RefreshTimer':
        case 'ExpiryTimer':
        case 'Delete':
        case 'NonceChanged':
          return refuse();
        default:
          return never(e);
      }
    case 'Allocated':
      switch (e.type) {
        case 'RefreshTimer':
          // @implements RFC8656 P37L25-P37L28
          return { next: { name: 'Refreshing', allocation: s.allocation, lifetime: options.lifetime }, actions: [{ do: 'sendRefresh', lifetime: options.lifetime, challenge: s.allocation.challenge }] };
        case 'Delete':
          // @implements RFC8656 P37L2-P37L4
          return deleting(s.allocation, 'the client no longer wishes to use it');
        case 'ExpiryTimer':
          // @implements RFC8656 P25L36
          return expired(s.allocation, 'its lifetime ran out');
        case 'Mismatch':
          return gone(s.allocation);
        case 'NonceChanged':
          // @implements RFC8656 P26L7-P26L10
          return { next: { ...s, allocation: renonce(s.allocation, e.nonce) }, actions: [] };
        case 'Unauthorized':
        case 'StaleNonce':
        case 'Success':
        case 'Error':
          return refuse();
        default:
          return never(e);
      }
    case 'Refreshing':
      switch (e.type) {
        case 'Success': {
          // @implements RFC8656 P38L31-P38L33
          const allocation = { ...s.allocation, lifetime: e.lifetime };
          return { next: { name: 'Allocated', allocation }, actions: timers(e.lifetime) };
        }
        case 'StaleNonce': {
          const allocation = renonce(s.allocation, e.nonce);
          // @implements RFC8656 P38L36-P38L38
          return { next: { ...s, allocation }, actions: [{ do: 'sendRefresh', lifetime: s.lifetime, challenge: allocation.challenge }] };
        }
        case 'NonceChanged':
          // @implements RFC8656 P26L7-P26L10
          return { next: { ...s, allocation: renonce(s.allocation, e.nonce) }, actions: [] };
        case 'Mismatch':
          // @implements RFC8656 P38L34-P38L36
          return gone(s.allocation);
        case 'Error':
          // The allocation still stands until its expiry (a minute away at most): try again in
          // 30 s, well before it.
          // @implements RFC8656 P36L48-P37L1
          return { next: { name: 'Allocated', allocation: s.allocation }, actions: [{ do: 'startTimer', timer: 'refresh', ms: 1000 * Math.min(30, s.allocation.lifetime / 8) }] };
        case 'ExpiryTimer':
          // @implements RFC8656 P25L36
          return expired(s.allocation, 'its lifetime ran out while a Refresh was pending');
        case 'Delete':
          return deleting(s.allocation, 'the client no longer wishes to use it');
        case 'Unauthorized':
        case 'RefreshTimer':
          return refuse();
        default:
          return never(e);
      }
    case 'Deleting':
      switch (e.type) {
        case 'Success':
          // @implements RFC8656 P37L30-P37L32
          return { next: { name: 'Deleted', allocation: s.allocation }, actions: [] };
        case 'Mismatch':
          // @implements RFC8656 P38L40-P38L43
          return { next: { name: 'Deleted', allocation: s.allocation }, actions: [] };
        case 'StaleNonce': {
          const allocation = renonce(s.allocation, e.nonce);
          // @implements RFC8656 P38L36-P38L38
          return { next: { ...s, allocation }, actions: [{ do: 'sendRefresh', lifetime: 0, challenge: allocation.challenge }] };
        }
        case 'Error':
          // Nothing more to do: the server's copy times out by itself.
          // @implements RFC8656 P25L36
          return { next: { name: 'Deleted', allocation: s.allocation }, actions: [] };
        case 'Unauthorized':
        case 'RefreshTimer':
        case 'ExpiryTimer':
        case 'Delete':
        case 'NonceChanged':
          return refuse();
        default:
          return never(e);
      }
    case 'Expired':
    case 'Deleted':
    case 'Failed':
      return refuse();
    default:
      return never(s);
  }
}

// @implements RFC8656 P32L23-P32L31, P32L36-P32L37
function allocated(s: Extract<AllocationState, { name: 'Allocating' }>, e: Extract<AllocationEvent, { type: 'Success' }>, options: AllocationOptions): Step {
  if (e.relayed === undefined || e.mapped === undefined) {
    return failed(0, `the Allocate success response lacks ${e.relayed === undefined ? 'XOR-RELAYED-ADDRESS' : 'XOR-MAPPED-ADDRESS'} (RFC 8656 §7.2)`);
  }
  const allocation: Allocation = { relayed: e.relayed, mapped: e.mapped, lifetime: e.lifetime, challenge: s.challenge };
  // @implements RFC8656 P33L38-P33L45
  for (const a of [e.relayed, e.mapped]) {
    if (!options.families.includes(a.family)) return deleting(allocation, `the server gave an ${a.family} address (${a.address}), a family this client does not handle; do not allocate on this server again until that changes (RFC 8656 §7.3)`);
  }
  // @implements RFC8656 P33L47-P34L5
  return { next: { name: 'Allocated', allocation }, actions: timers(e.lifetime) };
}

/** The refresh timer comes first; the expiry timer is what happens if every refresh fails. */
function timers(lifetime: number): AllocationAction[] {
  return [
    { do: 'startTimer', timer: 'refresh', ms: refreshAfter(lifetime) },
    { do: 'startTimer', timer: 'expiry', ms: lifetime * 1000 },
  ];
}

// @implements RFC8656 P37L9-P37L11
function deleting(allocation: Allocation, why: string): Step {
  return {
    next: { name: 'Deleting', allocation, why },
    actions: [{ do: 'stopTimer', timer: 'refresh' }, { do: 'stopTimer', timer: 'expiry' }, { do: 'sendRefresh', lifetime: 0, challenge: allocation.challenge }],
  };
}

// @implements RFC8656 P24L6-P24L7
function gone(allocation: Allocation): Step {
  return expired(allocation, '437 Allocation Mismatch: the server no longer has it (RFC 8656 §5)');
}

function expired(allocation: Allocation, why: string): Step {
  return { next: { name: 'Expired', allocation, why }, actions: [{ do: 'stopTimer', timer: 'refresh' }, { do: 'stopTimer', timer: 'expiry' }] };
}

/** The realm stays; the nonce is the server's latest (RFC 8489 §9.2.5). */
function renonce(allocation: Allocation, nonce: string): Allocation {
  return { ...allocation, challenge: { realm: allocation.challenge?.realm ?? '', nonce } };
}

function failed(code: number, reason: string): Step {
  return { next: { name: 'Failed', code, reason }, actions: [] };
}
