import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../helpers.ts';
import { parseRef, resolveRef, spanText } from '../../tools/spec/refs.ts';

const quote = async (doc: string, ref: string) => {
  const d = await realDoc(doc);
  return spanText(d, resolveRef(d, parseRef(ref)));
};

// The original htmlify numbering: these ranges are the rtclite project's own
// annotations, and each covers exactly one paragraph of the RFC.
test('RFC3261 P143L14-P143L19 is the multicast maddr paragraph', async () => {
  const text = await quote('RFC3261', 'P143L14-P143L19');
  const lines = text.split('\n');
  assert.is(lines.length, 6);
  assert.is(lines[0], '   A client that sends a request to a multicast address MUST add the');
  assert.is(lines[5], '   standardization when the need arises.');
});

test('RFC2617 P3L16-P3L25 is the auth-scheme paragraph and its grammar', async () => {
  const lines = (await quote('RFC2617', 'P3L16-P3L25')).split('\n');
  assert.is(lines[0], '   HTTP provides a simple challenge-response authentication mechanism');
  assert.is(lines[8], '      auth-scheme    = token');
  assert.is(lines[9], '      auth-param     = token "=" ( token | quoted-string )');
});

test.run();
