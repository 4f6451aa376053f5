/**
 * Section index on small documents: heading styles, table-of-contents entries
 * that are not headings, and where each section ends.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { paginate } from '../../tools/spec/paginate.ts';
import { findSection, indexSections, parseHeading } from '../../tools/spec/sections.ts';

const test = suite('sections');

/** Paginates lines (no form feed: virtual pages, line i is lines[i]). */
function doc(lines: string[]) {
  const paged = paginate(lines.join('\n') + '\n');
  return { lines: paged.lines, sections: indexSections(paged.lines) };
}

/** The range of a section as line texts: its first and last line. */
function range(d: ReturnType<typeof doc>, number: string) {
  const s = findSection(d.sections, number);
  assert.ok(s, `section ${number} is found`);
  return { title: s.title, first: d.lines[s.begin]!.text, last: d.lines[s.end]!.text, begin: s.begin, end: s.end };
}

/** An outline in the style of RFC 3261: `17.1.1.2 Formal Description`. */
function rfc3261Style(): string[] {
  const out = [
    'Table of Contents',
    '',
    '1.  Introduction .......................................... 3',
    '2.  Overview of Operation ................................. 5',
    '17 Transactions                                          122',
    '17.1.1.2 Formal Description ............................. 125',
    '',
  ];
  for (let n = 1; n <= 16; n++) out.push(`${n}${n % 2 ? '.' : ''}  Chapter ${n}`, '', `   body of ${n}`, '');
  out.push(
    '17 Transactions',
    '   body of 17',
    '17.1 Client Transaction',
    '   body of 17.1',
    '17.1.1 INVITE Client Transaction',
    '17.1.1.1 Overview of INVITE Transaction',
    '   body of 17.1.1.1',
    '17.1.1.2 Formal Description',
    '',
    '   The state machine for the INVITE client transaction is shown in',
    '   Figure 5.',
    '',
    '   end of 17.1.1.2',
    '17.1.1.3 Construction of the ACK Request',
    '   end of 17.1.1.3',
    '17.1.2 Non-INVITE Client Transaction',
    '   end of 17.1.2',
    '17.2 Server Transaction',
    '   end of 17.2',
    '18 Transport',
    '   end of 18',
  );
  return out;
}

test('RFC 3261 style: `17.1.1.2 Formal Description` (single space, no final dot)', () => {
  const d = doc(rfc3261Style());
  const s = range(d, '17.1.1.2');
  assert.is(s.title, 'Formal Description');
  assert.is(s.first, '17.1.1.2 Formal Description');
  assert.is(s.last, '   end of 17.1.1.2');
  assert.is(d.lines[s.end + 1]!.text, '17.1.1.3 Construction of the ACK Request');
  assert.equal(
    d.sections.map((x) => x.number),
    [...Array.from({ length: 16 }, (_, i) => `${i + 1}`), '17', '17.1', '17.1.1', '17.1.1.1', '17.1.1.2', '17.1.1.3', '17.1.2', '17.2', '18'],
  );
});

test('a section ends before the next heading at its own level or above', () => {
  const d = doc(rfc3261Style());
  assert.is(range(d, '17.1.1.3').last, '   end of 17.1.1.3'); // next: 17.1.2 (higher)
  assert.is(range(d, '17.1.1').last, '   end of 17.1.1.3'); // subsections included
  assert.is(range(d, '17.1').last, '   end of 17.1.2'); // next: 17.2 (same)
  assert.is(range(d, '17').last, '   end of 17.2'); // next: 18
  assert.is(range(d, '16').last, ''); // the blank line before "17 Transactions"
  assert.is(range(d, '18').end, d.lines.length - 1, 'the last section runs to the end');
  // Sections partition the body: each begins right after the previous one's last line at its level.
  assert.is(range(d, '2').begin, range(d, '1').end + 1);
});

test('table-of-contents entries (dot leaders, page numbers) are not headings', () => {
  const d = doc(rfc3261Style());
  assert.is(range(d, '1').first, '1.  Chapter 1');
  assert.is(range(d, '17').first, '17 Transactions');
  assert.is(range(d, '17').begin, d.lines.findIndex((l) => l.text === '17 Transactions'));
  assert.is(parseHeading('1.  Introduction .......................................... 3'), undefined);
  assert.is(parseHeading('17.1.1.2 Formal Description ............................. 125'), undefined);
  assert.is(parseHeading('17 Transactions                                          122'), undefined);
  assert.is(parseHeading('A.8 Estimating the Interarrival Jitter . . . . . . . . . 94'), undefined);
  assert.is(parseHeading('   1.  Introduction'), undefined, 'indented: not a heading');
});

