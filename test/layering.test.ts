/**
 * Layering you can see and that is checked: no import cycle anywhere in
 * reference/ or tools/, and no import that points up the order below.
 * The graph and the checks are test/layering/graph.ts; the last tests run
 * them on tiny synthetic graphs, so that each check is seen to fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.ts';
import { cycles, importGraph, specifiers, moduleFiles, upwardImports, type Edge, type KnownException, type Layer } from './layering/graph.ts';

/**
 * The order, lowest first. Each layer names the layers directly below it and
 * may import those, whatever is below them, and itself; nothing else.
 *
 * tools/command.ts is the command-line plumbing rfcdoc and every protocol
 * CLI share (parseArgs, --help, exit codes). It imports nothing of the
 * project, so it is the bottom layer. It lives in tools/ because rfcdoc must
 * stand alone (test/copy.ts runs a copy of tools/ on another tree) and so
 * never imports reference/; a protocol CLI's plumbing (reference/sip/cli.ts,
 * usage.ts, transport/flags.ts) may import it, and nothing else in tools/.
 *
 * reference/: a reference module is meant to be read alone: no test/, and no
 * tools/ but the command plumbing. HTTP Digest (auth/) knows nothing of SIP; the SIP layers
 * are those of RFC 3261 §5: syntax ← transport ← transaction ← core (what
 * the cores share, below all of them) ← ua, registrar, proxy. The proxy's
 * element imports no registrar; only the server that runs both on one address
 * (proxy/server.ts, proxy/commands.ts) does. usage.ts is what every `sip`
 * command shares (`--listen`), and cli.ts, the command table, is the top.
 * SDP (sdp/) knows nothing of SIP: the description (RFC 8866) ← offer/answer
 * (RFC 3264) ← its CLI; the UA negotiates through offer/answer. RTP (rtp/):
 * packets (RFC 3550 §5) ← RTCP (§6); the profile's payloads (RFC 3551) and
 * WAV files (media/) stand alone; telephone-events (RFC 4733) sit on packets;
 * a session (SSRC table, RTCP timing) on RTCP and the clock. The clock
 * (reference/clock.ts) is below every protocol: SIP's timers and RTCP's.
 * STUN (stun/): messages (RFC 8489 §5, §14) ← authentication (§9) and
 * transactions (§6.2, on the clock) ← the client and server agents ← the
 * TURN client (RFC 8656) ← the CLI. PRECIS (precis/: RFC 8264's classes,
 * RFC 8265's profiles, SASLprep) is below STUN's authentication and XMPP.
 * XMPP (xmpp/): the restricted XML of RFC 6120 §11 (xml/), JIDs (jid/, RFC
 * 7622, on precis) side by side, and SASL (sasl/: SCRAM, PLAIN and §6's
 * negotiation, on both and precis); stanzas (stanza/, RFC 6120 §8, on xml
 * and jid) ← instant messaging (im/, RFC 6121: rosters, subscriptions,
 * presence; pure logic), which the client and the server both call.
 *
 * tools/: the pipeline's stages, lowest first: diagnostics.ts ← spec/
 * (fetch, paginate) ← outputs.ts, progress.ts (where stages write, what they
 * print) ← annotate/ ← site/, proposal/ ← cli.ts. tools/testkit/ is what tests and
 * benches share (peers, processes, RFC fixtures); the benches may import
 * all of tools/ and reference/, and no test code.
 */
