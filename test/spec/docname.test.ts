/** Document names: what is accepted, what is refused before any I/O. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DocNameError, displayName, parseDocName } from '../../tools/spec/docname.ts';

const test = suite('docname');

function refused(input: string, message: RegExp) {
  try {
    parseDocName(input);
  } catch (e) {
    assert.instance(e, DocNameError, `${JSON.stringify(input)} throws a DocNameError`);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`${JSON.stringify(input)} was accepted`);
}

test('RFC names in every accepted spelling map to one id', () => {
  for (const s of ['RFC3261', 'rfc3261', 'RFC 3261', 'Rfc3261', ' RFC3261 ', 'RFC03261']) {
    assert.equal(parseDocName(s), { kind: 'rfc', number: 3261, id: 'rfc3261', label: 'RFC3261' }, s);
  }
  assert.is(parseDocName('RFC1').id, 'rfc1');
  assert.is(displayName(parseDocName('rfc3261')), 'RFC 3261');
});

test('draft names keep their revision', () => {
  assert.equal(parseDocName('draft-ietf-sip-foo-05'), { kind: 'draft', id: 'draft-ietf-sip-foo-05', label: 'draft-ietf-sip-foo-05' });
  assert.is(parseDocName('Draft-IETF-SIP-Foo-05').id, 'draft-ietf-sip-foo-05');
  assert.is(displayName(parseDocName('draft-ietf-sip-foo-05')), 'draft-ietf-sip-foo-05');
});

test('paths and parent references are refused', () => {
  for (const s of ['../rfc3261', 'rfc/3261', 'rfc\\3261', '/etc/passwd', 'draft-a/..-05', '..', 'rfc3261/..', 'draft-ietf-..-05']) {
    refused(s, /no paths|not a/);
  }
  refused('../rfc3261', /no paths/);
  refused('..', /no paths/);
  refused('draft-ietf-..-05', /no paths/);
});

test('empty, zero, too large and malformed names are refused', () => {
  refused('', /empty/);
  refused('   ', /empty/);
  refused('RFC0', /RFC numbers run from 1/);
  refused('RFC000', /RFC numbers run from 1/);
  refused('RFC99999999', /not a document name/);
  refused('RFC', /not a document name/);
  refused('RFC-3261', /not a document name/);
  refused('RFC3261.txt', /not a document name/);
  refused('draft-foo', /two-digit revision/);
  refused('draft-ietf-sip-foo', /two-digit revision/);
  refused('draft-ietf-sip-foo-5', /two-digit revision/);
  refused('draft-ietf sip-05', /draft/);
  refused('3261', /not a document name/);
});

test.run();
