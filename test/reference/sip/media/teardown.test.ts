/**
 * A uas or a caller stopped (SIGTERM, SIGINT) while a call's media runs:
 * the caller hangs up (RTCP BYE, then BYE); on either side the session
 * is ended like a BYE would end it (RTCP BYE sent, the recording written,
 * the report printed), its sockets closed, and the process exits 0, never
 * hangs with a live RTP session holding it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sip } from '../proxy/processes.ts';
import { freePort, startOurUas, stop, waitFor } from '../../../../tools/testkit/processes.ts';
import { readWavFile } from '../../../../reference/rtp/media/wav.ts';
import { bindPair } from '../../../../reference/rtp/commands/sockets.ts';
import { assertTone, freePair, inScratch } from './common.ts';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`uas --echo --record stopped by ${signal} mid-call: RTCP BYE sent, recording written, exit 0`, async () => {
    await inScratch(async (dir, toneFile) => {
      const [sipPort, uasPort, callPort] = [await freePort(), await freePair(), await freePair()];
      const uas = await startOurUas(sipPort, ['--port', String(uasPort), '--echo', '--record', join(dir, 'uas.wav')]);
      const call = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(callPort), '--play', toneFile(1000, 8)]);
      try {
        await waitFor('the call answered', () => /call answered/.test(call.stderr()), 10000, call);
        await new Promise((r) => setTimeout(r, 1500));
        await stop(uas, 5000, signal);
        assert.is(uas.child.exitCode, 0, `the uas exits 0 on ${signal} (a SIGKILL after 5 s gives null); stderr: ${uas.stderr()}`);
        assert.match(uas.stdout(), new RegExp(`media 127\\.0\\.0\\.1:${uasPort} -> 127\\.0\\.0\\.1:${callPort}: PCMU.*RTCP BYE sent`));
        assert.match(uas.stdout(), /recording written to /);
        assertTone(readWavFile(join(dir, 'uas.wav')), 1000, 'what the uas recorded before it stopped');
        // The port pair is free again: the exited process's sockets are gone with it, so bind it.
        await (await bindPair({ host: '127.0.0.1', port: uasPort })).close();
      } finally {
        await stop(call, 3000, 'SIGINT');
        await stop(uas);
      }
    });
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`call --play --record stopped by ${signal} mid-call hangs up: RTCP BYE, BYE answered 200, recording written, exit 0`, async () => {
    await inScratch(async (dir, toneFile) => {
      const [sipPort, uasPort, callPort] = [await freePort(), await freePair(), await freePair()];
      const uas = await startOurUas(sipPort, ['--port', String(uasPort), '--echo']);
      const call = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(callPort), '--play', toneFile(1000, 8), '--record', join(dir, 'out.wav')]);
      try {
        await waitFor('the call answered', () => /call answered/.test(call.stderr()), 10000, call);
        await new Promise((r) => setTimeout(r, 1500));
        await stop(call, 5000, signal);
        assert.is(call.child.exitCode, 0, `the caller exits 0 on ${signal}; stderr: ${call.stderr()}`);
        assert.match(call.stderr(), /BYE answered 200/);
        assert.match(call.stdout(), /RTCP BYE sent/);
        assertTone(readWavFile(join(dir, 'out.wav')), 1000, 'the echo the caller recorded before it stopped');
        // The uas had no --record: it kept no audio (was: up to an hour of it per call, held for nobody).
        await stop(uas, 3000, 'SIGINT');
        assert.match(uas.stdout(), /RTCP BYE received\n {2}not recorded\n/);
      } finally {
        await stop(call);
        await stop(uas, 3000, 'SIGINT');
      }
    });
  });
}

test('uas --record into a directory removed meanwhile: the recording is said not written, the uas goes on with the next call', async () => {
  await inScratch(async (dir, toneFile) => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const [sipPort, uasPort] = [await freePort(), await freePair()];
    const uas = await startOurUas(sipPort, ['--port', String(uasPort), '--echo', '--record', join(sub, 'uas.wav')]);
    try {
      rmSync(sub, { recursive: true });
      for (const n of [1, 2]) {
        const call = sip(['call', `sip:bob@127.0.0.1:${sipPort}`, '--listen', '127.0.0.1:0', '--port', String(await freePair()), '--play', toneFile(1000, 1)]);
        assert.is(await call.exited, 0, `call ${n}: ${call.stderr()}`);
        await waitFor(`call ${n}'s recording refused`, () => uas.stderr().split('not written to').length > n, 5000, uas);
      }
      assert.match(uas.stderr(), /recording of 127\.0\.0\.1:\d+ not written to .*sub\/uas-2\.wav: ENOENT/);
      assert.is(uas.child.exitCode, null, 'the uas is still up');
    } finally {
      await stop(uas, 3000, 'SIGINT');
    }
  });
});

test.run();
