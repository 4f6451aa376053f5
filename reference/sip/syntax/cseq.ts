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

/** CSeq = "CSeq" HCOLON 1*DIGIT LWS Method; the number is below 2**31. */
// @implements RFC3261 P228L36, P211L20-P211L23
export function parseCSeqAt(s: Scanner): CSeq {
  s.sws();
  const start = s.pos;
  while (s.peek() >= 0x30 && s.peek() <= 0x39) s.pos++;
  const digits = s.text.slice(start, s.pos);
  if (digits.length === 0) s.fail(`expected the CSeq sequence number, found ${s.found()}`);
  if (digits.length > 10 || Number(digits) >= 2 ** 31) s.fail(`CSeq sequence number ${digits} is not less than 2**31`, s.rule, start);
  s.lws('between the CSeq number and method');
  const method = s.token('the CSeq method');
  s.end('CSeq');
  return { seq: Number(digits), method };
}

export function parseCSeq(value: string): CSeq {
  return parseCSeqAt(new Scanner(value, 'CSeq'));
}

export const formatCSeq = (c: CSeq): string => `${c.seq} ${c.method}`;
