/**
 * 10,000 random and mutated datagrams at our server over loopback: it never
 * throws (an exception inside answer() would be reported as an "internal
 * error" discard, counted here), and it answers every valid request sent
 * after each batch. The named mutations are checked one by one
 * against what §5, §9 and §14.7 say to do.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { Binding, decodeMessage, encodeMessage, type StunMessage } from '../../../../reference/stun/message/index.ts';
import { answer, type Received } from '../../../../reference/stun/agent/server.ts';
import { StunServer } from '../../../../reference/stun/agent/listener.ts';
import { binding } from '../../../../reference/stun/agent/client.ts';
import { longTermAuthentication, longTermCredentials } from '../../../../reference/stun/agent/auth.ts';
import { UdpClientTransport } from '../../../../reference/stun/transaction/transports.ts';
import { longTermKey } from '../../../../reference/stun/auth/index.ts';
import { fingerprintOver } from '../../../../reference/stun/message/integrity.ts';
import { seededRandom } from '../../../helpers.ts';

const from: Received = { source: { address: '127.0.0.1', port: 40000 }, transport: 'udp' };
const realm = 'example.org';
const users = new Map([['alice', 'wonderland']]);
const key = longTermKey('alice', realm, 'wonderland');


/** A protected request: USERNAME, REALM, NONCE, MESSAGE-INTEGRITY, FINGERPRINT. */
function protectedRequest(id: number, nonce = 'obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA'): Uint8Array {
  const m: StunMessage = {
    class: 'request',
    method: Binding,
    transactionId: new Uint8Array(12).fill(id & 0xff),
    attributes: [
      { type: 'USERNAME', value: 'alice' },
      { type: 'REALM', value: realm },
      { type: 'NONCE', value: nonce },
    ],
  };
  return encodeMessage(m, { integrity: { key }, fingerprint: true });
}

/** Rewrites FINGERPRINT (the last 8 bytes) so that only the intended mutation is wrong. */
function refingerprint(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[2] = (b.length - 20) >> 8;
  out[3] = (b.length - 20) & 0xff;
  const at = b.length - 8;
  out.set([0x80, 0x28, 0, 4], at);
  const fp = fingerprintOver(out, at);
  out.set([fp >>> 24, (fp >> 16) & 0xff, (fp >> 8) & 0xff, fp & 0xff], at + 4);
  return out;
}

const auth = () => longTermAuthentication({ realm, users });

// @tests RFC8489 P11L15-P11L18, P16L33-P16L34
test('a length that is not a multiple of 4 (header or datagram) is dropped', () => {
  const b = protectedRequest(1);
  const odd = b.slice();
  odd[3] = odd[3]! - 1;
  assert.match((answer(odd, from, { authenticate: auth() }) as { discard: string }).discard, /multiple of 4|length/);
  assert.ok('discard' in answer(b.subarray(0, b.length - 2), from, { authenticate: auth() }));
});

// @tests RFC8489 P36L33-P36L37, P16L33-P16L34
test('an attribute running past the end is dropped', () => {
  const b = protectedRequest(2);
  b[22] = 0x40; // USERNAME's length: 0x4005
  assert.match((answer(b, from, { authenticate: auth() }) as { discard: string }).discard, /runs past the end/);
});

// @tests RFC8489 P22L41-P22L43, P42L5-P42L7
test('a duplicate MESSAGE-INTEGRITY is ignored (what follows MI), attributes after FINGERPRINT make it not last: dropped', () => {
  // The second MI goes after the first: §9 says it is ignored, so the request is judged on the first.
  const b = protectedRequest(3);
  const mi = b.length - 8 - 24;
  const dup = new Uint8Array(b.length + 24);
  dup.set(b.subarray(0, mi + 24));
  dup.set(b.subarray(mi, mi + 24), mi + 24);
  dup.set(b.subarray(mi + 24), mi + 48);
  dup[2] = (dup.length - 20) >> 8;
  dup[3] = (dup.length - 20) & 0xff;
  const a = answer(refingerprint(dup), from, { authenticate: auth() });
  assert.ok('respond' in a, 'answered');
  const after = new Uint8Array(b.length + 8);
  after.set(b);
  after.set([0x80, 0x22, 0, 4, 0x61, 0x62, 0x63, 0x64], b.length); // SOFTWARE "abcd" after FINGERPRINT
  after[2] = (after.length - 20) >> 8;
  after[3] = (after.length - 20) & 0xff;
  assert.match((answer(after, from, { authenticate: auth() }) as { discard: string }).discard, /FINGERPRINT/);
});

