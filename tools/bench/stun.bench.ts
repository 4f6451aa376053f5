/**
 * STUN message throughput: encode + decode with MESSAGE-INTEGRITY and
 * FINGERPRINT, against the `stun` npm package and werift-ice's Message, on
 * the same messages in the same run:
 *
 *   messages: the contents of RFC 5769 §2.1–§2.3 (read from the RFC text:
 *             a Binding request with SOFTWARE, PRIORITY, ICE-CONTROLLED and
 *             USERNAME; Binding success responses with SOFTWARE and an IPv4
 *             or IPv6 XOR-MAPPED-ADDRESS), short-term key from its password
 *   one op:   build the message with MESSAGE-INTEGRITY and FINGERPRINT, then
 *             decode those bytes and check both (each contender its own way:
 *             ours decodeMessage + verifyIntegrity + verifyFingerprint; stun's
 *             decode + validateMessageIntegrity + validateFingerprint;
 *             werift's parseMessage(bytes, key), which checks both)
 *
 * Every contender's bytes are checked by the others before timing (all
 * verify). Times are the best of RUNS passes, interleaved, after a warm-up;
 * prints messages/s and the ratio to each peer.
 *
 * (Room below for the server-vs-coturn part.)
 */
import { createRequire } from 'node:module';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2000);

const { rfc5769Vectors } = await import('../testkit/stunVectors.ts');
const msg = await import('../../reference/stun/message/index.ts');
const { shortTermKey } = await import('../../reference/stun/auth/index.ts');

const require = createRequire(import.meta.url);
interface StunPkgMessage {
  addAttribute(type: number, ...args: unknown[]): unknown;
  addMessageIntegrity(key: Buffer | string): boolean;
  addFingerprint(): boolean;
  toBuffer(): Buffer;
}
const stunPkg = require('stun') as {
  createMessage(type: number, tid: Buffer): StunPkgMessage;
  decode(b: Buffer): unknown;
  validateMessageIntegrity(m: unknown, key: Buffer | string): boolean;
  validateFingerprint(m: unknown): boolean;
  constants: Record<string, number>;
};
const werift = require('werift-ice') as {
  Message: new (method: number, cls: number, tid: Buffer) => {
    setAttribute(k: string, v: unknown): unknown;
    addMessageIntegrity(key: Buffer): { addFingerprint(): { bytes: Buffer } };
  };
  parseMessage(b: Buffer, key?: Buffer): unknown;
};

/** What each message holds, taken from the vectors. */
interface Content {
  name: string;
  cls: 'request' | 'success';
  transactionId: Uint8Array;
  software: string;
  username?: string;
  priority?: Uint8Array;
  iceControlled?: Uint8Array;
  mapped?: { family: 'IPv4' | 'IPv6'; address: string; port: number };
  key: Uint8Array;
}

const contents: Content[] = (await rfc5769Vectors()).slice(0, 3).map((v) => {
  const r = msg.decodeMessage(v.bytes);
  if (!r.ok) throw new Error(r.reason);
  const m = r.message;
  const raw = (code: number) => m.attributes.find((a): a is Extract<typeof a, { type: 'unknown' }> => a.type === 'unknown' && a.code === code)?.value;
  return {
    name: `RFC 5769 §${v.section}`,
    cls: m.class as 'request' | 'success',
    transactionId: m.transactionId,
    software: msg.firstAttribute(m, 'SOFTWARE')!.value,
    username: msg.firstAttribute(m, 'USERNAME')?.value,
    priority: raw(0x0024),
    iceControlled: raw(0x8029),
    mapped: msg.firstAttribute(m, 'XOR-MAPPED-ADDRESS')?.value,
    key: shortTermKey(v.parameters.get('Password')![0]!),
  };
});

interface Contender {
  name: string;
  encode(c: Content): Uint8Array;
  /** Decode and check MESSAGE-INTEGRITY and FINGERPRINT: true when both verify. */
  decode(b: Uint8Array, c: Content): boolean;
}

const ours: Contender = {
  name: 'rfcdoc reference',
  encode(c) {
    const attributes: import('../../reference/stun/message/index.ts').StunAttribute[] = [{ type: 'SOFTWARE', value: c.software }];
    if (c.priority) attributes.push({ type: 'unknown', code: 0x0024, value: c.priority });
    if (c.iceControlled) attributes.push({ type: 'unknown', code: 0x8029, value: c.iceControlled });
    if (c.username) attributes.push({ type: 'USERNAME', value: c.username });
    if (c.mapped) attributes.push({ type: 'XOR-MAPPED-ADDRESS', value: c.mapped });
    return msg.encodeMessage({ class: c.cls, method: msg.Binding, transactionId: c.transactionId, attributes }, { integrity: { key: c.key }, fingerprint: true });
  },
  decode(b, c) {
    const r = msg.decodeMessage(b);
    return r.ok && msg.verifyIntegrity(b, c.key) && msg.verifyFingerprint(b);
  },
};

