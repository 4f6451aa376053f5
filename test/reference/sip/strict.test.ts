// No silent stretches (issue 8 item 6): the strict stage of `rfcdoc check
// --strict` (tools/annotate/strict.ts) finds nothing in the SIP layers above
// the transaction layer — every run of rule code carries a tag, every tag sits
// directly above its code. Reads the real modules; needs no RFC text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanSource } from '../../../tools/annotate/scan.ts';
import { strictDiagnostics } from '../../../tools/annotate/strict.ts';
import { formatDiagnostic } from '../../../tools/diagnostics.ts';
import { ROOT } from '../../helpers.ts';

const FOLDERS = ['core', 'ua', 'proxy', 'registrar'];

test('reference/sip/{core,ua,proxy,registrar}: no untagged stretch and no distant tag', () => {
  const paths = FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, 'reference/sip', folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `reference/sip/${folder}/${name}`),
  );
  const files = paths.map((path) => {
    const { file, diagnostics } = scanSource(path, readFileSync(join(ROOT, path), 'utf8'));
    assert.equal(diagnostics, [], `${path} scans without tag errors`);
    return file;
  });
  // The stage looks only at modules naming their document: there must be some, or this proves nothing.
  const rule = files.filter((f) => f.role === 'module' && f.tags.some((t) => t.kind === 'implements' && t.refs.length === 0));
  assert.ok(rule.length >= 20, `${rule.length} modules with a module-level @implements among ${paths.length} files`);
  assert.equal(strictDiagnostics(files).map((d) => formatDiagnostic(d)), []);
});

test.run();