// @tests RFC8489 P30L29-P30L39, P16L31-P16L34
test('a wrong MESSAGE-INTEGRITY is answered 401 (§9.2.4); a wrong FINGERPRINT is dropped (§6.3)', () => {
  const b = protectedRequest(4);
  const wrongMi = b.slice();
  wrongMi[b.length - 8 - 5]! ^= 0xff;
  const r = answer(refingerprint(wrongMi), from, { authenticate: auth() }) as { respond: Uint8Array };
  const d = decodeMessage(r.respond);
  assert.ok(d.ok && d.message.class === 'error');
  assert.equal(d.ok && d.message.attributes.find((x) => x.type === 'ERROR-CODE'), { type: 'ERROR-CODE', code: 401, reason: 'Unauthenticated' });
  const wrongFp = b.slice();
  wrongFp[b.length - 1]! ^= 1;
  assert.match((answer(wrongFp, from, { authenticate: auth() }) as { discard: string }).discard, /FINGERPRINT/);
});

test('10,000 random and mutated datagrams over loopback: never an internal error, every valid request after each batch answered', async () => {
  const internal: string[] = [];
  const server = await StunServer.listen({
    address: '127.0.0.1',
    port: 0,
    tcp: false,
    authenticate: auth(),
    onDiscard: (why) => void (why.startsWith('internal error') && internal.push(why)),
  });
  const { port } = server.address;
  const attacker = createSocket('udp4');
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
  const client = await UdpClientTransport.open({ address: '127.0.0.1', port });
  const rnd = seededRandom(0x5eed);
  const base = protectedRequest(9);
  const mutate = (i: number): Uint8Array => {
    switch (i % 8) {
      case 0: { // random bytes, sometimes dressed as STUN
        const b = new Uint8Array(Math.floor(rnd() * 300));
        for (let k = 0; k < b.length; k++) b[k] = Math.floor(rnd() * 256);
        if (b.length >= 8 && rnd() < 0.5) b.set([b[0]! & 0x03, b[1]!, (b.length - 20) >> 8, (b.length - 20) & 0xfc, 0x21, 0x12, 0xa4, 0x42]);
        return b;
      }
      case 1: { // bit flips
        const b = base.slice();
        for (let k = 0, n = 1 + Math.floor(rnd() * 4); k < n; k++) b[Math.floor(rnd() * b.length)]! ^= 1 << Math.floor(rnd() * 8);
        return b;
      }
      case 2: return base.subarray(0, Math.floor(rnd() * base.length)); // truncated
      case 3: { const b = base.slice(); b[3] = b[3]! ^ (1 + Math.floor(rnd() * 3)); return b; } // length not a multiple of 4
      case 4: { const b = base.slice(); b[22] = 0xff; return b; } // attribute past the end
      case 5: { const b = base.slice(); b[b.length - 1]! ^= 0x55; return b; } // wrong FINGERPRINT
      case 6: { const b = base.slice(); b[b.length - 12]! ^= 0x55; return refingerprint(b); } // wrong MI, right FINGERPRINT
      default: { // random attributes after a valid header
        const n = Math.floor(rnd() * 6);
        const parts: number[] = [];
        for (let k = 0; k < n; k++) {
          const len = Math.floor(rnd() * 12);
          parts.push(Math.floor(rnd() * 256), Math.floor(rnd() * 256), 0, len, ...Array.from({ length: (len + 3) & ~3 }, () => Math.floor(rnd() * 256)));
        }
        const b = new Uint8Array(20 + parts.length);
        b.set([0, 1, parts.length >> 8, parts.length & 0xff, 0x21, 0x12, 0xa4, 0x42]);
        b.set(parts, 20);
        return b;
      }
    }
  };
  let sent = 0;
  let answeredValid = 0;
  for (let batch = 0; batch < 100; batch++) {
    for (let k = 0; k < 100; k++) {
      attacker.send(mutate(sent++), port, '127.0.0.1');
    }
    // Let the batch land, then a valid, authenticated request must be answered.
    await new Promise((r) => setImmediate(r));
    const r = await binding(client, { credentials: longTermCredentials('alice', 'wonderland'), timers: { rto: 200 } });
    assert.is(r.mapped.port, client.local.port);
    answeredValid++;
  }
  assert.is(sent, 10_000);
  assert.is(answeredValid, 100);
  assert.equal(internal, [], 'no exception inside the server');
  assert.ok(server.counters.discarded > 5000, `discarded ${server.counters.discarded}`);
  client.close();
  attacker.close();
  await server.close();
});

test.run();
