/**
 * Several calls with media at once: our `uas --echo --record` gives each
 * call its own RTP/RTCP port pair (from --port upward in steps of 2), so two
 * simultaneous callers, one playing 700 Hz and the other 1000 Hz, each get
 * the echo of their own tone, and the uas records each call apart. The
 * pairs go back on BYE: a later call gets the first pair again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { sip } from '../proxy/processes.ts';
import { freePort, startOurUas, stop } from '../../../../tools/testkit/processes.ts';
import { readWavFile } from '../../../../reference/rtp/media/wav.ts';
import { dominantFrequency } from '../../../../reference/rtp/media/frequency.ts';
import { recordPath } from '../../../../reference/sip/media/commands.ts';
import { PortPairs } from '../../../../reference/sip/media/ports.ts';
import { BindError } from '../../../../reference/rtp/commands/sockets.ts';
import { assertTone, freePair, inScratch } from './common.ts';
import { settle } from '../ua/peer.ts';

test('two simultaneous calls, 700 Hz and 1000 Hz: each caller hears its own tone back, the uas records each call apart, on its own port pair', async () => {
  await inScratch(async (dir, toneFile) => {
    const [sipPort, base] = [await freePort(), await freePair()];
    const uas = await startOurUas(sipPort, ['--port', String(base), '--echo', '--record', join(dir, 'uas.wav')]);
    try {
      const callers = await Promise.all(
        [700, 1000].map(async (hz) => {
          const port = await freePair();
          const call = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(port), '--play', toneFile(hz, 3), '--record', join(dir, `heard-${hz}.wav`)]);
          return { hz, port, call, code: await call.exited };
        }),
      );
      const uasPorts = new Set<number>();
      for (const { hz, port, call, code } of callers) {
        assert.is(code, 0, call.stderr());
        assertTone(readWavFile(join(dir, `heard-${hz}.wav`)), hz, `the caller playing ${hz} Hz heard`);
        const m = new RegExp(`media 127\\.0\\.0\\.1:${port} -> 127\\.0\\.0\\.1:(\\d+): PCMU`).exec(call.stdout());
        assert.ok(m, call.stdout());
        uasPorts.add(Number(m![1]));
      }
      // A pair each, from --port up in steps of 2 (base + 2 unless something else holds it: then the next free one).
      const [low, high] = [...uasPorts].sort((a, b) => a - b);
      assert.equal([uasPorts.size, low, (high! - base) % 2, high! > base], [2, base, 0, true], `the uas ports: ${[...uasPorts].join(', ')}`);
      // A third call after both ended: the first pair is free again.
      const later = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(await freePair()), '--play', toneFile(1000, 1)]);
      assert.is(await later.exited, 0, later.stderr());
      assert.match(later.stdout(), new RegExp(`-> 127\\.0\\.0\\.1:${base}: PCMU`));
      await stop(uas, 3000, 'SIGINT');
      // The uas's recordings: the first two calls, one tone each, each call's own.
      const recorded = [1, 2].map((n) => dominantFrequency(readWavFile(recordPath(join(dir, 'uas.wav'), n)!), 8000).frequency);
      const near = (f: number, hz: number) => Math.abs(f - hz) <= hz * 0.02;
      assert.ok(recorded.some((f) => near(f, 700)) && recorded.some((f) => near(f, 1000)), `the uas recorded ${recorded.map((f) => f.toFixed(1)).join(' Hz and ')} Hz`);
      assert.equal([...uas.stdout().matchAll(/recording written to (\S+)/g)].map((m) => m[1]).sort(), [1, 2, 3].map((n) => recordPath(join(dir, 'uas.wav'), n)).sort());
    } finally {
      await stop(uas, 3000, 'SIGINT');
    }
  });
});

test('the port pairs are bounded: past `max` at once, take() refuses, naming why; a released pair is taken again', async () => {
  const base = await freePair();
  const pairs = new PortPairs('127.0.0.1', base, 2);
  const [a, b] = [await pairs.take(), await pairs.take()];
  try {
    assert.equal([a.port, b.port], [base, base + 2]);
    try {
      await pairs.take();
      assert.unreachable('a third pair');
    } catch (e) {
      assert.instance(e, BindError);
      assert.match((e as Error).message, /2 calls have media already/);
    }
    await a.close();
    pairs.release(a.port);
    const again = await pairs.take();
    assert.is(again.port, base);
    await again.close();
  } finally {
    await Promise.all([a.close().catch(() => {}), b.close()]);
  }
  assert.throws(() => new PortPairs('127.0.0.1', 40001), /first RTP port is even/);
  // At the top of the port space the range is what fits: 65534 alone, a second pair refused.
  const top = new PortPairs('127.0.0.1', 65534, 4);
  const only = await top.take().catch((e: Error) => e);
  if (only instanceof Error) assert.match(only.message, /no free RTP\/RTCP port pair on 127\.0\.0\.1 from 65534 to 65535/);
  else {
    assert.is(only.port, 65534);
    const second = await top.take().catch((e: Error) => e);
    assert.instance(second, BindError, 'a second pair above 65534');
    assert.match((second as Error).message, /no free RTP\/RTCP port pair on 127\.0\.0\.1 from 65534 to 65535/);
    await only.close();
  }
});

test('recordPath: the first call OUT.wav, the n-th OUT-n.wav', () => {
  assert.equal([1, 2, 10].map((n) => recordPath('/tmp/out.wav', n)), ['/tmp/out.wav', '/tmp/out-2.wav', '/tmp/out-10.wav']);
  assert.is(recordPath('take', 3), 'take-3');
  assert.is(recordPath(undefined, 3), undefined);
});

test.after(settle);
test.run();
