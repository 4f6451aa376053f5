// @implements RFC3261 (SIP)
/**
 * One binding's life, as §10.2.2 and §10.3 steps 6 and 7 describe it, as a
 * state × event function:
 *
 *   Unbound  --REGISTER, expiration > 0-->                  Bound (added)
 *   Bound    --REGISTER, a newer request, expiration > 0--> Bound (refreshed)
 *   Bound    --REGISTER, a newer request, expiration 0-->   Removed
 *   Bound    --Contact: *, a newer request-->               Removed
 *   Bound    --time, its expiry reached-->                  Expired
 *
 * "Newer" is another Call-ID, or the same Call-ID with a higher CSeq; a request
 * that is not newer is out of order (OutOfOrder: the registrar answers 500).
 * Removed and Expired are ends: the location service keeps only Bound ones,
 * so a contact registered again starts from Unbound. Any other arrow throws,
 * naming the state and the event.
 *
 * The location service (location.ts) runs the time arrow, the registrar
 * (../registrar/registrar.ts) the two REGISTER ones; this file sits below
 * both because both drive it.
 */
import type { Address } from '../syntax/address.ts';

export interface Binding {
  /** The Contact value as registered (URI and header parameters other than expires). */
  contact: Address;
  /** The Call-ID of the REGISTER that created or last updated this binding. */
  callId: string;
  /** Its CSeq number. */
  cseq: number;
  /** When it stops being current, in seconds on the service's clock. */
  expiresAt: number;
  /** The "q" preference, 0..1, when the Contact carried one. */
  q?: number;
}

export type BindingState =
  | { name: 'Unbound' }
  | { name: 'Bound'; binding: Binding }
  | { name: 'Removed' }
  | { name: 'Expired'; binding: Binding };

export type BindingEvent =
  /** A Contact of a REGISTER: `binding` is the record it would write (its Call-ID, CSeq and expiry). */
  | { type: 'REGISTER'; expires: number; binding: Binding }
  /** A REGISTER with Contact: * and Expires: 0 (step 6). */
  | { type: 'Contact *'; callId: string; cseq: number }
  /** The service's clock read at `now`. */
  | { type: 'time'; now: number };

/** A REGISTER that is not newer than the one the binding records: the update is aborted. */
export class OutOfOrder extends Error {
  constructor(readonly cseq: number, readonly stored: number) {
    super(`CSeq ${cseq} is not higher than ${stored}: out of order`);
  }
}

export const bound = (binding: Binding): BindingState => ({ name: 'Bound', binding });

export function bindingEvent(s: BindingState, event: BindingEvent): BindingState {
  const refuse = () => new Error(`binding${'binding' in s ? ` of ${s.binding.contact.uri.host}` : ''}: ${event.type} in state ${s.name} (RFC 3261 §10.3)`);
  switch (s.name) {
    case 'Unbound':
      switch (event.type) {
        case 'REGISTER':
          // @implements RFC3261 P66L1-P66L3
          if (event.expires > 0) return bound(event.binding);
          // Removing what is not there leaves the list as it was.
          return s;
        case 'Contact *':
        case 'time':
          throw refuse();
        default:
          return never(event);
      }
    case 'Bound':
      switch (event.type) {
        case 'REGISTER':
          // @implements RFC3261 P66L8-P66L11
          inOrder(s.binding, event.binding.callId, event.binding.cseq);
          // @implements RFC3261 P66L4-P66L7, P61L21-P61L23
          return event.expires === 0 ? { name: 'Removed' } : bound(event.binding);
        case 'Contact *':
          // @implements RFC3261 P65L8-P65L13
          inOrder(s.binding, event.callId, event.cseq);
          return { name: 'Removed' };
        case 'time':
          // @implements RFC3261 P61L18
          return s.binding.expiresAt > event.now ? s : { name: 'Expired', binding: s.binding };
        default:
          return never(event);
      }
    case 'Removed':
    case 'Expired':
      throw refuse();
    default:
      return never(s);
  }
}

/** Is the binding still current at `now`? (The location service returns only these.) */
export const current = (binding: Binding, now: number): boolean => bindingEvent(bound(binding), { type: 'time', now }).name === 'Bound';

/** The same Call-ID with a CSeq not higher than the stored one is out of order. */
function inOrder(binding: Binding, callId: string, cseq: number): void {
  if (binding.callId === callId && cseq <= binding.cseq) throw new OutOfOrder(cseq, binding.cseq);
}

function never(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`);
}