const LAYERS: Layer[] = [
  { name: 'cli', holds: ['tools/command.ts'], below: [] },
  { name: 'auth', holds: ['reference/auth/'], below: [] },
  { name: 'clock', holds: ['reference/clock.ts'], below: [] },
  { name: 'sdp/description', holds: ['reference/sdp/description/'], below: [] },
  { name: 'sdp/offerAnswer', holds: ['reference/sdp/offerAnswer/'], below: ['sdp/description'] },
  { name: 'rtp/packet', holds: ['reference/rtp/packet/'], below: [] },
  { name: 'rtp/rtcp', holds: ['reference/rtp/rtcp/'], below: ['rtp/packet'] },
  { name: 'rtp/session', holds: ['reference/rtp/session/'], below: ['rtp/rtcp', 'clock'] },
  { name: 'rtp/profile', holds: ['reference/rtp/profile/'], below: [] },
  { name: 'rtp/dtmf', holds: ['reference/rtp/dtmf/'], below: ['rtp/packet'] },
  { name: 'rtp/media', holds: ['reference/rtp/media/'], below: [] },
  { name: 'stun/message', holds: ['reference/stun/message/'], below: [] },
  { name: 'precis', holds: ['reference/precis/'], below: [] },
  { name: 'stun/auth', holds: ['reference/stun/auth/'], below: ['stun/message', 'precis'] },
  { name: 'stun/transaction', holds: ['reference/stun/transaction/'], below: ['stun/message', 'clock'] },
  { name: 'stun/agent', holds: ['reference/stun/agent/'], below: ['stun/auth', 'stun/transaction'] },
  { name: 'stun/turn', holds: ['reference/stun/turn/'], below: ['stun/agent'] },
  { name: 'stun/cli', holds: ['reference/stun/cli.ts', 'reference/stun/commands/'], below: ['stun/turn', 'cli'] },
  { name: 'sdp/cli', holds: ['reference/sdp/cli.ts', 'reference/sdp/commands.ts'], below: ['sdp/offerAnswer', 'cli'] },
  { name: 'rtp/cli', holds: ['reference/rtp/cli.ts', 'reference/rtp/commands/'], below: ['rtp/session', 'rtp/profile', 'rtp/dtmf', 'rtp/media', 'sdp/offerAnswer', 'cli'] },
  { name: 'xmpp/xml', holds: ['reference/xmpp/xml/'], below: [] },
  { name: 'xmpp/jid', holds: ['reference/xmpp/jid/'], below: ['precis'] },
  { name: 'xmpp/sasl', holds: ['reference/xmpp/sasl/'], below: ['precis', 'xmpp/xml', 'xmpp/jid'] },
  { name: 'xmpp/stream', holds: ['reference/xmpp/stream/'], below: ['xmpp/sasl'] },
  { name: 'xmpp/stanza', holds: ['reference/xmpp/stanza/'], below: ['xmpp/xml', 'xmpp/jid'] },
  { name: 'xmpp/im', holds: ['reference/xmpp/im/'], below: ['xmpp/stanza'] },
  { name: 'xmpp/client', holds: ['reference/xmpp/client/'], below: ['xmpp/stream', 'xmpp/im', 'cli'] },
  { name: 'xmpp/server', holds: ['reference/xmpp/server/'], below: ['xmpp/stream', 'xmpp/im', 'cli'] },
  { name: 'xmpp/cli', holds: ['reference/xmpp/cli.ts'], below: ['xmpp/client', 'xmpp/server', 'cli'] },
  { name: 'sip/syntax', holds: ['reference/sip/syntax/'], below: [] },
  { name: 'sip/transport', holds: ['reference/sip/transport/'], below: ['sip/syntax', 'clock', 'cli'] },
  { name: 'sip/transaction', holds: ['reference/sip/transaction/'], below: ['sip/transport'] },
  { name: 'sip/core', holds: ['reference/sip/core/'], below: ['sip/transaction'] },
  { name: 'sip/usage', holds: ['reference/sip/usage.ts'], below: ['sip/transport', 'cli'] },
  { name: 'sip/registrar', holds: ['reference/sip/registrar/'], below: ['sip/core', 'auth'] },
  { name: 'sip/ua', holds: ['reference/sip/ua/'], below: ['sip/core', 'auth', 'sip/usage', 'sdp/offerAnswer'] },
  { name: 'sip/proxy', holds: ['reference/sip/proxy/'], below: ['sip/core', 'auth', 'sip/usage'] },
  { name: 'sip/server', holds: ['reference/sip/proxy/server.ts', 'reference/sip/proxy/commands.ts'], below: ['sip/proxy', 'sip/registrar'] },
  { name: 'sip/media', holds: ['reference/sip/media/'], below: ['sip/ua', 'rtp/cli'] },
  { name: 'sip/cli', holds: ['reference/sip/cli.ts'], below: ['sip/media', 'sip/server'] },

  { name: 'tools/diagnostics', holds: ['tools/diagnostics.ts'], below: [] },
  { name: 'tools/spec', holds: ['tools/spec/'], below: ['tools/diagnostics'] },
  { name: 'tools/io', holds: ['tools/outputs.ts', 'tools/progress.ts'], below: ['tools/spec'] },
  { name: 'tools/annotate', holds: ['tools/annotate/'], below: ['tools/io'] },
  { name: 'tools/proposal', holds: ['tools/proposal/'], below: ['tools/annotate', 'cli'] },
  // The site shows proposals through the proposal tool's loader and measure.
  { name: 'tools/site', holds: ['tools/site/'], below: ['tools/annotate', 'tools/proposal'] },
  { name: 'tools/cli', holds: ['tools/cli.ts', 'tools/rfcdoc.mjs'], below: ['tools/site', 'tools/proposal', 'cli'] },
  { name: 'tools/testkit', holds: ['tools/testkit/'], below: ['tools/spec'] },
  { name: 'tools/bench', holds: ['tools/bench/'], below: ['tools/cli', 'tools/testkit', 'sip/cli', 'sdp/cli', 'rtp/profile', 'rtp/rtcp', 'rtp/cli', 'stun/cli', 'xmpp/cli'] },

  // Only so that an import of test code is named as such; no layer lists it below it.
  { name: 'test', holds: ['test/'], below: [] },
];

