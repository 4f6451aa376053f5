/**
 * The CSeq header field (RFC 3261 §20.16): a sequence number and a method.
 *
 * @implements RFC3261 (SIP)
 */
import { Scanner } from './grammar.ts';

export interface CSeq {
  seq: number;
  method: string;
}

/**
 * CSeq = "CSeq" HCOLON 1*DIGIT LWS Method. A sender keeps the number below
 * 2**31; a receiver accepts any 32-bit unsigned value.
 */
// @implements RFC3261 P229L33, P170L29-P170L31
export function parseCSeqAt(s: Scanner): CSeq {
  s.sws();
  const start = s.pos;
  while (s.peek() >= 0x30 && s.peek() <= 0x39) s.pos++;
  const digits = s.text.slice(start, s.pos);
  if (digits.length === 0) s.fail(`expected the CSeq sequence number, found ${s.found()}`);
  if (digits.length > 10 || Number(digits) > 2 ** 32 - 1) s.fail(`sequence number ${digits} does not fit in 32 bits`, s.rule, start);
  s.lws('between the CSeq number and method');
  const method = s.token('the CSeq method');
  s.end('CSeq');
  return { seq: Number(digits), method };
}

export function parseCSeq(value: string): CSeq {
  return parseCSeqAt(new Scanner(value, 'CSeq'));
}

export const formatCSeq = (c: CSeq): string => `${c.seq} ${c.method}`;
