// rfcdoc check --strict, rule rfcdoc:obsoleted-document (tools/annotate/strict.ts):
// a module's tag naming a document the RFC index says is obsoleted (RFC 4566,
// obsoleted by RFC 8866; read from rfc-index.txt at test time) is warned
// about at the tag, naming what obsoletes it, unless the module says why it
// cites it (`@cites-obsoleted RFC4566: <why>`); a marker with no reason is
// warned about itself. By the pure stage and by the command line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanSource } from '../../tools/annotate/scan.ts';
import { obsoleting, strictDiagnostics } from '../../tools/annotate/strict.ts';
import { formatDiagnostic } from '../../tools/diagnostics.ts';
import { realDoc, runRfcdoc, tempDir, testCache } from '../helpers.ts';

const MODULE = `// @implements RFC8866 (SDP)
/** A session name is never empty. */
// @implements RFC4566 P12L16-P12L21
export const sessionName = (s: string) => s !== '';
`;

const warnings = (text: string, obsoleted: ReadonlyMap<string, readonly string[]>) => {
  const { file, diagnostics } = scanSource('reference/sdp/name.ts', text);
  assert.equal(diagnostics, []);
  return strictDiagnostics([file], obsoleted).map((d) => formatDiagnostic(d));
};

test('the index says RFC 4566 is obsoleted by RFC 8866, and RFC 8866 is not obsoleted', async () => {
  const old = obsoleting([await realDoc('RFC4566'), await realDoc('RFC8866'), await realDoc('RFC3261')]);
  assert.equal([...old], [['RFC4566', ['RFC8866']]]);
});

test('a tag citing RFC 4566 is warned about at its @, naming RFC 8866; nothing without the index relations', async () => {
  const old = obsoleting([await realDoc('RFC4566')]);
  assert.equal(warnings(MODULE, old), [
    'reference/sdp/name.ts:3:4: warning: @implements RFC4566 P12L16-P12L21 cites RFC 4566, obsoleted by RFC 8866: cite the text that replaced it, or say in this module why it cites RFC 4566 (@cites-obsoleted RFC4566: <why>) [rfcdoc:obsoleted-document]',
  ]);
  assert.equal(warnings(MODULE, new Map()), []);
});

test('@cites-obsoleted with a reason silences that document in that module only; without a reason it is warned about', async () => {
  const old = obsoleting([await realDoc('RFC4566')]);
  const onPurpose = MODULE.replace('// @implements RFC8866 (SDP)\n', '// @implements RFC8866 (SDP)\n// @cites-obsoleted RFC4566: the old rule is quoted beside the new one\n');
  assert.equal(warnings(onPurpose, old), []);
  const noReason = MODULE.replace('// @implements RFC8866 (SDP)\n', '// @implements RFC8866 (SDP)\n// @cites-obsoleted RFC4566\n');
  assert.equal(warnings(noReason, old), ['reference/sdp/name.ts:2:4: warning: @cites-obsoleted RFC4566 gives no reason: say why this module cites it rather than RFC 8866 [rfcdoc:obsoleted-document]']);
  // Another module citing it without a word of its own is still warned about.
  const other = scanSource('reference/sdp/other.ts', MODULE).file;
  const mine = scanSource('reference/sdp/name.ts', onPurpose).file;
  assert.equal(strictDiagnostics([mine, other], old).map((d) => [d.file, d.line, d.rule]), [['reference/sdp/other.ts', 3, 'obsoleted-document']]);
});

test('rfcdoc check --strict on a scratch module citing RFC 4566 warns with file:line:col and [rfcdoc:obsoleted-document]; exit 0', async () => {
  const dir = tempDir('rfcdoc-strict-obsoleted-');
  mkdirSync(join(dir, 'reference', 'sdp'), { recursive: true });
  writeFileSync(join(dir, 'reference', 'sdp', 'name.ts'), MODULE);
  const run = await runRfcdoc(['check', '--strict', dir], { cache: testCache() });
  assert.is(run.code, 0, run.stderr);
  const warned = run.stderr.split('\n').filter((l) => l.includes('[rfcdoc:obsoleted-document]'));
  assert.is(warned.length, 1, run.stderr);
  assert.match(warned[0]!, /reference\/sdp\/name\.ts:3:4: warning: @implements RFC4566 P12L16-P12L21 cites RFC 4566, obsoleted by RFC 8866: /);
  const json = await runRfcdoc(['check', '--strict', '--json', dir], { cache: testCache() });
  const out = JSON.parse(json.stdout) as { diagnostics: { rule?: string; source?: string; line?: number; col?: number }[] };
  assert.equal(out.diagnostics.map((d) => [d.source, d.rule, d.line, d.col]), [['rfcdoc', 'obsoleted-document', 3, 4]]);
  const plain = await runRfcdoc(['check', dir], { cache: testCache() });
  assert.not.match(plain.stderr, /obsoleted-document/);
});

test.run();
