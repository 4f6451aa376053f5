/**
 * SIP parse (+ serialize) throughput on real messages, against the parsers
 * of three npm SIP stacks run on the same messages in the same process:
 *
 *   messages: RFC 3665 §2–§3 call-flow messages and the RFC 4475 §3.1.1
 *             valid torture messages, taken from the RFC texts
 *   peers:    `sip` (require('sip').parse / stringify), JsSIP
 *             (lib/Parser.parseMessage), SIP.js (core Parser.parseMessage)
 *
 * Each parser gets the message as a string (what the peers take). Times are
 * the best of RUNS passes (interleaved between parsers) over all messages
 * after a warm-up; a slow parser does fewer rounds per pass. Prints msgs/s,
 * the ratio to the fastest peer, and which messages each parser rejects.
 * JsSIP and SIP.js keep the received text rather than serialize, so their
 * parse+serialize column is empty.
 */
import { createRequire } from 'node:module';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);

const { callFlowMessages, tortureMessages } = await import('../testkit/rfcMessages.ts');
const { parse, serialize } = await import('../../reference/sip/syntax/index.ts');

const require = createRequire(import.meta.url);
const sipNpm = require('sip') as { parse(s: string): unknown; stringify(m: unknown): string };
const jssipParser = require('jssip/lib/Parser') as { parseMessage(s: string, ua: unknown): unknown };
const { Parser: sipjsParser } = (await import('sip.js/lib/core/messages/parser.js')) as unknown as {
  Parser: { parseMessage(s: string, logger: unknown): unknown };
};
const quietLogger = { warn() {}, error() {}, log() {}, debug() {} };

const flows = (await callFlowMessages()).filter((m) => /SIP\/2\.0/.test(m.text.slice(0, m.text.indexOf('\r\n'))));
const torture = (await tortureMessages()).filter((m) => m.section.startsWith('3.1.1.'));
const messages = [
  ...flows.map((m) => ({ name: `3665 ${m.label.split(' ').slice(0, 2).join(' ')}`, text: m.text })),
  ...torture.map((m) => ({ name: `4475 ${m.name}`, text: Buffer.from(m.bytes).toString('utf8') })),
];

interface Contender {
  name: string;
  parse(s: string): unknown;
  serialize?(m: unknown): string;
}
const contenders: Contender[] = [
  { name: 'rfcdoc reference', parse: (s) => parse(s), serialize: (m) => serialize(m as ReturnType<typeof parse>) },
  { name: 'sip (npm)', parse: (s) => sipNpm.parse(s), serialize: (m) => sipNpm.stringify(m) },
  { name: 'JsSIP', parse: (s) => jssipParser.parseMessage(s, undefined) },
  { name: 'SIP.js', parse: (s) => sipjsParser.parseMessage(s, quietLogger) },
];

/** Which messages a parser rejects (throws or returns nothing). */
function rejects(c: Contender): string[] {
  const out: string[] = [];
  for (const m of messages) {
    try {
      if (!c.parse(m.text)) out.push(m.name);
    } catch {
      out.push(m.name);
    }
  }
  return out;
}

console.log(`${messages.length} messages (${flows.length} from RFC 3665, ${torture.length} from RFC 4475 §3.1.1), up to ${REPEAT} rounds a pass, best of ${RUNS}`);

/** One timed pass: REPEAT rounds over the messages the contender accepts. */
function timed(work: () => number): { ms: number; check: number } {
  const t = performance.now();
  const check = work();
  return { ms: performance.now() - t, check };
}

const table = contenders.map((c) => {
  const rejected = rejects(c);
  const accepted = messages.filter((m) => !rejected.includes(m.name)).map((m) => m.text);
  // A slow parser (over 50 ms a round) gets one round a pass, so that the run ends in reasonable time.
  const t0 = performance.now();
  for (const s of accepted) c.parse(s);
  const rounds = performance.now() - t0 > 50 ? 1 : REPEAT;
  const parsePass = () => {
    let n = 0;
    for (let r = 0; r < rounds; r++) for (const s of accepted) n += c.parse(s) ? 1 : 0;
    return n;
  };
  const tripPass = c.serialize
    ? () => {
        let n = 0;
        for (let r = 0; r < rounds; r++) for (const s of accepted) n += c.serialize!(c.parse(s)).length;
        return n;
      }
    : undefined;
  return { c, rejected, accepted, rounds, parsePass, tripPass, parseMs: Infinity, tripMs: Infinity, checks: [parsePass(), tripPass?.()] };
});

// Runs interleave the contenders, so that load from elsewhere on the machine
// falls on all of them alike; each keeps its best pass.
for (let i = 0; i < RUNS; i++) {
  for (const row of table) {
    const p = timed(row.parsePass);
    if (p.check !== row.checks[0]) throw new Error(`${row.c.name}: not deterministic`);
    row.parseMs = Math.min(row.parseMs, p.ms);
    if (row.tripPass) {
      const t = timed(row.tripPass);
      if (t.check !== row.checks[1]) throw new Error(`${row.c.name}: not deterministic`);
      row.tripMs = Math.min(row.tripMs, t.ms);
    }
  }
}
const results = table.map((row) => {
  const rate = (ms: number) => (row.accepted.length * row.rounds) / (ms / 1000);
  return { c: row.c, rejected: row.rejected, parseRate: rate(row.parseMs), tripRate: row.tripPass ? rate(row.tripMs) : undefined };
});

const fastestPeer = Math.max(...results.slice(1).map((r) => r.parseRate));
const fastestPeerTrip = Math.max(...results.slice(1).flatMap((r) => (r.tripRate ? [r.tripRate] : [])));
const k = (x: number) => `${(x / 1000).toFixed(1)}k`;
console.log(`\n${'parser'.padEnd(18)} ${'parse msgs/s'.padStart(13)} ${'vs fastest peer'.padStart(16)} ${'parse+serialize'.padStart(16)} ${'vs peer'.padStart(8)}  rejected`);
for (const r of results) {
  console.log(
    `${r.c.name.padEnd(18)} ${k(r.parseRate).padStart(13)} ${(r.parseRate / fastestPeer).toFixed(2).padStart(15)}x ${(r.tripRate ? k(r.tripRate) : '-').padStart(16)} ${(r.tripRate ? (r.tripRate / fastestPeerTrip).toFixed(2) + 'x' : '-').padStart(8)}  ${r.rejected.length}`,
  );
}
console.log('\nrejected messages (RFC 3665 3.9 F6/F8/F10 and 3.10 F4 are misprinted in the RFC and invalid; all others are valid):');
for (const r of results) console.log(`  ${r.c.name}: ${r.rejected.length ? r.rejected.join(', ') : 'none'}`);

// The other side: what each accepts of the invalid messages of RFC 4475 §3.1.2.
const invalid = (await tortureMessages()).filter((m) => m.section.startsWith('3.1.2.'));
console.log(`\ninvalid RFC 4475 §3.1.2 messages accepted (of ${invalid.length}):`);
for (const c of contenders) {
  const accepted = invalid.filter((m) => {
    try {
      return Boolean(c.parse(Buffer.from(m.bytes).toString('utf8')));
    } catch {
      return false;
    }
  });
  console.log(`  ${c.name}: ${accepted.length}${accepted.length ? ` (${accepted.map((m) => m.name).join(', ')})` : ''}`);
}
