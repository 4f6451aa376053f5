/**
 * RFC 4475 torture messages, bit-exact from the archive of its Appendix A.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tortureMessages, type TortureMessage } from '../../../../tools/testkit/rfcMessages.ts';
import { semantic, reformatProblems } from './semantic.ts';
import {
  parse, serializeBytes, SipParseError, badRequestReason, vias, cseq, maxForwards, to, from, contacts, callId,
  unescape, uriEquals, paramValue, isRequest, bodyText, type Message, type Address,
} from '../../../../reference/sip/syntax/index.ts';

const all = await tortureMessages();
const valid = all.filter((m) => m.section.startsWith('3.1.1.'));
const invalid = all.filter((m) => m.section.startsWith('3.1.2.'));
const byName = (name: string): TortureMessage => {
  const m = all.find((x) => x.name === name);
  if (!m) throw new Error(`no torture message ${name}`);
  return m;
};
const parsed = (name: string): Message => parse(byName(name).bytes);

// @tests RFC4475 P47L1-P47L5
test('the archive holds the 49 messages named in section 3', () => {
  assert.is(all.length, 49);
  assert.is(valid.length, 13);
  assert.is(invalid.length, 19);
});

// @tests RFC4475 §3.1.1
for (const m of valid) {
  test(`§${m.section} ${m.name} (${m.title}) parses and survives serialize → parse`, () => {
    const first = parse(m.bytes);
    const again = parse(serializeBytes(first));
    assert.equal(semantic(again), semantic(first));
    assert.equal(reformatProblems(first), []);
  });
}

// @tests RFC4475 §3.1.2
const expectedFault: Record<string, RegExp> = {
  badinv01: /^Via: expected a token for a Via parameter name/, // §3.1.2.1 empty ;; and ,, in Via
  clerr: /^Content-Length: is 9999 but only \d+ octets/, // §3.1.2.2
  ncl: /^Content-Length: must be a number of octets, found "-999"/, // §3.1.2.3
  scalar02: /^CSeq: sequence number 36893488147419103232 does not fit in 32 bits/, // §3.1.2.4
  scalarlg: /^CSeq: sequence number 9292394834772304023312 does not fit/, // §3.1.2.5
  quotbal: /^To: unterminated quoted-string in the display name of To/, // §3.1.2.6
  ltgtruri: /^Request-Line: the Request-URI must not be enclosed in "<>"/, // §3.1.2.7
  lwsruri: /^Request-Line: whitespace inside the Request-URI/, // §3.1.2.8
  lwsstart: /^Request-Line: more than one SP separating Request-Line elements/, // §3.1.2.9
  trws: /^Request-Line: SP characters at the end of the Request-Line/, // §3.1.2.10
  escruri: /^Request-URI: headers \("\?"\) are not allowed in a Request-URI/, // §3.1.2.11
  baddate: /^Date: must be an rfc1123-date in GMT, found "Fri, 01 Jan 2010 16:00:00 EST"/, // §3.1.2.12
  regbadct: /^Contact: a URI with headers \("\?"\) in Contact must be enclosed in <>/, // §3.1.2.13
  badaspec: /^To: expected "scheme:" at the start of " sip:t.watson@example.org "/, // §3.1.2.14
  baddn: /^From: display name of From must be tokens or a quoted-string, found ", Alexander /, // §3.1.2.15
  badvers: /^SIP-Version: SIP\/7.0 is not supported/, // §3.1.2.16
  mismatch01: /^CSeq: method INVITE does not match the request method OPTIONS/, // §3.1.2.17
  mismatch02: /^CSeq: method INVITE does not match the request method NEWMETHOD/, // §3.1.2.18
  bigcode: /^Status-Code: must be three digits from 100 to 699, found "4294967301/, // §3.1.2.19
};

for (const m of invalid) {
  test(`§${m.section} ${m.name} (${m.title}) is rejected naming the fault`, () => {
    const want = expectedFault[m.name];
    assert.ok(want, `no expected fault listed for ${m.name}`);
    let error: unknown;
    try {
      parse(m.bytes, { strict: true });
    } catch (e) {
      error = e;
    }
    assert.instance(error, SipParseError, `${m.name} was accepted`);
    const e = error as SipParseError;
    assert.match(e.message, want);
    // the reason phrase for the 400 says the same, on one line
    assert.match(badRequestReason(e), new RegExp(`^Bad ${e.rule}: `));
    assert.not.match(badRequestReason(e), /[\r\n]/);
  });
}

// @tests RFC4475 P32L27-P32L37
test('§3.1.2.16 badvers: the error asks for 505 Version Not Supported', () => {
  try {
    parse(byName('badvers').bytes);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SipParseError);
    assert.is((e as SipParseError).status, 505);
  }
});

// @tests RFC4475 P30L9-P30L16
test('§3.1.2.12 baddate: a bad Date is ignored unless strict, since the core does not need it', () => {
  const m = parsed('baddate');
  assert.is(m.headers.get('Date'), 'Fri, 01 Jan 2010 16:00:00 EST');
});

// @tests RFC4475 P5L37-P6L20
// @tests RFC3261 P30L23-P30L26, P32L46-P33L3
test('§3.1.1.1 wsinv: folding, compact forms, leading zeros, comma lists', () => {
  const m = parsed('wsinv');
  assert.ok(isRequest(m));
  assert.is(m.method, 'INVITE');
  assert.equal([...m.requestUri.params], [['unknownparam', null]]);
  assert.is(maxForwards(m), 68);
  assert.equal(cseq(m), { seq: 9, method: 'INVITE' });
  const v = vias(m);
  assert.equal(v.map((x) => [x.transport, x.host, x.branch]), [
    ['UDP', '192.0.2.2', '390skdjuw'],
    ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
    ['UDP', '192.168.255.111', 'z9hG4bK30239'],
  ]);
  assert.is(paramValue(to(m).params, 'tag'), '1918181833n');
  const f = from(m);
  assert.is(f.displayName, 'J Rosenberg \\"');
  assert.is(paramValue(f.params, 'tag'), '98asjd8');
  assert.is(m.headers.get('Subject'), '');
  assert.is(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
  assert.is(m.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
  const c = contacts(m) as Address[];
  assert.is(c[0].displayName, 'Quoted string ""');
  assert.equal([...c[0].params], [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
  assert.is(m.body.length, 150);
});

// @tests RFC4475 P8L1-P8L40
test('§3.1.1.2 intmeth: token characters in method, branch, tag; quoted-pairs with NUL', () => {
  const m = parsed('intmeth');
  assert.ok(isRequest(m));
  assert.is(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
  assert.is(m.requestUri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.is(m.requestUri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.is(vias(m)[0].branch, "z9hG4bK-.!%66*_+`'~");
  assert.is(to(m).displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
  const f = from(m);
  assert.is(f.displayName, "token1~` token2'+_ token3*%!.-");
  assert.is(paramValue(f.params, "fromParam''~+*_!.-%"), 'работающий');
  assert.is(paramValue(f.params, 'tag'), "_token~1'+`*%!-.");
  assert.is(callId(m), 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
  assert.is(m.headers.get("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
});

// @tests RFC4475 P9L30-P10L20
// @tests RFC3261 P154L10-P154L11
test('§3.1.1.3 esc01: escapes in user parts and uri-parameters', () => {
  const m = parsed('esc01');
  assert.ok(isRequest(m));
  assert.is(unescape(m.requestUri.user!), 'sips:user@example.com');
  assert.is(unescape(to(m).uri.user!), 'user');
  assert.is(unescape(from(m).uri.user!), 'I have spaces');
  const c = (contacts(m) as Address[])[0].uri;
  assert.is(unescape(c.user!), 'caller');
  assert.ok(uriEquals(c, parsePlain('sip:caller@host5.example.net;lr;name=value%25%34%31')));
  assert.not.ok(uriEquals(c, parsePlain('sip:caller@host5.example.net;lr;name=valueA')));
});

// @tests RFC4475 P11L1-P11L22
test('§3.1.1.4 escnull: %00 in user parts; two distinct contacts', () => {
  const m = parsed('escnull');
  assert.is(unescape(to(m).uri.user!), 'null-\x00-null');
  const c = contacts(m) as Address[];
  assert.is(c.length, 2);
  assert.is(unescape(c[0].uri.user!), '\x00');
  assert.is(unescape(c[1].uri.user!), '\x00\x00');
  assert.not.ok(uriEquals(c[0].uri, c[1].uri));
});

// @tests RFC4475 P11L23-P12L14
test('§3.1.1.5 esc02: % is no escape in method, display name, header name; two Contacts not three', () => {
  const m = parsed('esc02');
  assert.ok(isRequest(m));
  assert.is(m.method, 'RE%47IST%45R');
  assert.is(to(m).displayName, '%Z%45');
  assert.is((contacts(m) as Address[]).length, 2);
  assert.is(m.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
  assert.equal(cseq(m), { seq: 29344, method: 'RE%47IST%45R' });
});

// @tests RFC4475 P12L15-P12L33
test('§3.1.1.6 lwsdisp: no LWS between display name and <', () => {
  assert.is(from(parsed('lwsdisp')).displayName, 'caller');
});

// @tests RFC4475 P12L34-P12L48
test('§3.1.1.7 longreq: long values survive', () => {
  const m = parsed('longreq');
  assert.is(vias(m).length, m.headers.getAll('Via').length);
  assert.ok(vias(m).length > 30);
  assert.ok(to(m).displayName!.includes('extremeextremeextreme'));
  assert.ok(to(m).uri.params.has('verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongparameternamewithnovalue'));
  assert.ok(paramValue(from(m).params, 'tag')!.length > 150);
});

// @tests RFC4475 P14L36-P15L10
// @tests RFC3261 P147L9-P147L11
test('§3.1.1.8 dblreq: octets after Content-Length in a datagram are discarded', () => {
  const bytes = byName('dblreq').bytes;
  const m = parsed('dblreq');
  assert.is(m.body.length, 0);
  assert.ok(bytes.length > 400, 'the datagram holds a second message');
  assert.is((m as { method: string }).method, 'REGISTER');
});

// @tests RFC4475 P16L1-P16L22
test('§3.1.1.9 semiuri: ; in the user part is not a uri-parameter', () => {
  const m = parsed('semiuri');
  assert.ok(isRequest(m));
  assert.is(m.requestUri.user, 'user;par=u%40example.net');
  assert.is(m.requestUri.host, 'example.com');
  assert.is(m.requestUri.params.size, 0);
});

// @tests RFC4475 P16L23-P16L48
test('§3.1.1.10 transports: unknown transports in Via', () => {
  assert.equal(vias(parsed('transports')).map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
});

// @tests RFC4475 P17L1-P17L20
test('§3.1.1.11 mpart01: the multipart body is Content-Length octets, bit-exact', () => {
  const m = parsed('mpart01');
  assert.is(m.body.length, Number(m.headers.get('Content-Length')));
  assert.match(bodyText(m), /^--/);
});

// @tests RFC4475 P18L27-P19L48
test('§3.1.1.12-13 unreason, noreason: unusual and empty reason phrases', () => {
  const u = parsed('unreason');
  assert.ok(u.type === 'response' && u.status === 200);
  assert.match((u as { reason: string }).reason, /^= 2\*\*3 \* 5\*\*2/);
  const n = parsed('noreason');
  assert.ok(n.type === 'response' && n.reason === '');
});

// @tests RFC4475 P34L17-P45L23
test('§3.2-3.4: messages for the UAS to judge parse, except mcl01 whose fault is framing', () => {
  const rest = all.filter((m) => !m.section.startsWith('3.1.'));
  assert.is(rest.length, 17);
  for (const m of rest) {
    if (m.name === 'mcl01') assert.throws(() => parse(m.bytes), /^Content-Length: appears twice with different values \(13, 5\)/);
    else parse(m.bytes);
  }
  // §3.3.8 multi01 (application-layer semantics): parsed; the UA core answers 400, reading all values
  const multi = parse(byName('multi01').bytes);
  assert.is(multi.headers.getAll('CSeq').length, 2);
  assert.is(multi.headers.getAll('Call-ID').length, 2);
});

import { parseUri } from '../../../../reference/sip/syntax/index.ts';
const parsePlain = (s: string) => parseUri(s);

test.run();