test('RFC 3550 style: `6.4.2.  Initiation` and `Appendix A.  Title`, `A.8 Estimating`', () => {
  const lines: string[] = [];
  for (let n = 1; n <= 5; n++) lines.push(`${n}.  Chapter ${n}`, '   text');
  lines.push('6.  RTP Control Protocol', '   text');
  for (let k = 1; k <= 3; k++) lines.push(`6.${k}.  Part ${k}`, '   text');
  lines.push('6.4.  Sender and Receiver Reports', '6.4.1.  SR: Sender Report RTCP Packet', '   text');
  lines.push('6.4.2.  Initiation', '   end of 6.4.2');
  lines.push('6.4.3.  Extending', '   end of 6.4.3', '7.  Translators', '   end of 7');
  lines.push('Appendix A.  Title', '', '   end of A');
  for (let k = 1; k <= 7; k++) lines.push(`A.${k} Algorithm ${k}`, '   text');
  lines.push('A.8 Estimating the Interarrival Jitter', '   end of A.8');
  lines.push('Appendix B.  Changes from RFC 1889', '   end of B');
  const d = doc(lines);
  const s642 = range(d, '6.4.2');
  assert.is(s642.title, 'Initiation');
  assert.is(s642.first, '6.4.2.  Initiation');
  assert.is(s642.last, '   end of 6.4.2');
  assert.is(range(d, '6.4.2.').first, '6.4.2.  Initiation', 'a final dot in the query is ignored');
  assert.is(range(d, '6').last, '   end of 6.4.3');
  const a = range(d, 'A');
  assert.is(a.title, 'Title');
  assert.is(a.first, 'Appendix A.  Title');
  assert.is(a.last, '   end of A.8');
  const a8 = range(d, 'A.8');
  assert.is(a8.title, 'Estimating the Interarrival Jitter');
  assert.is(a8.last, '   end of A.8');
  assert.is(range(d, 'a.8').first, 'A.8 Estimating the Interarrival Jitter', 'lookup ignores case');
  assert.is(range(d, 'B').last, '   end of B');
  assert.is(d.sections.filter((x) => x.number === 'A.8').length, 1);
});

test('parseHeading: numbers and titles', () => {
  assert.equal(parseHeading('17.1.1.2 Formal Description'), { number: '17.1.1.2', parts: [17, 1, 1, 2], title: 'Formal Description' });
  assert.equal(parseHeading('6.4.2.  Initiation')?.number, '6.4.2');
  assert.equal(parseHeading('A.8 Estimating the Interarrival Jitter')?.number, 'A.8');
  assert.equal(parseHeading('Appendix A.  Title')?.number, 'A');
  assert.equal(parseHeading('Appendix A.  Title')?.title, 'Title');
  assert.is(parseHeading(''), undefined);
  assert.is(parseHeading('RFC 3261          SIP: Session Initiation Protocol         June 2002'), undefined);
});

test('a table of contents without page numbers does not hide the real headings', () => {
  const d = doc(['1. Introduction', '2. Terminology', '3. Protocol', '', '1. Introduction', '   intro', '2. Terminology', '   terms', '3. Protocol', '   proto']);
  assert.equal(d.sections.map((s) => s.number), ['1', '2', '3']);
  assert.is(range(d, '1').first, '1. Introduction');
  assert.is(range(d, '1').begin, 4);
  assert.is(range(d, '2').last, '   terms');
});

test('numbers that cannot follow the outline are not headings', () => {
  // "2001 was a year" looks like a heading but cannot follow section 1.
  const d = doc(['1. Introduction', '   text', '2001 was a year', '2. Next', '   text']);
  assert.equal(d.sections.map((s) => s.number), ['1', '2']);
  assert.is(range(d, '1').last, '2001 was a year');
});

test('the shortest headings there are: `1 X`, `A. X` (lines shorter than 3 characters are not looked at)', () => {
  const d = doc(['1 X', '  body', '2 Y', 'A. Z', '']);
  assert.equal(
    d.sections.map((s) => [s.number, s.title]),
    [
      ['1', 'X'],
      ['2', 'Y'],
      ['A', 'Z'],
    ],
  );
});

test.run();
