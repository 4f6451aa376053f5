/**
 * The `uas` and `call` commands negotiate for real: bad media options are
 * usage errors (exit 2) naming the option, and `call --hold-after
 * --resume-after` against our own `uas` sends the hold and resume
 * re-INVITEs and logs each answer's o= version and direction.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sip } from '../proxy/processes.ts';
import { freePort, startOurUas, stop, type Running } from '../../../../tools/testkit/processes.ts';

const usage: [string[], RegExp][] = [
  [['uas', '--listen', '127.0.0.1:0', '--codecs', 'PCMU,G7xx'], /--codecs: unknown codec "G7xx"/],
  [['uas', '--listen', '127.0.0.1:0', '--address', 'here'], /--address wants an IP address, got "here"/],
  [['uas', '--listen', '0.0.0.0:0'], /the --listen address 0\.0\.0\.0 is what o= and c= would say, and 0\.0\.0\.0 is no address to receive media at.*give --address/],
  [['uas', '--listen', '127.0.0.1:0', '--address', '224.0.0.1'], /--address: 224\.0\.0\.1 is a multicast address/],
  [['uas', '--listen', '127.0.0.1:0', '--port', '70000'], /--port wants a port number from 1 to 65535 \(0 would decline every stream\), got "70000"/],
  [['uas', '--listen', '127.0.0.1:0', '--port', '0x10'], /--port wants a port number from 1 to 65535.*got "0x10"/],
  [['uas', '--listen', '127.0.0.1:0', '--media-port', ''], /--media-port wants a port number from 1 to 65535.*got ""/],
  [['call', 'sip:x@127.0.0.1:9', '--port', '0'], /--port wants a port number from 1 to 65535.*got "0"/],
  [['uas', '--listen', '127.0.0.1:0', '--port', '4000', '--media-port', '4000'], /--port and --media-port are the same option/],
  [['call', 'sip:x@127.0.0.1:9', '--resume-after', '1'], /--resume-after counts from the hold: give --hold-after too/],
  [['call', 'sip:x@127.0.0.1:9', '--codecs', ''], /--codecs: unknown codec ""/],
];

for (const [args, message] of usage) {
  test(`usage error, exit 2: ${args.slice(2).join(' ')}`, async () => {
    const run = sip(args);
    // A value taken for a good one starts the command, which then runs until stopped: 10 s, then a failure.
    const code = await Promise.race([run.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 10000).unref())]);
    if (code === 'running') await stop(run);
    assert.is(code, 2, run.stderr());
    assert.match(run.stderr(), message);
  });
}

test('--help of uas and call names the media options and hold/resume', async () => {
  for (const [command, flags] of [['uas', ['--codecs', '--address', '--port']], ['call', ['--codecs', '--address', '--port', '--hold-after', '--resume-after']]] as const) {
    const run = sip([command, '--help']);
    assert.is(await run.exited, 0);
    for (const flag of flags) assert.ok(run.stdout().includes(flag), `${command} --help names ${flag}`);
  }
});

// @tests RFC3264 P17L29-P17L36, P13L19-P13L24
// @tests RFC3261 P86L41-P86L46
test('call --hold-after --resume-after against our uas: answers sendrecv (v1), recvonly (v2), sendrecv (v3), then BYE, exit 0', async () => {
  let uas: Running | undefined;
  try {
    const port = await freePort();
    uas = await startOurUas(port, ['--codecs', 'PCMA', '--port', '40010']);
    const call = sip(['call', `sip:bob@127.0.0.1:${port}`, '--listen', '127.0.0.1:0', '--hold-after', '0.2', '--resume-after', '0.2', '--duration', '0.5', '--codecs', 'PCMU,PCMA']);
    const code = await call.exited;
    const log = call.stderr();
    assert.is(code, 0, log);
    assert.match(log, /call answered: o= version 1, audio 40010 sendrecv/);
    assert.match(log, /hold re-INVITE answered 200: o= version 2, audio 40010 recvonly/);
    assert.match(log, /resume re-INVITE answered 200: o= version 3, audio 40010 sendrecv/);
    assert.match(log, /BYE answered 200/);
    assert.ok(log.indexOf('hold re-INVITE') < log.indexOf('resume re-INVITE') && log.indexOf('resume re-INVITE') < log.indexOf('BYE answered'));
  } finally {
    await stop(uas);
  }
});

test.run();
