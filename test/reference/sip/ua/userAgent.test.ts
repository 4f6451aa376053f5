/**
 * The UserAgent's own machine: Running (the Core with its settings and
 * tables) → Closed (nothing). What only a running UA does is refused once it
 * is closed, naming the state and what was asked.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent } from '../../../../reference/sip/ua/userAgent.ts';
import { settle } from './peer.ts';

test('UserAgent: Running → Closed on close(); afterwards every call into it is refused naming the state, and its tables are gone', async () => {
  const ua = await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 } });
  assert.is(ua.state, 'Running');
  const call = ua.invite(`sip:nobody@127.0.0.1:${ua.sentBy.port + 1}`);
  assert.is(ua.stats().uacCalls, 1);
  await ua.close();
  assert.is(ua.state, 'Closed');
  assert.equal(ua.stats(), { calls: 0, awaitingAck: 0, acks: 0, uacCalls: 0, ongoing: 0, clientTransactions: 0, serverTransactions: 0 });
  assert.throws(() => ua.invite('sip:bob@127.0.0.1'), /UserAgent: invite in state Closed/);
  assert.throws(() => call.cancel(), /UserAgent: cancel in state Closed/);
  assert.throws(() => ua.createRequest('OPTIONS', 'sip:bob@127.0.0.1'), /createRequest in state Closed/);
  // A second close (SIGINT then SIGTERM) has nothing left to do.
  await ua.close();
  assert.is(ua.state, 'Closed');
});

test('UserAgent.start refuses a media address o= and c= cannot carry, naming it, before it opens a socket', async () => {
  for (const [address, why] of [['224.0.0.1', /multicast/], ['fe80::1%eth0', /zone id/]] as const) {
    let error: Error | undefined;
    await UserAgent.start({ listen: { host: '127.0.0.1', port: 0 }, media: { address } }).catch((e: Error) => (error = e));
    assert.match(error?.message ?? '', new RegExp(`^UserAgent: media address ${address.replace(/\./g, '\\.')} cannot be written in o= and c=: .*${why.source}`));
  }
});

test.after(settle);

test.run();
