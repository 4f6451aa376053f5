/**
 * Cost of matching a request to a server transaction (RFC 3261 §17.2.3) in
 * TransactionLayer.receiveRequest, with many live transactions — the load of
 * a UAS whose BYE transactions stay 32 s in Completed (Timer J).
 *
 * For N live transactions, each message is a retransmission of one of them
 * (so it matches and is absorbed). Floor, measured in the same run: parsing
 * the message and reading its top Via branch, the least any matcher must do
 * (parse included in both). Prints µs per message and the ratio to the floor.
 *
 * `npm run bench -- sip-transaction`
 */
import { parse } from '../../reference/sip/syntax/parse.ts';
import { createResponse, topVia, type Request } from '../../reference/sip/syntax/message.ts';
import { TransactionLayer, type ServerTransaction } from '../../reference/sip/transaction/layer.ts';
import { FakeClock } from '../../reference/clock.ts';
import type { Origin } from '../../reference/sip/transport/layer.ts';

const origin: Origin = { transport: 'UDP', source: { host: '192.0.2.1', port: 5060 } };

const text = (i: number) =>
  [
    `BYE sip:uas@192.0.2.2 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbench${i}`,
    'From: <sip:uac@example.com>;tag=a' + i,
    'To: <sip:uas@example.com>;tag=b' + i,
    `Call-ID: bench-${i}@example.com`,
    'CSeq: 2 BYE',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

function measure(label: string, n: number, run: (i: number) => void): number {
  const rounds = 20000;
  for (let i = 0; i < 2000; i++) run(i % n); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) run(i % n);
  const us = Number(process.hrtime.bigint() - start) / 1000 / rounds;
  console.log(`  ${label.padEnd(44)} ${us.toFixed(2).padStart(8)} µs/message`);
  return us;
}

for (const n of [10, 1000, 10000]) {
  const sent = { count: 0 };
  const layer = new TransactionLayer(
    {
      prepareRequest: (_r, d) => d,
      sendRequest: async () => {},
      sendResponse: async () => {
        sent.count++;
      },
    },
    {
      receiveRequest(request: Request, tx: ServerTransaction | undefined) {
        tx?.respond(createResponse(request, 200));
      },
      receiveStrayResponse() {},
    },
    { clock: new FakeClock() },
  );
  const texts = Array.from({ length: n }, (_, i) => text(i));
  for (const t of texts) layer.receiveRequest(parse(t) as Request, origin);
  if (layer.servers.size !== n) throw new Error(`expected ${n} live transactions, have ${layer.servers.size}`);
  console.log(`${n} live non-INVITE server transactions (Completed):`);
  const before = sent.count;
  const layerUs = measure('receiveRequest (parse + match + absorb)', n, (i) => layer.receiveRequest(parse(texts[i]) as Request, origin));
  // Every retransmission was matched: the final response went out again each time.
  if (sent.count - before !== 22000) throw new Error(`expected 22000 re-sent responses, saw ${sent.count - before}`);
  const floorUs = measure('floor: parse + top Via branch', n, (i) => void topVia(parse(texts[i]) as Request)?.branch);
  console.log(`  ratio to floor: ${(layerUs / floorUs).toFixed(2)}`);
  layer.close();
}
