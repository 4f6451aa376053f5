/**
 * Interop with baresip (Debian 12's 1.0.0), no proxy in between, over UDP
 * and TCP on loopback: baresip calls our `npm run sip -- uas`, and our
 * `npm run sip -- call` reaches baresip (auto-answer, `answermode=auto`).
 * Each side's view of the dialog is asserted (our log, baresip's SIP trace and
 * ctrl_tcp events), and everything baresip sent is checked against RFC 3261
 * (rules.ts).
 */
import * as assert from 'uvu/assert';
import { peerSuite } from '../../../peers.ts';
import { sip } from '../proxy/processes.ts';
import { freePort, stop, waitFor, type Running } from '../../../../tools/testkit/processes.ts';
import { contacts } from '../../../../reference/sip/syntax/index.ts';
import { ALL_AUDIO_CODECS, parseTraced, startBaresip, stopBaresip, type Baresip } from './baresip.ts';
import { parse as parseSdp } from '../../../../reference/sdp/description/parse.ts';
import { directionOf } from '../../../../reference/sdp/description/direction.ts';
import { baresipCallsOurUas, RtpSink, sdpIn, startLoggingUas, waitForDialog } from './ours.ts';
import { breaches, describe } from './rules.ts';

const test = peerSuite('baresip, direct', ['baresip']);

