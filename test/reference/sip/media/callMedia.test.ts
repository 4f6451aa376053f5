/** CallMedia's own bounds, on loopback without SIP: the stream is an offer/answer exchange's, made in this process. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { audioCapabilities, codecsFromNames, createAnswer, createOffer } from '../../../../reference/sdp/offerAnswer/index.ts';
import { CallMedia, describeReport, MAX_PAIRS } from '../../../../reference/sip/media/callMedia.ts';
import { offererStreams } from '../../../../reference/sdp/offerAnswer/negotiated.ts';
import { tone } from '../../../../reference/rtp/media/tone.ts';
import { bindPair } from '../../../../reference/rtp/commands/sockets.ts';
import { freePair } from './common.ts';
import { settle } from '../ua/peer.ts';

/** A PCMU exchange on two free ports of loopback: the offerer's (theirs) and the answerer's (ours) audio stream. */
async function exchange() {
  const [ours, theirs] = [await freePair(), await freePair()];
  const codecs = codecsFromNames('PCMU');
  const offer = createOffer(audioCapabilities({ address: '127.0.0.1', port: theirs, codecs }));
  const answered = createAnswer(offer, audioCapabilities({ address: '127.0.0.1', port: ours, codecs }));
  if (!answered.ok) throw new Error(answered.reason);
  return { ours, theirs, answerer: answered.streams[0]!, offerer: offererStreams(offer, answered.answer)[0]! };
}

test('listenAlso: at most MAX_PAIRS pairs for one call, and none after leaving; each refusal names why', async () => {
  const { ours, answerer: stream } = await exchange();
  const media = await CallMedia.start(stream, { local: { host: '127.0.0.1', port: ours } });
  try {
    for (let i = 1; i < MAX_PAIRS; i++) await media.listenAlso({ host: '127.0.0.1', port: await freePair() });
    assert.is(media.counts().ports.length, 2 * MAX_PAIRS, 'each pair counted, RTP port and the one above');
    const refused = await media.listenAlso({ host: '127.0.0.1', port: await freePair() }).catch((e: Error) => e);
    assert.instance(refused, Error);
    assert.match((refused as Error).message, new RegExp(`already listening on ${MAX_PAIRS} port pairs`));
    await media.leave('done');
    const late = await media.listenAlso({ host: '127.0.0.1', port: await freePair() }).catch((e: Error) => e);
    assert.match((late as Error).message, /after leaving the session/);
  } finally {
    const { report } = await media.close();
    // Every pair listened on is counted in the report, and closed with the call.
    assert.is(report.ports.length, 2 * MAX_PAIRS);
  }
});

test('a recording past its bound says how much was heard and not kept; maxRecordSeconds 0 records nothing', async () => {
  const { ours, theirs, answerer: stream, offerer: caller } = await exchange();
  const kept = await CallMedia.start(stream, { local: { host: '127.0.0.1', port: ours }, maxRecordSeconds: 0.5 });
  const player = await CallMedia.start(caller, { local: { host: '127.0.0.1', port: theirs }, play: tone(1000, 1.5), maxRecordSeconds: 0 });
  await player.played();
  await new Promise((r) => setTimeout(r, 300));
  const { report } = await kept.close();
  const { report: silent } = await player.close();
  assert.is(report.recordedSeconds, 0.5);
  assert.ok(report.notKeptSeconds > 0.5, `${report.notKeptSeconds} s heard past the bound`);
  assert.match(describeReport(report), /recorded 0\.50 s \(the bound: \d\.\d\d s more heard, not kept\)/);
  assert.is(silent.recordedSeconds, undefined);
  assert.match(describeReport(silent), /\n {2}not recorded\n/);
});

test('a session that cannot start starts nothing (was: its RTCP timer ran on, sending), and leaves a pair it was given to its giver (was closed twice: ERR_SOCKET_DGRAM_NOT_RUNNING)', async () => {
  const { ours, theirs, answerer: stream } = await exchange();
  const pair = await bindPair({ host: '127.0.0.1', port: ours });
  // Where the stream's RTCP would go: nothing may come in the span its first report would take (RFC 3550 A.7: at most 3.75 s / 1.22 from the start).
  const far = await bindPair({ host: '127.0.0.1', port: theirs });
  let heard = 0;
  far.rtcp.on('message', () => heard++);
  try {
    // Held (recvonly for us), a file to play is refused: we may not send.
    const refused = await CallMedia.start({ ...stream, direction: 'recvonly' }, { local: { host: '127.0.0.1', port: ours }, sockets: pair, play: tone(1000, 0.1) }).catch((e: Error) => e);
    assert.match((refused as Error).message, /the stream is recvonly: we may not send on it/);
    await new Promise((r) => setTimeout(r, 3200));
    assert.is(heard, 0, 'RTCP from a session that was refused');
  } finally {
    await pair.close();
    await far.close();
  }
});

test.after(settle);
test.run();
