/** The telephone-event payload (RFC 4733 §2.3) and the DTMF events (§3.2, Table 3, read from the RFC). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../../helpers.ts';
import { decodePayload, encodePayload, encodeReport } from '../../../../reference/rtp/dtmf/payload.ts';
import { DTMF_DIGITS, dtmfDigit, dtmfEventCode, formatEventsParameter, parseEventsParameter, volumeApplies, eventsTheReceiverTakes } from '../../../../reference/rtp/dtmf/events.ts';

// @tests RFC4733 P25L21-P25L28, P9L22-P9L25
test('§3.2 Table 3 as printed: 0-9 are 0-9, * 10, # 11, A-D 12-15, all tones with volume', async () => {
  const doc = await realDoc('RFC4733');
  const L = doc.lines.map((l) => l.text);
  const caption = L.findIndex((l) => /Table 3: DTMF Named Events/.test(l));
  const rows = L.slice(caption - 12, caption).flatMap((l) => {
    const m = /^\s*\|\s*(\S+)\s*\|\s*(\S+)\s*\|\s*(\w+)\s*\|\s*(\w+)\s*\|\s*$/.exec(l);
    return m && m[1] !== 'Event' ? [m.slice(1)] : [];
  });
  assert.is(rows.length, 4, 'the four rows of Table 3');
  const expand = (s: string) => {
    const r = /^(.)--(.)$/.exec(s);
    if (!r) return [s];
    const out = [];
    for (let c = r[1].charCodeAt(0); c <= r[2].charCodeAt(0); c++) out.push(String.fromCharCode(c));
    return out;
  };
  const codes = (s: string) => {
    const r = /^(\d+)--(\d+)$/.exec(s);
    return r ? Array.from({ length: Number(r[2]) - Number(r[1]) + 1 }, (_, i) => Number(r[1]) + i) : [Number(s)];
  };
  let n = 0;
  for (const [events, code, type, volume] of rows) {
    const ds = expand(events);
    const cs = codes(code);
    assert.is(ds.length, cs.length, `${events} | ${code}`);
    ds.forEach((d, i) => {
      assert.is(dtmfEventCode(d), cs[i], d);
      assert.is(dtmfDigit(cs[i]), d);
      assert.is(volumeApplies(cs[i]), volume === 'yes', d);
      assert.is(type, 'tone');
      n++;
    });
  }
  assert.is(n, DTMF_DIGITS.length);
  assert.is(dtmfEventCode('a'), 12);
  assert.throws(() => dtmfEventCode('E'), /"E" is not a DTMF digit \(RFC 4733 §3\.2, Table 3: 0-9, \*, #, A-D\)/);
  assert.is(dtmfDigit(16), undefined);
});

// @tests RFC4733 P9L3-P9L4, P9L10-P9L11, P9L17-P9L17, P9L32-P9L34
test('a report: event, E, R (always 0), volume, duration in network byte order; and back', () => {
  assert.equal([...encodeReport({ event: 11, end: true, volume: 10, duration: 0x0320 })], [11, 0x8a, 0x03, 0x20]);
  assert.equal([...encodeReport({ event: 0, end: false, volume: 63, duration: 0xffff })], [0, 0x3f, 0xff, 0xff]);
  assert.equal(decodePayload(Uint8Array.of(11, 0x8a, 0x03, 0x20)), [{ event: 11, end: true, volume: 10, duration: 800 }]);
  const two = [
    { event: 1, end: true, volume: 5, duration: 400 },
    { event: 2, end: false, volume: 6, duration: 160 },
  ];
  assert.equal(decodePayload(encodePayload(two)), two);
});

// @tests RFC4733 P9L25-P9L28, P9L43-P9L44
test('refused on the way out, naming the rule: volume on an event without one, zero duration on a tone, fields out of range', () => {
  assert.throws(() => encodeReport({ event: 64, end: false, volume: 1, duration: 8 }), /event 64 has no volume: the sender MUST set volume to zero \(RFC 4733 §2\.3\.4\)/);
  assert.throws(() => encodeReport({ event: 1, end: false, volume: 0, duration: 0 }), /event 1 is not a state: a sender MUST NOT transmit a zero duration \(RFC 4733 §2\.3\.5\)/);
  assert.throws(() => encodeReport({ event: 256, end: false, volume: 0, duration: 8 }), /event code 256 is not 0-255/);
  assert.throws(() => encodeReport({ event: 1, end: false, volume: 0, duration: 0x10000 }), /duration 65536 is not 0-65535 .*split, §2\.5\.1\.3/);
  assert.throws(() => decodePayload(new Uint8Array(0)), /telephone-event payload of 0 octets/);
  assert.throws(() => decodePayload(new Uint8Array(6)), /telephone-event payload of 6 octets is not one or more 4-octet event reports \(RFC 4733 §2\.3\)/);
});

// @tests RFC4733 P10L14-P10L22, P11L40-P11L42
test('the "events" parameter: codes and ranges in any order, their union; anything else refused; without one, DTMF 0-15', () => {
  assert.equal([...parseEventsParameter('0-15,66,70')].length, 18);
  assert.equal([...parseEventsParameter('70,0-2,66,1')].sort((a, b) => a - b), [0, 1, 2, 66, 70]);
  assert.is(formatEventsParameter(parseEventsParameter('70,66,0-15')), '0-15,66,70');
  assert.is(formatEventsParameter([32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 52, 53, 54, 55, 56, 57, 58, 59, 60]), '32-49,52-60');
  for (const bad of ['0-15, 66', '', '15-0', '5-5', '256', '1,,2', 'a', '0x10']) {
    assert.throws(() => parseEventsParameter(bad), /events parameter .* is neither an event code \(0-255\) nor a range "a-b" with a < b \(RFC 4733 §2\.4\)/, bad);
  }
  assert.equal([...eventsTheReceiverTakes(undefined)], Array.from({ length: 16 }, (_, i) => i));
  assert.equal([...eventsTheReceiverTakes('0-11')].length, 12);
});

test.run();
