import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LongTermClient, longTermKey } from '../../../../reference/stun/auth/index.ts';
import { decodeMessage, encodeMessage, firstAttribute, verifyIntegrity, Allocate, PASSWORD_ALGORITHM, type StunMessage } from '../../../../reference/stun/message/index.ts';
import type { TransportAddress } from '../../../../reference/stun/turn/allocation.ts';
import { allocateRequest, channelBindRequest, createPermissionRequest, encodeRequest, outcome, sendIndication } from '../../../../reference/stun/turn/messages.ts';

const v4 = (port: number): TransportAddress => ({ family: 'IPv4', address: '127.0.0.1', port });
const v6: TransportAddress = { family: 'IPv6', address: '::1', port: 5000 };
const relayed = v4(49152);

/** The value bytes of the first attribute of `type` in an encoded message. */
function rawValue(bytes: Uint8Array, type: number): number[] {
  for (let at = 20; at + 4 <= bytes.length; ) {
    const t = (bytes[at]! << 8) | bytes[at + 1]!;
    const len = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (t === type) return [...bytes.subarray(at + 4, at + 4 + len)];
    at += 4 + ((len + 3) & ~3);
  }
  throw new Error(`no attribute 0x${type.toString(16)}`);
}

const none = new LongTermClient('alice', 'wonderland');

// @tests RFC8656 P27L15-P27L16, P64L2-P64L3
test('Allocate carries REQUESTED-TRANSPORT: UDP (17) then three zero RFFU bytes, and nothing of a family, token or even port', () => {
  const bytes = encodeRequest(allocateRequest(), none);
  assert.equal(rawValue(bytes, 0x0019), [17, 0, 0, 0]);
  const decoded = decodeMessage(bytes);
  assert.ok(decoded.ok);
  if (!decoded.ok) return;
  assert.is(decoded.message.method, Allocate);
  const types = decoded.message.attributes.map((a) => a.type);
  for (const t of ['REQUESTED-ADDRESS-FAMILY', 'ADDITIONAL-ADDRESS-FAMILY', 'EVEN-PORT', 'RESERVATION-TOKEN']) assert.not.ok(types.includes(t as never), t);
});

// @tests RFC8656 P61L25-P61L29, P47L28-P47L31
test('ChannelBind carries CHANNEL-NUMBER (the number, then two zero RFFU bytes) and XOR-PEER-ADDRESS', () => {
  const bytes = encodeRequest(channelBindRequest(0x4abc, v4(40000), relayed), none);
  assert.equal(rawValue(bytes, 0x000c), [0x4a, 0xbc, 0, 0]);
  const d = decodeMessage(bytes);
  assert.ok(d.ok && firstAttribute(d.message, 'XOR-PEER-ADDRESS')?.value.port === 40000);
});

// @tests RFC8656 P40L18-P40L20, P40L24-P40L27, P47L32-P47L34
test('CreatePermission and ChannelBind refuse a peer of another family than the relayed address, and CreatePermission an empty list', () => {
  assert.throws(() => createPermissionRequest([], relayed), /at least one XOR-PEER-ADDRESS is required \(RFC 8656 §10\.1\)/);
  assert.throws(() => createPermissionRequest([v4(1), v6], relayed), /the peer ::1 is IPv6, the relayed address 127\.0\.0\.1 is IPv4.*§10\.1/);
  assert.throws(() => channelBindRequest(0x4000, v6, relayed), /the peer ::1 is IPv6.*§12\.1/);
  const m = createPermissionRequest([v4(1), v4(2)], relayed);
  assert.is(m.attributes.filter((a) => a.type === 'XOR-PEER-ADDRESS').length, 2);
});

// @tests RFC8656 P41L41-P41L42
test('a Send indication carries XOR-PEER-ADDRESS and DATA', () => {
  const d = decodeMessage(sendIndication(v4(40000), new TextEncoder().encode('hi')));
  assert.ok(d.ok);
  if (!d.ok) return;
  assert.is(d.message.class, 'indication');
  assert.equal(firstAttribute(d.message, 'XOR-PEER-ADDRESS')?.value, v4(40000));
  assert.equal(firstAttribute(d.message, 'DATA')?.value, new TextEncoder().encode('hi'));
});

// @tests RFC8656 P26L16-P26L19
test('a 401 offering MD5 first and SHA-256 second: the retry carries PASSWORD-ALGORITHM SHA-256 and is signed with the SHA-256 key', () => {
  const credential = new LongTermClient('alice', 'wonderland');
  const first = encodeRequest(allocateRequest(), credential);
  const request = decodeMessage(first);
  assert.ok(request.ok);
  if (!request.ok) return;
  const parameters = new Uint8Array(0);
  const challenge: StunMessage = {
    class: 'error',
    method: Allocate,
    transactionId: request.message.transactionId,
    attributes: [
      { type: 'ERROR-CODE', code: 401, reason: 'Unauthorized' },
      { type: 'REALM', value: 'rfcdoc.test' },
      { type: 'NONCE', value: 'abcdef' },
      { type: 'PASSWORD-ALGORITHMS', value: [{ algorithm: PASSWORD_ALGORITHM.MD5, parameters }, { algorithm: PASSWORD_ALGORITHM['SHA-256'], parameters }] },
    ],
  };
  const bytes = encodeMessage(challenge);
  const decoded = decodeMessage(bytes);
  assert.ok(decoded.ok);
  if (!decoded.ok) return;
  const o = outcome(bytes, decoded.message, credential, false);
  assert.equal(o, { type: 'Unauthorized', challenge: { realm: 'rfcdoc.test', nonce: 'abcdef' } });
  const retryBytes = encodeRequest(allocateRequest(), credential);
  const retry = decodeMessage(retryBytes);
  assert.ok(retry.ok);
  if (!retry.ok) return;
  assert.is(firstAttribute(retry.message, 'PASSWORD-ALGORITHM')?.value.algorithm, PASSWORD_ALGORITHM['SHA-256']);
  assert.ok(verifyIntegrity(retryBytes, longTermKey('alice', 'rfcdoc.test', 'wonderland', PASSWORD_ALGORITHM['SHA-256']), true), 'MESSAGE-INTEGRITY-SHA256 with the SHA-256 key');
});

test('a 437 to a signed request without integrity is not taken as the allocation gone (discarded as if never received)', () => {
  const credential = new LongTermClient('alice', 'wonderland');
  credential.realm = 'r';
  credential.nonce = 'n';
  encodeRequest(allocateRequest(), credential);
  const bytes = encodeMessage({ class: 'error', method: Allocate, transactionId: new Uint8Array(12), attributes: [{ type: 'ERROR-CODE', code: 437, reason: 'Allocation Mismatch' }] });
  const d = decodeMessage(bytes);
  assert.ok(d.ok);
  if (d.ok) assert.is(outcome(bytes, d.message, credential, false), undefined);
});

test.run();
