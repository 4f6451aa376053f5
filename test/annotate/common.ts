/**
 * A small paginated document written here (RFC 9999, two pages), for the
 * requirements and coverage tests: real pagination and section indexing of
 * text whose every sentence we know.
 */
import { parseDocName } from '../../tools/spec/docname.ts';
import { buildDoc, type SpecDoc } from '../../tools/spec/document.ts';

const PAGE1 = [
  '1.  Introduction',
  '',
  '   This document is a test.  Implementations MUST accept',
  '   it.',
  '',
  '1.1.  Requirements Language',
  '',
  '   The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL',
  '   NOT", "SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED",',
  '   "MAY", and "OPTIONAL" in this document are to be interpreted as',
  '   described in BCP 14 [RFC2119] [RFC8174] when, and only when, they',
  '   appear in all capitals, as shown here.',
  '',
  '2.  Protocol',
  '',
  '   A sender MUST send a greeting, e.g. HELLO, and MUST NOT send',
  '   it twice.  A receiver SHOULD answer.  It MAY wait.  This sentence',
  '   has no key word.  The value "MUST" is quoted here.',
  '',
  '2.1.  Details',
  '',
  '   An element that receives a greeting MUST',
  '   NOT reply with a farewell (the MUST NOT spans lines).',
  '',
  '   The sender SHOULD retry, but it SHOULD NOT retry more',
];

const PAGE2 = [
  '   than three times.  Lower-case words such as must, may and optional',
  '   are no key words.',
  '',
  '3.  Security Considerations',
  '',
  '   Greetings are not secret.',
];

/** A page: running header, two blank lines, the body, blank lines down to L52, a footer. */
function page(n: number, body: string[]): string {
  const lines = ['RFC 9999                    Greetings                      June 2026', '', '', ...body];
  while (lines.length < 3 + 52) lines.push('');
  lines.push(`Tester                          Informational                  [Page ${n}]`);
  return lines.join('\n');
}

export const TEST_DOC_TEXT = [page(1, PAGE1), page(2, PAGE2)].join('\n\f\n') + '\n';

export function testDoc(): SpecDoc {
  return buildDoc(parseDocName('RFC9999'), new TextEncoder().encode(TEST_DOC_TEXT));
}
