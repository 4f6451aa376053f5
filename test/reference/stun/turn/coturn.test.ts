/**
 * Our TURN client against coturn (turnserver) on 127.0.0.1, long-term
 * credentials: it allocates, permits a UDP echo peer (a dgram socket here),
 * and gets the echo back through the relay, by Send/Data indication and by
 * ChannelData; refreshes on a fake clock reach the real server; a stale nonce
 * is followed; a wrong password fails the Allocate by name.
 */
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { FakeClock } from '../../../../reference/clock.ts';
import { TurnClient, type Received } from '../../../../reference/stun/turn/client.ts';
import type { TransportAddress } from '../../../../reference/stun/turn/allocation.ts';
import { UdpClientTransport } from '../../../../reference/stun/transaction/transports.ts';
import { peerSuite } from '../../../peers.ts';
import { startCoturn, type Coturn } from './coturn.ts';

interface Context {
  coturn: Coturn;
  echo: Socket;
  peer: TransportAddress;
  /** Where each datagram the echo peer got came from. */
  seenFrom: string[];
}

const suite = peerSuite<Context>('TURN client against coturn', ['coturn']);
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

suite.before(async (ctx) => {
  ctx.coturn = await startCoturn({ extra: ['--stale-nonce=3'] });
  ctx.echo = createSocket('udp4');
  await new Promise<void>((r) => ctx.echo.bind(0, '127.0.0.1', () => r()));
  ctx.seenFrom = [];
  ctx.echo.on('message', (m, from) => {
    ctx.seenFrom.push(`${from.address}:${from.port}`);
    ctx.echo.send(Buffer.concat([Buffer.from('echo: '), m]), from.port, from.address);
  });
  ctx.peer = { family: 'IPv4', address: '127.0.0.1', port: ctx.echo.address().port };
});

suite.after(async (ctx) => {
  ctx.echo?.close();
  await ctx.coturn?.stop();
});

async function client(ctx: Context, options: { password?: string; clock?: FakeClock } = {}) {
  const transport = await UdpClientTransport.open({ address: '127.0.0.1', port: ctx.coturn.port });
  const c = new TurnClient(transport, { username: ctx.coturn.user, password: options.password ?? ctx.coturn.password, clock: options.clock });
  const received: Received[] = [];
  c.onData = (r) => received.push(r);
  return { c, transport, received };
}

