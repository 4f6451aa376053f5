// @implements RFC3550 (RTP: A Transport Protocol for Real-Time Applications)
/**
 * A.1's sequence number validity: `init_seq` and `update_seq`, as a source's
 * state. A new source is on *probation* until MIN_SEQUENTIAL packets arrive
 * in sequence; then it is *valid*, and the state carries what A.3 counts
 * (cycles, base_seq, received, the priors). Each state carries only its own
 * data, so that a loss figure cannot be asked of a source still on probation.
 */

export const RTP_SEQ_MOD = 1 << 16;
// @implements RFC3550 P80L9-P80L15
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const MIN_SEQUENTIAL = 2;

export interface OnProbation {
  state: 'probation';
  /** Sequential packets still needed. */
  probation: number;
  maxSeq: number;
}

export interface Valid {
  state: 'valid';
  /** Highest sequence number seen. */
  maxSeq: number;
  /** Shifted count of sequence number cycles (a multiple of 65536). */
  cycles: number;
  baseSeq: number;
  /** Last 'bad' sequence number + 1: a second packet there restarts the sequence. */
  badSeq: number;
  received: number;
  expectedPrior: number;
  receivedPrior: number;
}

export type SequenceState = OnProbation | Valid;

/** What `updateSeq` made of a packet, for the receiver's counters. */
export type SequenceVerdict =
  | 'valid' // in order, with a permissible gap, or a duplicate or reordered packet
  | 'validated' // the packet that ended probation
  | 'probation' // still on probation: the packet does not count yet
  | 'restarted' // the second packet after a very large jump: the other side restarted, statistics reset
  | 'jump'; // a very large jump: not valid, unless the next packet follows it

// @implements RFC3550 P80L17-P80L27
export function initSeq(seq: number): Valid {
  return { state: 'valid', baseSeq: seq, maxSeq: seq, badSeq: RTP_SEQ_MOD + 1, cycles: 0, received: 0, receivedPrior: 0, expectedPrior: 0 };
}

/** A source heard for the first time: on probation, max_seq one before this packet. */
// @implements RFC3550 P79L26-P79L34, P79L36-P79L38
export function newSource(seq: number, minSequential = MIN_SEQUENTIAL): OnProbation {
  checkSeq(seq);
  return { state: 'probation', probation: minSequential, maxSeq: (seq - 1 + RTP_SEQ_MOD) % RTP_SEQ_MOD };
}

// @implements RFC3550 P79L20-P79L24
export function updateSeq(s: SequenceState, seq: number, minSequential = MIN_SEQUENTIAL): { next: SequenceState; verdict: SequenceVerdict } {
  checkSeq(seq);
  switch (s.state) {
    case 'probation':
      // @implements RFC3550 P80L36-P80L48, P81L1-P81L6
      if (seq === (s.maxSeq + 1) % RTP_SEQ_MOD) {
        if (s.probation - 1 === 0) return { next: { ...initSeq(seq), received: 1 }, verdict: 'validated' };
        return { next: { state: 'probation', probation: s.probation - 1, maxSeq: seq }, verdict: 'probation' };
      }
      return { next: { state: 'probation', probation: minSequential - 1, maxSeq: seq }, verdict: 'probation' };
    case 'valid': {
      const udelta = (seq - s.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
      // @implements RFC3550 P79L40-P79L46, P81L7-P81L15
      if (udelta < MAX_DROPOUT) {
        const cycles = seq < s.maxSeq ? s.cycles + RTP_SEQ_MOD : s.cycles;
        return { next: { ...s, cycles, maxSeq: seq, received: s.received + 1 }, verdict: 'valid' };
      }
      // @implements RFC3550 P80L1-P80L7, P81L16-P81L29
      if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
        if (seq === s.badSeq) return { next: { ...initSeq(seq), received: 1 }, verdict: 'restarted' };
        return { next: { ...s, badSeq: (seq + 1) & (RTP_SEQ_MOD - 1) }, verdict: 'jump' };
      }
      // A duplicate or reordered packet: counted as received, no state moves.
      // @implements RFC3550 P81L30-P81L34
      return { next: { ...s, received: s.received + 1 }, verdict: 'valid' };
    }
    default:
      return never(s);
  }
}

function checkSeq(seq: number): void {
  if (!Number.isInteger(seq) || seq < 0 || seq >= RTP_SEQ_MOD) throw new RangeError(`RTP sequence number ${seq} is not 16 bits (RFC 3550 §5.1)`);
}

function never(s: never): never {
  throw new Error(`A.1: no such sequence state ${JSON.stringify(s)}`);
}
