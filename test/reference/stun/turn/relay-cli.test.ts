/**
 * `npm run stun -- relay` against coturn on 127.0.0.1: the peer's echo
 * printed, by Send indication and with --channel by ChannelData; --json
 * says how each way went; a wrong password is exit 1 naming the step and
 * the 401; a bad command line is exit 2.
 */
import { suite as plainSuite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { peerSuite } from '../../../peers.ts';
import { runStun } from '../cli/harness.ts';
import { startCoturn, type Coturn } from './coturn.ts';

const suite = peerSuite<{ coturn: Coturn; echo: Socket; peer: string; server: string }>('stun relay against coturn', ['coturn']);

suite.before(async (ctx) => {
  ctx.coturn = await startCoturn();
  ctx.echo = createSocket('udp4');
  await new Promise<void>((r) => ctx.echo.bind(0, '127.0.0.1', () => r()));
  ctx.echo.on('message', (m, from) => ctx.echo.send(Buffer.concat([Buffer.from('echo: '), m]), from.port, from.address));
  ctx.peer = `127.0.0.1:${ctx.echo.address().port}`;
  ctx.server = `127.0.0.1:${ctx.coturn.port}`;
});

suite.after(async (ctx) => {
  ctx.echo?.close();
  await ctx.coturn?.stop();
});

const credentials = (c: Coturn) => ['--user', c.user, '--password', c.password];

suite('Send indication: the reply printed, exit 0', async (ctx) => {
  const r = await runStun(['relay', ctx.server, ...credentials(ctx.coturn), '--peer', ctx.peer, '--send', 'hello']);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(r.stdout, 'echo: hello\n');
});

suite('--channel --json: sent and received as ChannelData on 0x4000, through a relayed address on 127.0.0.1', async (ctx) => {
  const r = await runStun(['relay', ctx.server, ...credentials(ctx.coturn), '--peer', ctx.peer, '--send', 'over a channel', '--channel', '--json']);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.relayed.address, '127.0.0.1');
  assert.equal(out.sent, { via: 'ChannelData', channel: 0x4000 });
  assert.is(out.received.via, 'ChannelData');
  assert.is(out.received.channel, 0x4000);
  assert.is(out.received.text, 'echo: over a channel');
  assert.is(out.lifetime, 600);
});

suite('a wrong password: exit 1, the step and the 401 named on stderr', async (ctx) => {
  const r = await runStun(['relay', ctx.server, '--user', ctx.coturn.user, '--password', 'wrong', '--peer', ctx.peer, '--send', 'x']);
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, `stun relay: ${ctx.server}: Allocate: TURN Allocate failed: 401`);
});

suite.run();

// No server needed: these end before anything is sent.
const usage = plainSuite('stun relay usage');

usage('usage errors: exit 2 naming what is wrong', async () => {
  const server = '127.0.0.1:9';
  const missing = await runStun(['relay', server, '--user', 'u', '--password', 'p', '--send', 'x']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, 'relay wants --peer');
  const badPeer = await runStun(['relay', server, '--user', 'u', '--password', 'p', '--peer', 'localhost:9', '--send', 'x']);
  assert.is(badPeer.code, 2);
  assert.match(badPeer.stderr, '--peer wants IP:PORT');
});

usage.run();