/** Imports the order forbids that are allowed until fixed; each is printed on every run. */
const KNOWN: KnownException[] = [];

const files = moduleFiles(ROOT, ['reference', 'tools']);
const edges = importGraph(ROOT, files);

test('the graph is the real one: every file is read and most import something', () => {
  assert.ok(files.length > 100, `only ${files.length} files under reference/ and tools/`);
  assert.ok(edges.length > files.length, `only ${edges.length} imports`);
  assert.ok(edges.some((e) => e.from === 'tools/cli.ts' && e.to === 'tools/spec/store.ts'));
});

test('no import cycle in reference/ or tools/', () => {
  const found = cycles(edges);
  assert.equal(found.map((c) => c.join(' → ')), []);
});

test('no upward import in reference/ or tools/, and every file in a layer', () => {
  const { violations, known, unplaced } = upwardImports(edges, LAYERS, KNOWN);
  for (const k of known) console.log(`known exception: ${k}`);
  assert.equal(unplaced, [], 'files no layer holds: add them to LAYERS');
  assert.equal(violations, []);
  // An exception that no longer happens is stale: drop it.
  const stale = KNOWN.filter((x) => !known.some((k) => k.startsWith(`${x.from}:`) && k.endsWith(`may not import layer ${x.to})`)));
  assert.equal(stale, []);
});

// The checks themselves, on graphs small enough to read.

const edge = (from: string, to: string, line = 1): Edge => ({ from, to, line, specifier: `./${to}` });

