/** CallMedia's own bounds, on loopback without SIP: the stream is an offer/answer exchange's, made in this process. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { audioCapabilities, codecsFromNames, createAnswer, createOffer } from '../../../../reference/sdp/offerAnswer/index.ts';
import { CallMedia, MAX_PAIRS } from '../../../../reference/sip/media/callMedia.ts';
import { freeMediaPort } from './common.ts';
import { settle } from '../ua/peer.ts';

test('listenAlso: at most MAX_PAIRS pairs for one call, and none after leaving; each refusal names why', async () => {
  const [ours, theirs] = [await freeMediaPort(), await freeMediaPort()];
  const codecs = codecsFromNames('PCMU');
  const answered = createAnswer(createOffer(audioCapabilities({ address: '127.0.0.1', port: theirs, codecs })), audioCapabilities({ address: '127.0.0.1', port: ours, codecs }));
  if (!answered.ok) throw new Error(answered.reason);
  const media = await CallMedia.start(answered.streams[0]!, { local: { host: '127.0.0.1', port: ours } });
  try {
    for (let i = 1; i < MAX_PAIRS; i++) await media.listenAlso({ host: '127.0.0.1', port: await freeMediaPort() });
    assert.is(media.counts().ports.length, 2 * MAX_PAIRS, 'each pair counted, RTP port and the one above');
    const refused = await media.listenAlso({ host: '127.0.0.1', port: await freeMediaPort() }).catch((e: Error) => e);
    assert.instance(refused, Error);
    assert.match((refused as Error).message, new RegExp(`already listening on ${MAX_PAIRS} port pairs`));
    await media.leave('done');
    const late = await media.listenAlso({ host: '127.0.0.1', port: await freeMediaPort() }).catch((e: Error) => e);
    assert.match((late as Error).message, /after leaving the session/);
  } finally {
    const { report } = await media.close();
    // Every pair listened on is counted in the report, and closed with the call.
    assert.is(report.ports.length, 2 * MAX_PAIRS);
  }
});

test.after(settle);
test.run();