async function until(what: string, done: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// @tests RFC8656 P23L6-P23L8, P27L15-P27L16, P33L47-P34L5, P40L18-P40L20, P41L41-P41L42, P43L39-P43L42, P37L9-P37L11
suite('Allocate (401 → credentials), CreatePermission, Send indication out, Data indication back, Refresh LIFETIME 0 deletes', async (ctx) => {
  const { c, transport, received } = await client(ctx);
  try {
    const relayed = await c.allocate();
    assert.is(relayed.address, '127.0.0.1');
    const s = c.allocation;
    assert.is(s?.name, 'Allocated');
    if (s?.name === 'Allocated') {
      assert.is(s.allocation.challenge?.realm, ctx.coturn.realm);
      assert.ok(s.allocation.lifetime > 0, `lifetime ${s.allocation.lifetime}`);
    }
    await c.permit(ctx.peer);
    assert.is(c.permission('127.0.0.1')?.name, 'Installed');
    c.send(ctx.peer, text('ping by Send'));
    await until('the echo through the relay', () => received.length > 0);
    assert.equal(received.map((r) => [r.via, str(r.data), r.peer.address, r.peer.port]), [['Data indication', 'echo: ping by Send', '127.0.0.1', ctx.peer.port]]);
    // The peer saw the relayed transport address as the source, not our socket.
    assert.equal(ctx.seenFrom.at(-1), `${relayed.address}:${relayed.port}`);
    await c.close();
    assert.is(c.allocation?.name, 'Deleted');
    assert.equal(c.discarded, []);
  } finally {
    transport.close();
  }
});

// @tests RFC8656 P47L28-P47L34, P49L3-P49L6, P49L34-P49L40, P50L20-P50L21
suite('ChannelBind 0x4000, ChannelData out, ChannelData back on the same channel', async (ctx) => {
  const { c, transport, received } = await client(ctx);
  try {
    const relayed = await c.allocate();
    const channel = await c.bindChannel(ctx.peer);
    assert.is(channel, 0x4000);
    assert.is(c.channel(ctx.peer)?.name, 'Bound');
    c.sendChannel(ctx.peer, text('ping by ChannelData'));
    await until('the echo through the channel', () => received.length > 0);
    assert.equal(received.map((r) => [r.via, r.channel, str(r.data), r.peer.port]), [['ChannelData', 0x4000, 'echo: ping by ChannelData', ctx.peer.port]]);
    assert.equal(ctx.seenFrom.at(-1), `${relayed.address}:${relayed.port}`);
    await c.close();
  } finally {
    transport.close();
  }
});

// @tests RFC8656 P36L48-P37L2, P38L31-P38L33, P40L15-P40L22, P47L36-P47L38
suite('on a fake clock: the allocation refreshed at lifetime - 60 s, the permission at 240 s and the channel at 540 s, each answered by coturn', async (ctx) => {
  const clock = new FakeClock();
  const { c, transport, received } = await client(ctx, { clock });
  try {
    await c.allocate();
    const lifetime = c.allocation?.name === 'Allocated' ? c.allocation.allocation.lifetime : 0;
    assert.is(lifetime, 600, 'coturn grants its default lifetime');
    await c.permit(ctx.peer);
    await c.bindChannel(ctx.peer);
    // Each step ends on a refresh's instant, so that its transaction's own
    // retransmission timers (the same clock) are not run through as well.
    for (const at of [240_000, 480_000]) {
      clock.advance(at - clock.now());
      assert.is(c.permission('127.0.0.1')?.name, 'Refreshing', `at ${at} ms`);
      await until('the permission refreshed', () => c.permission('127.0.0.1')?.name === 'Installed');
    }
    clock.advance(540_000 - clock.now()); // the allocation's refresh and the channel's rebind
    assert.is(c.allocation?.name, 'Refreshing');
    assert.is(c.channel(ctx.peer)?.name, 'Rebinding');
    await until('the refreshes answered', () => c.allocation?.name === 'Allocated' && c.channel(ctx.peer)?.name === 'Bound');
    // Still relaying after all of it.
    c.sendChannel(ctx.peer, text('after the refreshes'));
    await until('the echo', () => received.length > 0);
    assert.is(str(received[0]!.data), 'echo: after the refreshes');
    await c.close();
  } finally {
    transport.close();
  }
});

// @tests RFC8656 P38L36-P38L38
suite('a nonce gone stale (coturn --stale-nonce=3): the next request gets 438 and is sent again with the new nonce', async (ctx) => {
  const { c, transport } = await client(ctx);
  try {
    await c.allocate();
    const before = c.allocation?.name === 'Allocated' ? c.allocation.allocation.challenge?.nonce : undefined;
    await new Promise((r) => setTimeout(r, 4000));
    await c.permit(ctx.peer);
    const after = c.allocation?.name === 'Allocated' ? c.allocation.allocation.challenge?.nonce : undefined;
    assert.ok(before !== undefined && after !== undefined && before !== after, `nonce ${before} → ${after}`);
    assert.is(c.permission('127.0.0.1')?.name, 'Installed');
    await c.close();
  } finally {
    transport.close();
  }
});

// @tests RFC8656 P35L6-P35L10
suite('a wrong password: the credentials are refused and the Allocate fails, naming 401', async (ctx) => {
  const { c, transport } = await client(ctx, { password: 'not the password' });
  try {
    const why = await c.allocate().then(() => 'allocated', (e: Error) => e.message);
    assert.match(why, /TURN Allocate failed: 401/);
    assert.is(c.allocation?.name, 'Failed');
  } finally {
    await c.close();
    transport.close();
  }
});

// @tests RFC8656 P41L36-P41L39
suite('Send to a peer without a permission is refused before anything leaves', async (ctx) => {
  const { c, transport } = await client(ctx);
  try {
    await c.allocate();
    const n = ctx.seenFrom.length;
    assert.throws(() => c.send(ctx.peer, text('x')), /no permission is installed for 127\.0\.0\.1; CreatePermission first \(RFC 8656 §11\.1\)/);
    assert.throws(() => c.sendChannel(ctx.peer, text('x')), /no channel is bound to 127\.0\.0\.1/);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(ctx.seenFrom.length, n);
    await c.close();
  } finally {
    transport.close();
  }
});

suite.run();
