/**
 * SDP parse + serialize throughput on the example descriptions of the RFCs,
 * against sdp-transform (the common npm SDP library) on the same inputs in
 * the same process:
 *
 *   inputs: every example SDP of RFC 8866, RFC 4566, RFC 3264 §10, RFC 4317
 *           §2-§5 and the RFC 3665 call flows (tools/testkit/sdpExamples.ts),
 *           taken from the RFC texts; timed on those both accept
 *   peer:   sdp-transform parse() / write()
 *
 * Times are the best of RUNS passes (interleaved) after a warm-up. Prints
 * descriptions/s for parse and for parse+serialize, the ratio to the peer,
 * and then, on the examples and on a handful of invalid descriptions made
 * here, what each accepts that the other refuses (sdp-transform refuses by
 * throwing, or by not writing back what it read).
 */
import { createRequire } from 'node:module';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 50);

const { sdpExamples, SDP_EXAMPLE_RFCS } = await import('../testkit/sdpExamples.ts');
const { parse } = await import('../../reference/sdp/description/parse.ts');
const { serialize } = await import('../../reference/sdp/description/serialize.ts');

const require = createRequire(import.meta.url);
const sdpTransform = require('sdp-transform') as { parse(s: string): object; write(o: object): string };

const examples: Array<{ name: string; text: string }> = [];
for (const rfc of SDP_EXAMPLE_RFCS) for (const e of await sdpExamples(rfc)) examples.push({ name: `RFC${rfc} §${e.section} ${e.label}`, text: e.text });

interface Contender {
  name: string;
  parse(s: string): object;
  serialize(d: object): string;
}
const contenders: Contender[] = [
  { name: 'rfcdoc reference', parse: (s) => parse(s).description, serialize: (d) => serialize(d as ReturnType<typeof parse>['description']) },
  { name: 'sdp-transform', parse: (s) => sdpTransform.parse(s), serialize: (d) => sdpTransform.write(d) },
];

/** Whether a contender takes the text: parses it, and writes it back as it was (CRLF lines). */
function verdict(c: Contender, text: string): 'accepts' | 'refuses' | 'changes it' {
  try {
    return c.serialize(c.parse(text)) === text ? 'accepts' : 'changes it';
  } catch {
    return 'refuses';
  }
}

const both = examples.filter((e) => contenders.every((c) => verdict(c, e.text) !== 'refuses')).map((e) => e.text);
console.log(`${examples.length} example descriptions, ${both.length} accepted by both and timed; ${REPEAT} rounds a pass, best of ${RUNS}`);

const table = contenders.map((c) => {
  const parsePass = () => {
    let n = 0;
    for (let r = 0; r < REPEAT; r++) for (const s of both) n += c.parse(s) ? 1 : 0;
    return n;
  };
  const tripPass = () => {
    let n = 0;
    for (let r = 0; r < REPEAT; r++) for (const s of both) n += c.serialize(c.parse(s)).length;
    return n;
  };
  return { c, parsePass, tripPass, parseMs: Infinity, tripMs: Infinity, checks: [parsePass(), tripPass()] };
});

const timed = (work: () => number) => {
  const t = performance.now();
  const check = work();
  return { ms: performance.now() - t, check };
};
for (let i = 0; i < RUNS; i++) {
  for (const row of table) {
    const p = timed(row.parsePass);
    const t = timed(row.tripPass);
    if (p.check !== row.checks[0] || t.check !== row.checks[1]) throw new Error(`${row.c.name}: not deterministic`);
    row.parseMs = Math.min(row.parseMs, p.ms);
    row.tripMs = Math.min(row.tripMs, t.ms);
  }
}
const rate = (ms: number) => (both.length * REPEAT) / (ms / 1000);
const [ours, peer] = table;
const k = (x: number) => `${(x / 1000).toFixed(1)}k`;
console.log(`\n${'parser'.padEnd(18)} ${'parse /s'.padStart(10)} ${'parse+serialize /s'.padStart(19)}`);
for (const row of table) console.log(`${row.c.name.padEnd(18)} ${k(rate(row.parseMs)).padStart(10)} ${k(rate(row.tripMs)).padStart(19)}`);
console.log(`ratio (rfcdoc / sdp-transform): parse ${(peer.parseMs / ours.parseMs).toFixed(2)}x, parse+serialize ${(peer.tripMs / ours.tripMs).toFixed(2)}x`);

/** Invalid per RFC 8866, each with the rule it breaks; plus one valid one with a large session version. */
const BASE = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 49170 RTP/AVP 0'];
const crlf = (lines: string[]) => lines.map((l) => l + '\r\n').join('');
const edit = (n: number, ...by: string[]) => crlf([...BASE.slice(0, n - 1), ...by, ...BASE.slice(n)]);
const made: Array<{ name: string; text: string }> = [
  { name: 'empty s= (§5.3)', text: edit(3, 's=') },
  { name: 'c= after t= (§5 order)', text: crlf(['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 't=0 0', 'c=IN IP4 192.0.2.1', 'm=audio 49170 RTP/AVP 0']) },
  { name: 'no t= (§5.9)', text: edit(5) },
  { name: 'unknown type letter x= (§5)', text: edit(5, 't=0 0', 'x=1') },
  { name: 'o= with 5 subfields (§5.2)', text: edit(2, 'o=- 1 IN IP4 192.0.2.1') },
  { name: 'IP4 multicast without TTL (§5.7)', text: edit(4, 'c=IN IP4 233.252.0.1') },
  { name: 'port 70000 (§5.14)', text: edit(6, 'm=audio 70000 RTP/AVP 0') },
  { name: 'fmt PCMU under RTP/AVP (§8.2.3)', text: edit(6, 'm=audio 49170 RTP/AVP PCMU') },
  { name: 'rtpmap payload type 200 (§6.6)', text: crlf([...BASE, 'a=rtpmap:200 x/8000']) },
  { name: 'z= without r= (§5.11)', text: edit(5, 't=0 0', 'z=3730928400 -1h') },
  { name: 'two directions (§6.7)', text: crlf([...BASE, 'a=sendonly', 'a=recvonly']) },
  { name: 'no c= at all (§5.7)', text: edit(4) },
  { name: 'valid: session version 2^64', text: edit(2, 'o=- 1 18446744073709551616 IN IP4 192.0.2.1') },
];

console.log('\nwhere they differ (accepts: parses and writes back the same octets; changes it: parses but writes back something else; refuses: throws):');
for (const set of [
  { title: 'RFC examples', items: examples },
  { title: 'made-up descriptions', items: made },
]) {
  const diffs = set.items.flatMap((e) => {
    const v = contenders.map((c) => verdict(c, e.text));
    return v[0] === v[1] ? [] : [`  ${e.name}: rfcdoc ${v[0]}, sdp-transform ${v[1]}`];
  });
  console.log(`${set.title} (${set.items.length}): ${diffs.length ? `${diffs.length} differ\n${diffs.join('\n')}` : 'no difference'}`);
}