for (const transport of ['udp', 'tcp'] as const) {
  // @tests RFC3261 P85L22-P85L24, P91L18-P91L20
  test(`baresip calls our uas over ${transport.toUpperCase()}: answered, RTP to our SDP's port, baresip's BYE answered 200`, async () => {
    const media = await RtpSink.open();
    const uasPort = await freePort();
    let uas: Running | undefined;
    let b: Baresip | undefined;
    try {
      uas = await startLoggingUas(uasPort, ['--media-port', String(media.port)]);
      b = await startBaresip('<sip:alice@127.0.0.1>;regint=0');
      const target = `sip:bob@127.0.0.1:${uasPort}${transport === 'tcp' ? ';transport=tcp' : ''}`;
      // "Media may flow": baresip's tone, as PCMU RTP, reaches the port our SDP answer named.
      const rtp = () => waitFor(`RTP at our SDP's port (${media.packets} packets so far)`, () => media.packets >= 5, 10000);
      // Our side logs INVITE answered 200, the ACK, baresip's BYE answered 200, in that order (checked there).
      const established = await baresipCallsOurUas(b, target, uas, rtp);
      assert.ok(established.id !== undefined);
      // baresip's side, from its trace.
      const trace = b.trace();
      const invite = trace.find((t) => t.text.startsWith('INVITE '));
      assert.is(invite?.transport, transport.toUpperCase(), 'the INVITE went over the transport the URI named');
      // ACK and BYE go to the remote target, our 2xx's Contact: TCP only when it says transport=tcp (RFC 3263 §4.1).
      const ok = trace.find((t) => t.text.startsWith('SIP/2.0 200 ') && t.text.includes(' INVITE\r\n'));
      assert.ok(ok !== undefined);
      const contact = contacts(parseTraced(ok));
      const remoteTransport = contact !== '*' && contact[0]?.uri.params.get('transport')?.toUpperCase() === 'TCP' ? 'TCP' : 'UDP';
      for (const method of ['ACK', 'BYE']) assert.is(trace.find((t) => t.text.startsWith(`${method} `))?.transport, remoteTransport, method);
      assert.is(breaches(b.sent(), trace).length, 0, describe(breaches(b.sent(), trace)));
      // The checks can fail: baresip's own INVITE without its magic cookie and Max-Forwards breaks two rules.
      const doctored = b.sent().map((t) => (t.text.startsWith('INVITE ') ? { ...t, text: t.text.replace(';branch=z9hG4bK', ';branch=').replace('Max-Forwards: 70\r\n', '') } : t));
      assert.equal(breaches(doctored, doctored).map((x) => x.rule.split(':')[0]), ['§8.1.1', '§8.1.1.7']);
    } finally {
      await stopBaresip(b);
      await stop(uas);
      await media.close();
    }
  });

  // @tests RFC3261 P82L29-P82L35, P90L37-P90L42
  test(`our call reaches baresip over ${transport.toUpperCase()}: auto-answered, our BYE answered 200, exit 0`, async () => {
    let b: Baresip | undefined;
    try {
      b = await startBaresip('<sip:alice@127.0.0.1>;regint=0;answermode=auto');
      const target = `sip:alice@127.0.0.1:${b.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
      const call = sip(['call', target, '--duration', '0.5']);
      const code = await call.exited;
      assert.is(code, 0, call.stderr());
      const established = await b.control.event('CALL_ESTABLISHED', 15000);
      assert.is(established.direction, 'incoming');
      const closed = await b.control.event('CALL_CLOSED', 15000);
      const id = established.id ?? '';
      // Our side: answered 200, ACK sent, BYE answered 200.
      assert.match(call.stderr(), new RegExp(`INVITE ${id} -> 200 [^\\n]*, ACK sent\\n`));
      assert.match(call.stderr(), new RegExp(`BYE ${id} -> 200 OK\\n`));
      assert.is(closed.param, 'Connection reset by peer', 'baresip saw the other side hang up');
      await waitForDialog(b.trace, id);
      const trace = b.trace();
      for (const t of trace) assert.is(t.transport, transport.toUpperCase(), `${t.text.slice(0, 40)} over ${transport}`);
      assert.is(breaches(b.sent(), trace).length, 0, describe(breaches(b.sent(), trace)));
    } finally {
      await stopBaresip(b);
    }
  });
}

// @tests RFC3264 P9L14-P9L18, P10L1-P10L22, P10L43-P11L3
// @tests RFC3261 P85L32-P85L33
test('baresip offering every codec it has calls our uas: the answer keeps only the codecs in common, in baresip\'s order, and its RTP comes as PCMU', async () => {
  const media = await RtpSink.open(0);
  const uasPort = await freePort();
  let uas: Running | undefined;
  let b: Baresip | undefined;
  try {
    uas = await startLoggingUas(uasPort, ['--port', String(media.port)]);
    b = await startBaresip('<sip:alice@127.0.0.1>;regint=0', { codecModules: ALL_AUDIO_CODECS });
    const rtp = () => waitFor(`PCMU RTP at our SDP's port (${media.packets} packets so far)`, () => media.packets >= 5, 10000);
    const established = await baresipCallsOurUas(b, `sip:bob@127.0.0.1:${uasPort}`, uas, rtp);
    const trace = b.trace();
    const offer = sdpIn(trace, 'INVITE ', established.id);
    const answer = sdpIn(trace, 'SIP/2.0 200 ', established.id);
    const names = (d: typeof offer, fmts: string[]) =>
      fmts.map((f) => d.media[0]!.attributes.find((a) => a.kind === 'rtpmap' && String(a.payloadType) === f) ?? f).map((a) => (typeof a === 'string' ? `static ${a}` : a.kind === 'rtpmap' ? a.encodingName.toUpperCase() : ''));
    const offered = names(offer, offer.media[0]!.formats);
    // baresip offers more than we have, PCMU and PCMA behind the others.
    assert.ok(offered.length > 3, `baresip offered ${offered.join(' ')}`);
    assert.ok(offered.indexOf('PCMU') > 0, `baresip offered ${offered.join(' ')}`);
    const common = offered.filter((n) => ['PCMU', 'PCMA', 'TELEPHONE-EVENT'].includes(n));
    assert.equal(names(answer, answer.media[0]!.formats), common, 'our answer: the formats in common, in the order of the offer');
    assert.equal(answer.media[0]!.formats, offer.media[0]!.formats.filter((f, i) => common.includes(offered[i]!)), 'with the offer\'s payload type numbers');
    assert.is(answer.media[0]!.port, media.port);
    assert.is(directionOf(answer, answer.media[0]!), 'sendrecv');
    assert.ok(media.packets >= 5, 'baresip sent PCMU, the first format of our answer');
  } finally {
    await stopBaresip(b);
    await stop(uas);
    await media.close();
  }
});

// @tests RFC3264 P17L29-P17L41, P13L19-P13L22
// @tests RFC3261 P86L41-P86L46
test('our call puts baresip on hold and off it (call --hold-after --resume-after): its answers recvonly then sendrecv, each o= version one more', async () => {
  let b: Baresip | undefined;
  try {
    b = await startBaresip('<sip:alice@127.0.0.1>;regint=0;answermode=auto');
    const call = sip(['call', `sip:alice@127.0.0.1:${b.port}`, '--hold-after', '0.3', '--resume-after', '0.3', '--duration', '1']);
    const code = await call.exited;
    assert.is(code, 0, call.stderr());
    const answers = [...call.stderr().matchAll(/(call answered|hold re-INVITE answered 200|resume re-INVITE answered 200): o= version (\d+), audio \d+ (\w+)/g)].map((m) => [m[1], BigInt(m[2] as string), m[3]] as const);
    assert.equal(answers.map(([what, , direction]) => [what, direction]), [['call answered', 'sendrecv'], ['hold re-INVITE answered 200', 'recvonly'], ['resume re-INVITE answered 200', 'sendrecv']]);
    const first = answers[0]![1];
    assert.equal(answers.map(([, version]) => version - first), [0n, 1n, 2n]);
    // baresip's side: the three INVITEs it received, ours, with sendrecv, sendonly and sendrecv offers.
    const offers = b.trace().filter((t) => t.text.startsWith('INVITE ')).map((t) => parseSdp(parseTraced(t).body).description);
    assert.equal(offers.map((d) => [d.origin.sessionVersion, directionOf(d, d.media[0]!)]), [[1n, 'sendrecv'], [2n, 'sendonly'], [3n, 'sendrecv']]);
    await b.control.event('CALL_CLOSED', 15000);
    assert.is(breaches(b.sent(), b.trace()).length, 0, describe(breaches(b.sent(), b.trace())));
  } finally {
    await stopBaresip(b);
  }
});

test.run();