const stunNpm: Contender = {
  name: 'stun (npm)',
  encode(c) {
    const K = stunPkg.constants;
    const m = stunPkg.createMessage(c.cls === 'request' ? K.STUN_BINDING_REQUEST! : K.STUN_BINDING_RESPONSE!, Buffer.from(c.transactionId));
    m.addAttribute(K.STUN_ATTR_SOFTWARE!, c.software);
    if (c.priority) m.addAttribute(K.STUN_ATTR_PRIORITY!, Buffer.from(c.priority).readUInt32BE(0));
    if (c.iceControlled) m.addAttribute(K.STUN_ATTR_ICE_CONTROLLED!, Buffer.from(c.iceControlled));
    if (c.username) m.addAttribute(K.STUN_ATTR_USERNAME!, c.username);
    if (c.mapped) m.addAttribute(K.STUN_ATTR_XOR_MAPPED_ADDRESS!, c.mapped.address, c.mapped.port);
    m.addMessageIntegrity(Buffer.from(c.key));
    m.addFingerprint();
    return m.toBuffer();
  },
  decode(b, c) {
    const m = stunPkg.decode(Buffer.from(b.buffer, b.byteOffset, b.length));
    return stunPkg.validateMessageIntegrity(m, Buffer.from(c.key)) && stunPkg.validateFingerprint(m);
  },
};

const weriftIce: Contender = {
  name: 'werift-ice',
  encode(c) {
    const m = new werift.Message(1, c.cls === 'request' ? 0 : 0x100, Buffer.from(c.transactionId));
    m.setAttribute('SOFTWARE', c.software);
    if (c.priority) m.setAttribute('PRIORITY', Buffer.from(c.priority).readUInt32BE(0));
    if (c.iceControlled) m.setAttribute('ICE-CONTROLLED', Buffer.from(c.iceControlled).readBigUInt64BE(0));
    if (c.username) m.setAttribute('USERNAME', c.username);
    if (c.mapped) m.setAttribute('XOR-MAPPED-ADDRESS', [c.mapped.address, c.mapped.port]);
    return m.addMessageIntegrity(Buffer.from(c.key)).addFingerprint().bytes;
  },
  decode(b, c) {
    return werift.parseMessage(Buffer.from(b.buffer, b.byteOffset, b.length), Buffer.from(c.key)) !== undefined;
  },
};

const contenders = [ours, stunNpm, weriftIce];

// Each contender's bytes must be a message every contender decodes and verifies.
for (const c of contents)
  for (const by of contenders) {
    const bytes = by.encode(c);
    for (const check of contenders) if (!check.decode(bytes, c)) throw new Error(`${check.name} does not verify ${by.name}'s ${c.name}`);
  }
console.log(`${contents.length} messages (${contents.map((c) => c.name).join(', ')}), each encoded with MESSAGE-INTEGRITY and FINGERPRINT and decoded with both checked; every contender verifies every other's bytes`);
console.log(`${REPEAT} rounds a pass, best of ${RUNS}`);

const pass = (c: Contender) => {
  let ok = 0;
  for (let r = 0; r < REPEAT; r++) for (const m of contents) if (c.decode(c.encode(m), m)) ok++;
  return ok;
};
const best = new Map<Contender, number>(contenders.map((c) => [c, Infinity]));
for (const c of contenders) pass(c); // warm-up
for (let i = 0; i < RUNS; i++)
  for (const c of contenders) {
    const t = performance.now();
    const ok = pass(c);
    const ms = performance.now() - t;
    if (ok !== REPEAT * contents.length) throw new Error(`${c.name}: ${ok} of ${REPEAT * contents.length} verified`);
    best.set(c, Math.min(best.get(c)!, ms));
  }
const rate = (c: Contender) => (REPEAT * contents.length) / (best.get(c)! / 1000);
console.log(`\n${'encode+decode'.padEnd(18)} ${'messages/s'.padStart(12)}`);
for (const c of contenders) console.log(`${c.name.padEnd(18)} ${`${(rate(c) / 1000).toFixed(1)}k`.padStart(12)}`);
console.log(`ratio: rfcdoc / stun ${(rate(ours) / rate(stunNpm)).toFixed(2)}x, rfcdoc / werift-ice ${(rate(ours) / rate(weriftIce)).toFixed(2)}x`);
