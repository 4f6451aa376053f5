/**
 * Malformed input never crashes the parser: mutations of the RFC 4475 and
 * RFC 3665 messages either parse (and then survive serialize → parse) or
 * throw a SipParseError, never another exception. The mutations come from a
 * seeded generator, so a failure names a reproducible case.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tortureMessages, callFlowMessages } from '../../../../tools/testkit/rfcMessages.ts';
import { semantic } from './semantic.ts';
import { parse, serializeBytes, SipParseError, StreamFramer, vias, contacts, from, to, cseq, type Message } from '../../../../reference/sip/syntax/index.ts';
import { seededRandom } from '../../../helpers.ts';


const SPECIAL = [0x00, 0x0d, 0x0a, 0x20, 0x09, 0x22, 0x5c, 0x3c, 0x3e, 0x3b, 0x2c, 0x3a, 0x40, 0x25, 0x3f, 0x3d, 0x5b, 0x5d, 0xff, 0xc3];

function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const b = Array.from(bytes);
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (b.length + 1));
    const special = SPECIAL[Math.floor(r() * SPECIAL.length)];
    switch (Math.floor(r() * 5)) {
      case 0: b[at] = special; break; // replace
      case 1: b.splice(at, 0, special); break; // insert
      case 2: b.splice(at, 1 + Math.floor(r() * 8)); break; // delete a run
      case 3: b.splice(at, 0, ...b.slice(Math.floor(r() * b.length), Math.floor(r() * b.length))); break; // duplicate a piece
      default: b.length = Math.min(b.length, at); // truncate
    }
  }
  return Uint8Array.from(b.filter((x) => x !== undefined));
}

const sources = [
  ...(await tortureMessages()).map((m) => ({ name: m.name, bytes: m.bytes })),
  ...(await callFlowMessages()).slice(0, 40).map((m) => ({ name: m.label, bytes: Buffer.from(m.text) })),
];

test('mutated messages: parsed and round-tripped, or rejected with SipParseError — never a crash', () => {
  let accepted = 0;
  let rejected = 0;
  for (const [k, src] of sources.entries()) {
    const r = seededRandom(0x5eed + k);
    for (let i = 0; i < 150; i++) {
      const input = mutate(src.bytes, r);
      const label = `${src.name} mutation ${i} (seed ${0x5eed + k})`;
      let m: Message;
      try {
        m = parse(input);
      } catch (e) {
        if (!(e instanceof SipParseError)) assert.unreachable(`${label}: ${(e as Error).stack}`);
        const pe = e as SipParseError;
        assert.ok(pe.rule.length > 0 && pe.detail.length > 0, label);
        rejected++;
        continue;
      }
      accepted++;
      // the views a transaction layer reads either work or report a SipParseError
      for (const view of [vias, contacts, from, to, cseq] as Array<(x: Message) => unknown>) {
        try {
          view(m);
        } catch (e) {
          if (!(e instanceof SipParseError) && !/^no (From|To|CSeq) header field$/.test((e as Error).message)) assert.unreachable(`${label}: ${(e as Error).stack}`);
        }
      }
      assert.equal(semantic(parse(serializeBytes(m))), semantic(m), label);
    }
  }
  // both outcomes occur, so the test exercises both paths
  assert.ok(accepted > 100, `accepted ${accepted}`);
  assert.ok(rejected > 1000, `rejected ${rejected}`);
});

test('mutated streams: the framer yields messages or throws SipParseError, never crashes', () => {
  const r = seededRandom(7);
  for (let i = 0; i < 300; i++) {
    const a = sources[Math.floor(r() * sources.length)].bytes;
    const b = sources[Math.floor(r() * sources.length)].bytes;
    const stream = mutate(Buffer.concat([a, b]), r);
    const framer = new StreamFramer();
    try {
      for (let at = 0, n = 0; at < stream.length; at += n) {
        n = 1 + Math.floor(r() * 300);
        framer.push(stream.subarray(at, at + n));
      }
    } catch (e) {
      if (!(e instanceof SipParseError)) assert.unreachable(`stream ${i}: ${(e as Error).stack}`);
    }
    for (const e of framer.errors) assert.instance(e, SipParseError);
  }
});

test.run();