test('the order above refuses the wrong-way imports issue 8 found, and rfcdoc importing the reference', () => {
  const wrong = [
    edge('reference/sip/proxy/proxy.ts', 'reference/sip/ua/ids.ts'),
    edge('reference/sip/registrar/registrar.ts', 'reference/sip/ua/uas.ts'),
    edge('reference/sip/proxy/proxy.ts', 'reference/sip/registrar/registrar.ts'),
    edge('reference/sip/ua/commands.ts', 'reference/sip/cli.ts'),
    edge('reference/sip/transaction/layer.ts', 'reference/sip/core/ids.ts'),
    edge('tools/bench/sip-calls.bench.ts', 'test/peers.ts'),
    edge('tools/cli.ts', 'reference/sip/syntax/index.ts'),
    edge('tools/command.ts', 'tools/spec/store.ts'),
    edge('tools/spec/store.ts', 'tools/site/build.ts'),
  ];
  assert.equal(
    upwardImports(wrong, LAYERS).violations.map((v) => v.replace(/^.*\(/, '(')),
    [
      '(layer sip/proxy may not import layer sip/ua)',
      '(layer sip/registrar may not import layer sip/ua)',
      '(layer sip/proxy may not import layer sip/registrar)',
      '(layer sip/ua may not import layer sip/cli)',
      '(layer sip/transaction may not import layer sip/core)',
      '(layer tools/bench may not import layer test)',
      '(layer tools/cli may not import layer sip/syntax)',
      '(layer cli may not import layer tools/spec)',
      '(layer tools/spec may not import layer tools/site)',
    ],
  );
  // What the server does, and only it: run the proxy and the registrar on one address.
  assert.equal(upwardImports([edge('reference/sip/proxy/server.ts', 'reference/sip/registrar/registrar.ts')], LAYERS).violations, []);
});

test('specifiers: import, export-from, side effect, dynamic and type imports; none in a comment or a string', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from '../b.ts';",
    'import {',
    '  c,',
    "} from './c.ts';",
    "export { d } from './d.ts';",
    "export * from './e.ts';",
    "import './f.ts';",
    "const g = await import('./g.ts');",
    "// import { x } from './comment.ts';",
    "/* export * from './block.ts'; */",
    "const s = 'import nothing';",
    "export const t = './not-a-specifier.ts';",
  ].join('\n');
  assert.equal(
    specifiers(text).map((s) => `${s.line} ${s.specifier}`),
    ['1 ./a.ts', '2 ../b.ts', '5 ./c.ts', '6 ./d.ts', '7 ./e.ts', '8 ./f.ts', '9 ./g.ts'],
  );
});

test('cycles: a three-file cycle is reported as its path, a self-import too, a diamond not', () => {
  const graph = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('x', 'x'), edge('p', 'q'), edge('p', 'r'), edge('q', 's'), edge('r', 's')];
  assert.equal(cycles(graph), [['a', 'b', 'c', 'a'], ['x', 'x']]);
  assert.equal(cycles([edge('p', 'q'), edge('p', 'r'), edge('q', 's'), edge('r', 's')]), []);
});

test('upwardImports: an import up the order or sideways is named with file:line and both layers; down is fine', () => {
  const layers: Layer[] = [
    { name: 'low', holds: ['low/'], below: [] },
    { name: 'mid', holds: ['mid/'], below: ['low'] },
    { name: 'left', holds: ['top/left/'], below: ['mid'] },
    { name: 'right', holds: ['top/right/'], below: ['mid'] },
    { name: 'one', holds: ['top/right/one.ts'], below: ['right', 'left'] },
  ];
  const graph = [
    edge('top/left/a.ts', 'low/x.ts', 3), // two layers down: allowed (transitive)
    edge('low/x.ts', 'mid/y.ts', 7), // up
    edge('top/left/a.ts', 'top/right/b.ts', 4), // sideways
    edge('top/right/one.ts', 'top/left/a.ts', 2), // one file may, as its own layer
    edge('top/right/b.ts', 'top/right/one.ts', 5), // the folder may not import the file above it
    edge('nowhere/z.ts', 'low/x.ts', 1),
  ];
  const r = upwardImports(graph, layers);
  assert.equal(r.violations, [
    'low/x.ts:7 imports ./mid/y.ts (layer low may not import layer mid)',
    'top/left/a.ts:4 imports ./top/right/b.ts (layer left may not import layer right)',
    'top/right/b.ts:5 imports ./top/right/one.ts (layer right may not import layer one)',
  ]);
  assert.equal(r.unplaced, ['nowhere/z.ts']);
  const withException = upwardImports(graph, layers, [{ from: 'low/x.ts', to: 'mid', why: 'until fixed' }]);
  assert.equal(withException.known, ['low/x.ts:7 imports ./mid/y.ts (layer low may not import layer mid)']);
  assert.equal(withException.violations.length, 2);
});

test('upwardImports: a layer order that names no layer, or has a cycle, is refused', () => {
  assert.throws(() => upwardImports([], [{ name: 'a', holds: ['a/'], below: ['b'] }]), /layer a names "b" below it, which is no layer/);
  assert.throws(
    () => upwardImports([], [{ name: 'a', holds: ['a/'], below: ['b'] }, { name: 'b', holds: ['b/'], below: ['a'] }]),
    /the layer order has a cycle: a → b → a/,
  );
});

test.run();
