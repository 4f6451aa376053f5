/** RFC 8285's header extension elements, against the example diagrams printed in the RFC. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { headerExtension, parseElements, ONE_BYTE_PROFILE, TWO_BYTE_PROFILE } from '../../../../reference/rtp/packet/extension.ts';
import { parseRtp, serializeRtp } from '../../../../reference/rtp/packet/rtp.ts';
import { diagramAfter, readBits, writeBits, type DiagramField } from './diagram.ts';

const bytesOf = (...xs: number[]) => new Uint8Array(xs);

/** The octets of an example diagram: fixed values written where the diagram prints them, data octets numbered. */
function exampleBytes(fields: DiagramField[], words: number, ids: number[]): Uint8Array {
  const out = new Uint8Array(4 * words);
  let nextId = 0;
  for (const f of fields) {
    if (f.name === 'ID') writeBits(out, 0, f, ids[nextId++]);
    else if (/^L$/.test(f.name) || f.name === 'length') writeBits(out, 0, f, f.value ?? 0);
    else if (/^0x/.test(f.name)) writeBits(out, 0, f, Number(f.name));
  }
  return out;
}

// @tests RFC8285 P9L1-P9L14, P8L9-P8L12, P8L16-P8L26, P8L36-P8L40, P7L31-P7L36
test('§4.2: the one-byte example (three elements, padding between) parses to its elements', async () => {
  const { fields } = diagramAfter(await realDoc('RFC8285'), 'An example header extension, with three');
  const bytes = exampleBytes(fields, 4, [1, 2, 3]);
  assert.is((bytes[0] << 8) | bytes[1], ONE_BYTE_PROFILE);
  const words = readBits(bytes, 0, fields.find((f) => f.name === 'length')!);
  const r = parseElements({ profile: ONE_BYTE_PROFILE, data: bytes.subarray(4, 4 + 4 * words) });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.value.elements.map((e) => [e.id, e.data.length]), [[1, 1], [2, 2], [3, 4]]);
});

// @tests RFC8285 P10L11-P10L24, P9L18-P9L25, P9L37-P9L47, P10L7-P10L9
test('§4.3: the two-byte example parses to its elements, a zero-length one included', async () => {
  const doc = await realDoc('RFC8285');
  const start = doc.lines.findIndex((l) => l.text.includes('In the two-byte header form'));
  const { fields } = diagramAfter(doc, 'An example header extension, with three', start);
  const bytes = exampleBytes(fields, 5, [1, 2, 3]);
  assert.is((bytes[0] << 8) | bytes[1], TWO_BYTE_PROFILE);
  const r = parseElements({ profile: (bytes[0] << 8) | bytes[1], data: bytes.subarray(4) });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.value.elements.map((e) => [e.id, e.data.length]), [[1, 0], [2, 1], [3, 4]]);
  assert.is(r.value.form, 'two-byte');
});

// @tests RFC8285 P7L10-P7L12, P7L38-P7L43
test('writing: the one-byte form when every element fits it, else two-byte; both read back', () => {
  const small = headerExtension([{ id: 1, data: bytesOf(0xaa) }, { id: 14, data: new Uint8Array(16).fill(7) }]);
  assert.is(small.profile, ONE_BYTE_PROFILE);
  assert.equal([...small.data.subarray(0, 2)], [0x10, 0xaa]);
  assert.is(small.data[2], (14 << 4) | 15);
  assert.is(small.data.length % 4, 0);
  const big = headerExtension([{ id: 15, data: bytesOf(1) }, { id: 2, data: new Uint8Array() }], { appbits: 5 });
  assert.is(big.profile, TWO_BYTE_PROFILE | 5);
  for (const ext of [small, big]) {
    const packet = parseRtp(serializeRtp({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 1, ssrc: 1, csrc: [], extension: ext, payload: new Uint8Array(), padding: 0 }));
    assert.ok(packet.ok);
    const back = packet.ok && parseElements(packet.value.extension!);
    assert.ok(back && back.ok);
  }
  const back = parseElements(big);
  assert.equal(back.ok && back.value.elements.map((e) => [e.id, [...e.data]]), [[15, [1]], [2, []]]);
  assert.equal(back.ok && back.value.appbits, 5);
});

// @tests RFC8285 P8L29-P8L34, P6L39-P6L44, P6L35-P6L37
test('ID 15 (one-byte) and ID 0 with a length end the parse, keeping the elements before; bad IDs are refused on writing', () => {
  const r15 = parseElements({ profile: ONE_BYTE_PROFILE, data: bytesOf(0x10, 0xaa, 0xf3, 0x20, 0xbb, 0, 0, 0) });
  assert.equal(r15.ok && r15.value.elements.map((e) => e.id), [1]);
  const r0 = parseElements({ profile: ONE_BYTE_PROFILE, data: bytesOf(0x50, 0xaa, 0x03, 0x20, 9, 9, 9, 9) });
  assert.equal(r0.ok && r0.value.elements.map((e) => e.id), [5]);
  assert.throws(() => headerExtension([{ id: 0, data: bytesOf(1) }]), /ID 0/);
  assert.throws(() => headerExtension([]), /no elements/);
  assert.throws(() => headerExtension([{ id: 3, data: bytesOf(1) }, { id: 3, data: bytesOf(2) }]), /ID 3 twice/);
});

// @tests RFC8285 P7L15-P7L18
test('twoByte: the two-byte form even for elements the one-byte form would carry', () => {
  const ext = headerExtension([{ id: 1, data: bytesOf(0xaa) }], { twoByte: true });
  assert.is(ext.profile, TWO_BYTE_PROFILE);
  assert.equal([...ext.data], [1, 1, 0xaa, 0]);
});

test('an element running past the extension, or a profile of neither form, is dropped with its reason', () => {
  const over = parseElements({ profile: ONE_BYTE_PROFILE, data: bytesOf(0x1f, 0, 0, 0) });
  assert.equal(over.ok ? 'ok' : over.reason, 'element');
  const over2 = parseElements({ profile: TWO_BYTE_PROFILE, data: bytesOf(1, 9, 0, 0) });
  assert.equal(over2.ok ? 'ok' : over2.reason, 'element');
  const other = parseElements({ profile: 0x1234, data: new Uint8Array() });
  assert.equal(other.ok ? 'ok' : other.reason, 'profile');
});

test.run();
