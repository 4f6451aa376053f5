/**
 * slixmpp's SASL mechanisms (Debian's python3-slixmpp, slixmpp.util.sasl)
 * as the client of our SCRAM server: SCRAM-SHA-1 and SCRAM-SHA-256 log in
 * and slixmpp verifies our ServerSignature; -PLUS with the channel
 * binding both ends hold (slixmpp names it tls-unique: the data is an
 * input to both); its "y" to a server that binds is refused as a
 * downgrade; a wrong password and a wrong binding are refused with their
 * e= values, which slixmpp reports.
 */
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { peerPath, peerSuite } from '../../../peers.ts';
import { ScramServer, type ServerStep, type ScramHash, storedCredentials } from '../../../../reference/xmpp/sasl/index.ts';

const SCRIPT = join(import.meta.dirname, 'scram_client.py');
const BINDING = new Uint8Array(32).map((_, i) => i * 7);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** slixmpp's client for `mechanism` against `server`: what slixmpp concluded, and each of our steps. */
async function exchange(mechanism: string, password: string, server: ScramServer, binding?: Uint8Array): Promise<{ client: string; steps: ServerStep[] }> {
  const child = spawn(peerPath('slixmpp'), [SCRIPT, mechanism, 'user', password, ...(binding ? [hex(binding)] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  const closed = new Promise((resolve) => child.once('close', resolve));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const rl = createInterface({ input: child.stdout });
  const lines = rl[Symbol.asyncIterator]();
  const steps: ServerStep[] = [];
  const read = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`slixmpp ended: ${stderr}`);
    return r.value as string;
  };
  const decode = (l: string) => Buffer.from(l, 'base64').toString('utf8');
  const first = server.receiveClientFirst(decode(await read()));
  steps.push(first);
  if (first.ok) {
    child.stdin.write(`${Buffer.from(first.message).toString('base64')}\n`);
    const final = server.receiveClientFinal(decode(await read()));
    steps.push(final);
    if (final.message) child.stdin.write(`${Buffer.from(final.message).toString('base64')}\n`);
  }
  child.stdin.end();
  const client = await read();
  rl.close();
  await closed;
  // The child's handle leaves the event loop on a later turn.
  await new Promise((r) => setTimeout(r, 20));
  return { client, steps };
}

const server = (hash: ScramHash, o: { plus?: boolean; bindings?: Uint8Array } = {}) => {
  const stored = storedCredentials(hash, 'pencil');
  return new ScramServer({
    hash, plus: o.plus ?? false, lookup: (u) => (u === 'user' ? stored : undefined),
    ...(o.bindings ? { channelBindings: [{ type: 'tls-unique', data: o.bindings }] } : {}),
  });
};

const slix = peerSuite('slixmpp SASL client against our SCRAM server', ['slixmpp']);

// @tests RFC5802 P9L26-P10L32, RFC7677 P2L41-P2L44
slix('SCRAM-SHA-1 and SCRAM-SHA-256: slixmpp logs in and verifies our ServerSignature', async () => {
  for (const hash of ['SHA-1', 'SHA-256'] as const) {
    const s = server(hash);
    const r = await exchange(`SCRAM-${hash}`, 'pencil', s);
    assert.is(r.client, 'ok', hash);
    assert.is(s.state, 'Done');
    assert.is(s.authcid, 'user');
  }
});

// @tests RFC5802 P14L35-P14L37, P15L15-P15L17
slix('SCRAM-SHA-256-PLUS: with the same binding at both ends, done; with another, channel-bindings-dont-match', async () => {
  const ok = server('SHA-256', { plus: true, bindings: BINDING });
  assert.is((await exchange('SCRAM-SHA-256-PLUS', 'pencil', ok, BINDING)).client, 'ok');
  const mitm = server('SHA-256', { plus: true, bindings: BINDING.map((b) => b ^ 1) });
  const r = await exchange('SCRAM-SHA-256-PLUS', 'pencil', mitm, BINDING);
  assert.match(r.client, /^failed: SASLFailed .*channel-bindings-dont-match/);
  assert.is(!r.steps[1]!.ok && r.steps[1]!.error, 'channel-bindings-dont-match');
});

// @tests RFC5802 P15L1-P15L9
slix('slixmpp with a binding but the plain mechanism sends "y": our server, which binds, refuses the downgrade', async () => {
  const s = server('SHA-256', { bindings: BINDING });
  const r = await exchange('SCRAM-SHA-256', 'pencil', s, BINDING);
  assert.is(!r.steps[0]!.ok && r.steps[0]!.error, 'server-does-support-channel-binding');
  assert.match(r.client, /^failed/);
  // The same client to a server that does not bind: "y" is fine.
  assert.is((await exchange('SCRAM-SHA-256', 'pencil', server('SHA-256'), BINDING)).client, 'ok');
});

// @tests RFC5802 P13L19-P13L28
slix('a wrong password: e=invalid-proof, which slixmpp reports', async () => {
  const r = await exchange('SCRAM-SHA-1', 'pen', server('SHA-1'));
  assert.match(r.client, /^failed: SASLFailed .*invalid-proof/);
});

slix.run();
