/**
 * Digest authentication: the RFCs' printed examples, read out of the RFC text, and the rules around them.
 */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realDoc } from '../../helpers.ts';
import type { SpecDoc } from '../../../tools/spec/document.ts';
import {
  type Algorithm,
  type DigestChallenge,
  DigestError,
  DigestServer,
  DigestSession,
  H,
  HA1,
  NonceCounts,
  algorithmByName,
  buildAuthorization,
  buildChallenge,
  chooseChallenge,
  parseAuthenticationInfo,
  parseChallenge,
  parseChallenges,
  parseCredentials,
  passwords,
  requestDigest,
  userhash,
  verifyCredentials,
  verifyResponseAuth,
} from '../../../reference/auth/digest.ts';

// ---------------------------------------------------------------------------
// Reading the examples out of the RFC text

/** The lines of a section, as printed. */
async function section(docName: string, number: string): Promise<string[]> {
  const doc: SpecDoc = await realDoc(docName);
  const s = doc.sections.find((x) => x.number === number);
  if (!s) throw new Error(`${docName} has no section ${number}`);
  return doc.lines.slice(s.begin, s.end + 1).map((l) => l.text);
}

/**
 * Every value of header `name` printed in `lines`. A header's value goes on
 * over the following lines indented deeper than its first line; a line
 * break inside a quoted-string joins without white space (RFC 7616 §2.1,
 * "Any line that is indented in this document is a continuation").
 */
function printedHeaders(lines: readonly string[], name: string): string[] {
  const found: string[] = [];
  const indent = (l: string) => l.length - l.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    const m = new RegExp(`^(\\s*)${name}:\\s*(.*)$`).exec(lines[i]!);
    if (!m) continue;
    let value = m[2]!;
    const own = m[1]!.length;
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== '' && indent(lines[j]!) > own; j++) {
      const insideQuote = (value.match(/(?<!\\)"/g)?.length ?? 0) % 2 === 1;
      value += (insideQuote ? '' : ' ') + lines[j]!.trim();
    }
    found.push(value.trim());
  }
  return found;
}

/** The first capture of `re` in the section's prose, lines joined with spaces. */
function prose(lines: readonly string[], re: RegExp): string {
  const m = re.exec(lines.join(' ').replace(/\s+/g, ' '));
  if (!m) throw new Error(`not found in the example text: ${re}`);
  return m[1]!;
}

/** The pieces of a printed example. */
async function example(docName: string, number: string) {
  const lines = await section(docName, number);
  return {
    lines,
    challenges: parseChallenges(printedHeaders(lines, 'WWW-Authenticate')),
    authorizations: printedHeaders(lines, 'Authorization'),
    method: prose(lines, /requested from the server via a (\w+) request/),
    password: prose(lines, /password (?:for this document )?is "([^"]+)"/),
  };
}

/** What the client must reproduce: every value of the printed credentials. */
function sameCredentials(got: string, printed: string): void {
  const a = parseCredentials(got);
  const b = parseCredentials(printed);
  for (const k of ['username', 'realm', 'nonce', 'uri', 'response', 'algorithm', 'cnonce', 'opaque', 'qop', 'nc', 'userhash'] as const) {
    assert.equal(a[k], b[k], k);
  }
}

// ---------------------------------------------------------------------------
// The printed examples

// @tests RFC2617 P18L27-P19L9
test('RFC 2617 §3.5: the printed MD5 response is reproduced from the printed challenge', async () => {
  const ex = await example('RFC2617', '3.5');
  assert.is(ex.challenges.length, 1);
  assert.is(ex.authorizations.length, 1);
  const printed = parseCredentials(ex.authorizations[0]!);
  const challenge = ex.challenges[0]!;
  assert.is(challenge.algorithm, 'MD5'); // absent, hence MD5
  const ours = buildAuthorization({
    challenge,
    username: printed.username,
    password: ex.password,
    method: ex.method,
    uri: printed.uri,
    cnonce: printed.cnonce!,
    nc: parseInt(printed.nc!, 16),
    profile: 'HTTP',
  });
  assert.is(ours.credentials.response, printed.response);
  assert.is(printed.response, prose(ex.lines, /response="([0-9a-f]{32})"/));
  sameCredentials(ours.header, ex.authorizations[0]!);
  // The server side agrees, and only with the right password.
  assert.ok(verifyCredentials({ credentials: printed, username: printed.username, secret: { passwd: ex.password }, method: ex.method }));
  assert.not.ok(verifyCredentials({ credentials: printed, username: printed.username, secret: { passwd: `${ex.password}!` }, method: ex.method }));
});

// @tests RFC7616 P18L9-P19L15
test('RFC 7616 §3.9.1: the printed MD5 and SHA-256 responses are reproduced', async () => {
  const ex = await example('RFC7616', '3.9.1');
  assert.is(ex.challenges.length, 2);
  assert.is(ex.authorizations.length, 2);
  const username = prose(ex.lines, /the username for this document is "([^"]+)"/);
  for (const printedHeader of ex.authorizations) {
    const printed = parseCredentials(printedHeader);
    const challenge = ex.challenges.find((c) => c.algorithm === printed.algorithm);
    assert.ok(challenge, `a challenge for ${printed.algorithm}`);
    const ours = buildAuthorization({
      challenge: challenge!,
      username,
      password: ex.password,
      method: ex.method,
      uri: printed.uri,
      cnonce: printed.cnonce!,
      nc: parseInt(printed.nc!, 16),
      profile: 'HTTP',
    });
    assert.is(ours.credentials.response, printed.response, printed.algorithm);
    assert.is(ours.credentials.response.length, algorithmByName(printed.algorithm)!.hexLength);
    sameCredentials(ours.header, printedHeader);
    assert.ok(verifyCredentials({ credentials: printed, username, secret: { passwd: ex.password }, method: ex.method }));
  }
});

// @tests RFC7616 P17L21-P17L22, P18L19-P18L31
test('RFC 7616 §3.9.1: the client picks the first challenge it supports, SHA-256 over MD5', async () => {
  const ex = await example('RFC7616', '3.9.1');
  assert.is(chooseChallenge(ex.challenges)?.algorithm, 'SHA-256');
  // A local policy may dictate otherwise.
  assert.is(chooseChallenge(ex.challenges, { accept: ['MD5'] })?.algorithm, 'MD5');
  assert.is(chooseChallenge(ex.challenges, { accept: ['SHA-512-256'] }), undefined);
});

/** SHA-512 cut to 256 bits: what the RFC 7616 §3.9.2 example was computed with. */
function truncatedSha512(base: Algorithm): Algorithm {
  return { ...base, digest: (d) => createHash('sha512').update(d).digest('hex').slice(0, 64) };
}

// @tests RFC7616 P19L17-P20L34
test('RFC 7616 §3.9.2: userhash and response, and the SHA-512/256 erratum in the printed values', async () => {
  const ex = await example('RFC7616', '3.9.2');
  assert.is(ex.challenges.length, 1);
  const challenge = ex.challenges[0]!;
  assert.is(challenge.algorithm, 'SHA-512-256');
  assert.is(challenge.charset, 'UTF-8');
  assert.ok(challenge.userhash);
  // The username is given as its UTF-8 octets ("4A C3A4 73 ...").
  const octets = prose(ex.lines, /((?:[0-9A-F]{2,4} ){6,}[0-9A-F]{2})/).split(' ').join('');
  const username = new TextDecoder().decode(Buffer.from(octets, 'hex'));
  assert.is(username, 'J\u00e4s\u00f8n Doe');

  const [hashedHeader, starHeader] = ex.authorizations;
  const hashed = parseCredentials(hashedHeader!);
  const star = parseCredentials(starHeader!);
  assert.ok(hashed.userhash);
  assert.ok(star.usernameExtended);
  assert.is(star.username, username, 'username* decodes to the same name');
  assert.is(star.response, hashed.response, 'A1 uses the plain name in both forms');

  // The printed values are reproduced when H is SHA-512 truncated to 256
  // bits; SHA-512/256 proper (FIPS 180-4, own initial values) gives others.
  const real = algorithmByName('SHA-512-256')!;
  const printedH = truncatedSha512(real);
  assert.is(userhash(printedH, username, challenge.realm), hashed.username);
  const input = {
    username,
    realm: challenge.realm,
    secret: { passwd: ex.password },
    nonce: hashed.nonce,
    cnonce: hashed.cnonce!,
    nc: hashed.nc!,
    qop: 'auth' as const,
    method: ex.method,
    uri: hashed.uri,
  };
  assert.is(requestDigest({ ...input, algorithm: printedH }), hashed.response);
  assert.is.not(userhash(real, username, challenge.realm), hashed.username);

  // With the real SHA-512/256 the client and the server still agree.
  const ours = buildAuthorization({ challenge, username, password: ex.password, method: ex.method, uri: hashed.uri, cnonce: hashed.cnonce!, profile: 'HTTP' });
  assert.ok(ours.credentials.userhash);
  assert.is(ours.credentials.username, userhash(real, username, challenge.realm));
  assert.is(ours.credentials.response, requestDigest({ ...input, algorithm: real }));
  assert.is.not(ours.credentials.response, hashed.response);
  const lookup = passwords(challenge.realm, { [username]: ex.password });
  const user = lookup({ username: ours.credentials.username, userhash: true, realm: challenge.realm, algorithm: real });
  assert.is(user?.username, username);
  assert.ok(verifyCredentials({ credentials: parseCredentials(ours.header), username, secret: user!.secret, method: ex.method }));
});

// @tests RFC8760 P6L28-P6L39
test('RFC 8760 §2.6 item 7: H(entity-body) of an empty body is H(""), as printed for SHA-256', async () => {
  const lines = await section('RFC8760', '2.6');
  const printed = prose(lines, /SHA-256\(""\) = "([0-9a-f]{64})"/);
  assert.is(H(algorithmByName('SHA-256')!, ''), printed);
});

// ---------------------------------------------------------------------------
// Parsing

// @tests RFC9110 P38L13-P38L16, P38L20-P38L22
test('quoted-string: escaped quotes and backslashes are unquoted, and requoted on output', () => {
  const c = parseChallenge('Digest realm="a \\"quoted\\" realm", nonce="n\\\\x", qop="auth"');
  assert.is(c.realm, 'a "quoted" realm');
  assert.is(c.nonce, 'n\\x');
  const again = parseChallenge(buildChallenge(c));
  assert.is(again.realm, c.realm);
  assert.is(again.nonce, c.nonce);
  assert.ok(buildChallenge(c).includes('realm="a \\"quoted\\" realm"'));
});

// @tests RFC2617 P3L38-P3L42
test('commas inside quoted-strings do not split parameters or challenges', () => {
  const [a, b] = parseChallenges('Digest realm="x, y", nonce="1,2", qop="auth, auth-int", Digest realm="z", nonce="3"');
  assert.is(a?.realm, 'x, y');
  assert.is(a?.nonce, '1,2');
  assert.equal(a?.qop, ['auth', 'auth-int']);
  assert.is(b?.realm, 'z');
});

// @tests RFC9110 P102L17-P102L20, P102L44-P102L46
test('scheme and parameter names are case-insensitive; stale=TRUE is true', () => {
  const c = parseChallenge('DIGEST REALM="r", Nonce="n", ALGORITHM=sha-256, Qop="auth", STALE=TRUE');
  assert.is(c.realm, 'r');
  assert.is(c.nonce, 'n');
  assert.is(algorithmByName(c.algorithm)?.hash, 'SHA-256');
  assert.ok(c.stale);
  assert.not.ok(parseChallenge('Digest realm="r", nonce="n", stale=yes').stale);
});

// @tests RFC9110 P102L44-P102L46
test('a parameter given twice is an error naming the rule', () => {
  try {
    parseChallenge('Digest realm="r", nonce="n", Realm="s"');
    assert.unreachable('parsed');
  } catch (e) {
    assert.instance(e, DigestError);
    assert.is((e as DigestError).rule, 'RFC9110 P102L44-P102L46');
    assert.match((e as Error).message, /"Realm" occurs twice/);
  }
});

function ruleOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DigestError) return e.rule;
    throw e;
  }
  throw new Error('no error');
}

const good = 'Digest username="u", realm="r", nonce="n", uri="/", response="0123456789abcdef0123456789abcdef"';

// @tests RFC2617 P4L1-P4L2, P8L11-P8L13, P11L16-P11L19
test('missing required parameters are errors naming the rule', () => {
  assert.is(ruleOf(() => parseChallenge('Digest nonce="n"')), 'RFC2617 P4L1-P4L2');
  assert.is(ruleOf(() => parseChallenge('Digest realm="r"')), 'RFC2617 P8L11-P8L13');
  assert.ok(parseCredentials(good));
  for (const name of ['username', 'realm', 'nonce', 'uri', 'response']) {
    const without = good.replace(new RegExp(`${name}="[^"]*", ?|, ${name}="[^"]*"`), '');
    assert.is(ruleOf(() => parseCredentials(without)), 'RFC2617 P11L16-P11L19', name);
  }
});

// @tests RFC7616 P9L29-P9L30, P15L33-P15L34
// @tests RFC2617 P12L18-P12L20
test('credentials: username with username*, a bad nc, qop without cnonce are errors', () => {
  assert.is(ruleOf(() => parseCredentials(`${good}, username*=UTF-8''u`)), 'RFC7616 P9L29-P9L30');
  assert.is(ruleOf(() => parseCredentials(`${good}, qop=auth, cnonce="c", nc=1`)), 'RFC7616 P15L33-P15L34');
  assert.is(ruleOf(() => parseCredentials(`${good}, qop=auth, nc=00000001`)), 'RFC2617 P12L18-P12L19');
  assert.is(ruleOf(() => parseCredentials(`${good}, cnonce="c"`)), 'RFC2617 P12L18-P12L19');
  assert.is(ruleOf(() => parseCredentials(good.replace('0123456789abcdef0123', '0123456789ABCDEF0123'))), 'RFC8760 P7L17-P7L22');
});

// @tests RFC9110 P38L10-P38L11, P103L25
test('syntax errors say what and where', () => {
  try {
    parseChallenge('Digest realm="r", nonce="open');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /unterminated quoted-string at offset 24/);
  }
  assert.is(ruleOf(() => parseChallenge('Digest realm="r" nonce="n"')), 'RFC9110 P36L22');
  assert.is(ruleOf(() => parseChallenge('Digest realm=, nonce="n"')), 'RFC9110 P102L48');
  assert.is(ruleOf(() => parseChallenge('Digest realm="a\u0001b", nonce="n"')), 'RFC9110 P38L10-P38L11');
  assert.is(ruleOf(() => buildChallenge({ realm: 'a\r\nX-Injected: 1', nonce: 'n', stale: false, algorithm: 'MD5', qop: ['auth'], userhash: false })), 'RFC9110 P38L10-P38L11');
});

// @tests RFC8760 P5L41-P5L42, P4L42-P4L46
test('other schemes in the same value are skipped; unknown algorithms are not chosen', () => {
  const all = parseChallenges([
    'Basic realm="b", Negotiate YWJjZA==, Digest realm="r", nonce="1", algorithm=SHA-999, qop="auth"',
    'Digest realm="r", nonce="2", algorithm=MD5, qop="auth"',
  ]);
  assert.equal(all.map((c) => c.nonce), ['1', '2']);
  assert.is(chooseChallenge(all)?.nonce, '2');
  // A challenge offering only unknown qop options cannot be answered.
  assert.is(chooseChallenge(parseChallenges('Digest realm="r", nonce="3", qop="auth-conf"')), undefined);
});

// @tests RFC7616 P6L18-P6L20
test('domain is ignored in Proxy-Authenticate', () => {
  const v = 'Digest realm="r", nonce="n", domain="/a /b", qop="auth"';
  assert.equal(parseChallenge(v).domain, ['/a', '/b']);
  assert.is(parseChallenge(v, { proxy: true }).domain, undefined);
});

// ---------------------------------------------------------------------------
// Client and server together

const REALM = 'biloxi.example.com';
const users = { bob: 'zanzibar', 'J\u00fcrgen': 'p\u00e5ssword' };

function server(extra: Partial<ConstructorParameters<typeof DigestServer>[0]> = {}) {
  let clock = 1_700_000_000_000;
  const s = new DigestServer({ realm: REALM, lookup: passwords(REALM, users), secret: Buffer.alloc(32, 7), now: () => clock, ...extra });
  return { s, advance: (ms: number) => (clock += ms) };
}

function answer(challenge: DigestChallenge, over: Partial<Parameters<typeof buildAuthorization>[0]> = {}) {
  return buildAuthorization({ challenge, username: 'bob', password: 'zanzibar', method: 'REGISTER', uri: 'sip:biloxi.example.com', ...over }).header;
}

// @tests RFC7616 P15L38-P15L42, P17L6-P17L11
test('server: challenges in preference order with one nonce; the client answer is accepted', () => {
  const { s } = server();
  const headers = s.challengeHeaders();
  assert.equal(parseChallenges(headers).map((c) => c.algorithm), ['SHA-256', 'SHA-512-256', 'MD5']);
  assert.is(new Set(parseChallenges(headers).map((c) => c.nonce)).size, 1);
  const chosen = chooseChallenge(parseChallenges(headers))!;
  const v = s.verify({ authorization: answer(chosen), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(v.ok, JSON.stringify(v));
  if (v.ok) assert.is(v.username, 'bob');
  // The wrong password is a 401 without stale.
  const w = s.verify({ authorization: answer(chosen, { password: 'x', nc: 2 }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.equal([w.ok, !w.ok && w.status, !w.ok && 'stale' in w && w.stale], [false, 401, false]);
});

// @tests RFC8760 P4L32-P4L34
test('server: two challenges with one algorithm are refused', () => {
  assert.is(ruleOf(() => new DigestServer({ realm: REALM, lookup: passwords(REALM, users), algorithms: ['MD5', 'md5'] })), 'RFC8760 P4L32-P4L34');
});

// @tests RFC7616 P12L12-P12L14, P13L14-P13L19
test('qop=auth-int digests the body: the same body passes, another fails', () => {
  const { s } = server({ algorithms: ['SHA-256'] });
  const c = parseChallenge(s.challengeHeaders()[0]!);
  const body = 'v=0\r\no=bob 2890844526 2890844526 IN IP4 host.biloxi.example.com\r\n';
  const header = answer(c, { qop: 'auth-int', body });
  assert.is(parseCredentials(header).qop, 'auth-int');
  assert.ok(s.verify({ authorization: header, method: 'REGISTER', uri: 'sip:biloxi.example.com', body }).ok);
  const tampered = answer(c, { qop: 'auth-int', body, nc: 2 });
  const v = s.verify({ authorization: tampered, method: 'REGISTER', uri: 'sip:biloxi.example.com', body: body.replace('bob', 'eve') });
  assert.not.ok(v.ok);
  // No body at all digests H("").
  const empty = answer(c, { qop: 'auth-int', nc: 3 });
  assert.ok(s.verify({ authorization: empty, method: 'REGISTER', uri: 'sip:biloxi.example.com', body: '' }).ok);
});

// @tests RFC7616 P11L32-P11L41
test('-sess algorithms: A1 folds in nonce and cnonce; the server verifies', () => {
  const { s } = server({ algorithms: ['SHA-256-sess', 'MD5-sess'] });
  const cs = parseChallenges(s.challengeHeaders());
  for (const [i, c] of cs.entries()) {
    const header = answer(c, { nc: i + 1 });
    const v = s.verify({ authorization: header, method: 'REGISTER', uri: 'sip:biloxi.example.com' });
    assert.ok(v.ok, c.algorithm);
    // The session key differs from the plain H(A1): the plain form would not verify.
    const creds = parseCredentials(header);
    const plain = { ...creds, algorithm: c.algorithm.replace(/-sess$/i, '') };
    assert.not.ok(verifyCredentials({ credentials: plain, username: 'bob', secret: { passwd: 'zanzibar' }, method: 'REGISTER' }));
  }
});

// @tests RFC2617 P10L6-P10L9
// @tests RFC7616 P6L40-P6L45, P16L13-P16L17
test('an expired nonce gets stale=true only when the digest is right', () => {
  const { s, advance } = server({ nonceLifetimeMs: 60_000 });
  const c = chooseChallenge(parseChallenges(s.challengeHeaders()))!;
  advance(60_001);
  const v = s.verify({ authorization: answer(c), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!v.ok && v.status === 401 && v.stale, JSON.stringify(v));
  if (!v.ok && v.status === 401) assert.ok(parseChallenges(v.challenges).every((x) => x.stale));
  const w = s.verify({ authorization: answer(c, { password: 'wrong' }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!w.ok && w.status === 401 && !w.stale);
  // A nonce this server did not issue (or another realm's) is not stale.
  const forged = { ...c, nonce: c.nonce.replace(/^./, (x) => (x === 'A' ? 'B' : 'A')) };
  const f = s.verify({ authorization: answer(forged), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!f.ok && f.status === 401 && !f.stale);
});

// @tests RFC7616 P10L26-P10L29
test('a repeated nc is a replay; counts may arrive out of order', () => {
  const { s } = server();
  const c = chooseChallenge(parseChallenges(s.challengeHeaders()))!;
  const req = (nc: number) => s.verify({ authorization: answer(c, { nc, cnonce: `c${nc}` }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(req(1).ok);
  const again = req(1);
  assert.ok(!again.ok && again.status === 401 && again.stale && /replay/.test(again.reason));
  assert.ok(req(4).ok);
  assert.ok(req(3).ok);
  assert.not.ok(req(4).ok);
});

// @tests RFC7616 P24L1-P24L6
test('nonce-count memory is bounded without letting a replay through', () => {
  const counts = new NonceCounts(2);
  assert.is(counts.record('a', 1, 10, 1000, 0), 'new');
  assert.is(counts.record('b', 1, 20, 2000, 0), 'new');
  assert.is(counts.record('c', 1, 30, 3000, 0), 'new'); // forgets a
  assert.is(counts.size, 2);
  assert.is(counts.record('a', 1, 10, 1000, 0), 'forgotten');
  assert.is(counts.record('b', 1, 20, 2000, 0), 'replay');
  counts.prune(2500);
  assert.is(counts.size, 1);
});

// @tests RFC7616 P12L22-P12L29
test('userhash: the client hashes when asked; the server accepts hashed and plain names', () => {
  const { s } = server({ algorithms: ['SHA-256'] });
  const c = parseChallenge(s.challengeHeaders()[0]!);
  assert.ok(c.userhash);
  const hashed = parseCredentials(answer(c));
  assert.ok(hashed.userhash);
  assert.is(hashed.username, userhash(algorithmByName('SHA-256')!, 'bob', REALM));
  assert.ok(s.verify({ authorization: answer(c), method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
  // A client that does not support userhash sends the name in the clear.
  const plain = answer({ ...c, userhash: false }, { nc: 2 });
  assert.is(parseCredentials(plain).username, 'bob');
  assert.ok(s.verify({ authorization: plain, method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
});

// @tests RFC7616 P9L34-P9L37, P20L43-P20L47
test('non-ASCII names: NFC, username* over HTTP, UTF-8 in the quoted-string over SIP', () => {
  const { s } = server({ algorithms: ['SHA-256'], userhash: false });
  const c = parseChallenge(s.challengeHeaders()[0]!);
  const decomposed = 'Ju\u0308rgen'; // NFD: u + COMBINING DIAERESIS
  assert.is.not(decomposed, 'J\u00fcrgen');
  const http = answer(c, { username: decomposed, password: 'pa\u030assword', profile: 'HTTP' });
  assert.match(http, /username\*=UTF-8''J%C3%BCrgen/);
  assert.ok(s.verify({ authorization: http, method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
  const sip = answer(c, { username: 'J\u00fcrgen', password: 'p\u00e5ssword', nc: 2 });
  assert.match(sip, /username="J\u00fcrgen"/);
  assert.ok(s.verify({ authorization: sip, method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
});

// @tests RFC2617 P13L15-P13L20
// @tests RFC8760 P6L44-P6L48
test('no qop: RFC 2069 form over HTTP (one use per nonce), qop=auth over SIP', () => {
  const { s } = server({ algorithms: ['MD5'] });
  const c = parseChallenge(s.challengeHeaders()[0]!);
  const old = { ...c };
  delete old.qop;
  const http = answer(old, { profile: 'HTTP' });
  const creds = parseCredentials(http);
  assert.equal([creds.qop, creds.cnonce, creds.nc], [undefined, undefined, undefined]);
  const md5 = algorithmByName('MD5')!;
  const HA2 = H(md5, `REGISTER:sip:biloxi.example.com`);
  assert.is(creds.response, H(md5, `${HA1(md5, 'bob', REALM, 'zanzibar')}:${c.nonce}:${HA2}`));
  assert.ok(s.verify({ authorization: http, method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
  assert.not.ok(s.verify({ authorization: http, method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
  assert.is(parseCredentials(answer(old)).qop, 'auth');
  const strict = server({ algorithms: ['MD5'], acceptNoQop: false }).s;
  const v = strict.verify({ authorization: answer(parseChallenge(strict.challengeHeaders()[0]!), { profile: 'HTTP' }).replace(/, nc=\w+, cnonce="[^"]*", qop=auth/, ''), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!v.ok && v.status === 400);
});

// @tests RFC7616 P13L33-P13L36
// @tests RFC8760 P6L18-P6L26
test('uri must designate the request target, unless the SIP policy widens it', () => {
  const { s } = server();
  const c = chooseChallenge(parseChallenges(s.challengeHeaders()))!;
  const v = s.verify({ authorization: answer(c), method: 'REGISTER', uri: 'sip:other.example.com' });
  assert.ok(!v.ok && v.status === 400 && v.rule === 'RFC7616 P13L33-P13L36');
  const lax = server({ uriMatches: (d, r) => d.replace(/^sip:/, '') === r.replace(/^sip:[^@]*@/, '') }).s;
  const c2 = chooseChallenge(parseChallenges(lax.challengeHeaders()))!;
  assert.ok(lax.verify({ authorization: answer(c2), method: 'REGISTER', uri: 'sip:bob@biloxi.example.com' }).ok);
});

// @tests RFC8760 P7L20-P7L22
// @tests RFC7616 P9L12-P9L14, P10L3-P10L5
test('empty response, foreign realm, unoffered algorithm, opaque or qop', () => {
  const { s } = server({ algorithms: ['SHA-256'], qop: ['auth'], opaque: 'xyz' });
  const c = parseChallenge(s.challengeHeaders()[0]!);
  const pre = `Digest username="bob", realm="${REALM}", nonce="", uri="sip:biloxi.example.com", response=""`;
  const e = s.verify({ authorization: pre, method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!e.ok && e.status === 401 && !e.stale);
  const other = s.verify({ authorization: answer({ ...c, realm: 'atlanta.example.com' }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!other.ok && other.status === 401);
  const md5 = s.verify({ authorization: answer({ ...c, algorithm: 'MD5' }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!md5.ok && md5.status === 400 && md5.rule === 'RFC7616 P9L12-P9L14');
  const op = s.verify({ authorization: answer({ ...c, opaque: 'abc' }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!op.ok && op.status === 400);
  const ai = s.verify({ authorization: answer({ ...c, qop: ['auth-int'] }), method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!ai.ok && ai.status === 400 && ai.rule === 'RFC7616 P10L3-P10L5');
  const bad = s.verify({ authorization: 'Digest realm="x", realm="y"', method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!bad.ok && bad.status === 400 && bad.rule === 'RFC9110 P102L44-P102L46');
});

// @tests RFC7616 P17L33-P17L36
test('a proxy answers 407 with Proxy-Authenticate', () => {
  const { s } = server({ proxy: true });
  const v = s.verify({ authorization: undefined, method: 'INVITE', uri: 'sip:alice@atlanta.example.com' });
  assert.ok(!v.ok && v.status === 407 && v.header === 'Proxy-Authenticate' && v.challenges.length === 3);
});

// @tests RFC7616 P15L3-P15L22
test('Authentication-Info: rspauth proves the server knows the secret', () => {
  const { s } = server({ algorithms: ['SHA-256'] });
  const c = parseChallenge(s.challengeHeaders()[0]!);
  const header = answer(c, { qop: 'auth-int', body: 'hello' });
  const v = s.verify({ authorization: header, method: 'REGISTER', uri: 'sip:biloxi.example.com', body: 'hello' });
  assert.ok(v.ok);
  if (!v.ok) return;
  const info = parseAuthenticationInfo(s.authenticationInfo(v, 'response body'));
  assert.equal([info.qop, info.cnonce, info.nc], ['auth-int', v.credentials.cnonce, v.credentials.nc]);
  assert.ok(verifyResponseAuth(v.request, info, 'response body'));
  assert.not.ok(verifyResponseAuth(v.request, info, 'another body'));
  assert.not.ok(verifyResponseAuth({ ...v.request, secret: { passwd: 'guess' } }, info, 'response body'));
});

// @tests RFC7616 P16L1-P16L10, P7L23-P7L31
// @tests RFC8760 P5L6-P5L11
test('client session: nc counts up, stale=true retries, a plain re-challenge means the credentials are refused', () => {
  const { s, advance } = server({ nonceLifetimeMs: 60_000 });
  const session = new DigestSession('bob', 'zanzibar');
  assert.is(session.authorize({ method: 'REGISTER', uri: 'sip:biloxi.example.com' }), undefined);
  assert.is(session.onChallenge(s.challengeHeaders()), 'answer');
  const send = () => s.verify({ authorization: session.authorize({ method: 'REGISTER', uri: 'sip:biloxi.example.com' })!.header, method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  const first = send();
  assert.ok(first.ok);
  const second = send();
  assert.ok(second.ok);
  if (second.ok) assert.is(second.credentials.nc, '00000002');
  advance(60_001);
  const stale = send();
  assert.ok(!stale.ok && stale.status === 401 && stale.stale);
  if (stale.ok || stale.status !== 401) return;
  assert.is(session.onChallenge(stale.challenges), 'answer');
  const retried = send();
  assert.ok(retried.ok);
  if (retried.ok) assert.is(retried.credentials.nc, '00000001');
  // Wrong password: challenged again without stale, so new credentials are needed.
  const wrong = new DigestSession('bob', 'guess');
  wrong.onChallenge(s.challengeHeaders());
  const v = s.verify({ authorization: wrong.authorize({ method: 'REGISTER', uri: 'sip:biloxi.example.com' })!.header, method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(!v.ok && v.status === 401 && !v.stale);
  if (!v.ok && v.status === 401) assert.is(wrong.onChallenge(v.challenges), 'rejected');
  assert.is(new DigestSession('bob', 'x').onChallenge('Digest realm="r", nonce="n", algorithm=SHA3-512, qop="auth"'), 'unsupported');
});

// @tests RFC7616 P14L15-P14L21, P15L3-P15L6
test('client session: nextnonce is adopted and rspauth checked', () => {
  const { s } = server({ algorithms: ['SHA-256'] });
  const session = new DigestSession('bob', 'zanzibar');
  session.onChallenge(s.challengeHeaders());
  const oldNonce = session.challenge!.nonce;
  const v = s.verify({ authorization: session.authorize({ method: 'REGISTER', uri: 'sip:biloxi.example.com' })!.header, method: 'REGISTER', uri: 'sip:biloxi.example.com' });
  assert.ok(v.ok);
  if (!v.ok) return;
  const info = s.authenticationInfo(v, undefined, true);
  assert.match(info, /^nextnonce="[^"]+", qop=auth, rspauth="[0-9a-f]{64}", cnonce="[^"]+", nc=00000001$/);
  assert.is(session.onAuthenticationInfo(info), 'verified');
  assert.is.not(session.challenge!.nonce, oldNonce);
  const next = session.authorize({ method: 'REGISTER', uri: 'sip:biloxi.example.com' })!;
  assert.is(next.credentials.nc, '00000001');
  assert.ok(s.verify({ authorization: next.header, method: 'REGISTER', uri: 'sip:biloxi.example.com' }).ok);
  assert.is(session.onAuthenticationInfo(info.replace(/rspauth="./, 'rspauth="0')), 'failed');
});

// @tests RFC7616 P17L33-P17L42
test('a Proxy-Authenticate challenge is answered in Proxy-Authorization', () => {
  const { s } = server({ proxy: true });
  const v = s.verify({ authorization: undefined, method: 'INVITE', uri: 'sip:alice@atlanta.example.com' });
  if (v.ok || v.status === 400) return assert.unreachable();
  const c = chooseChallenge(parseChallenges(v.challenges, { proxy: true }))!;
  const a = buildAuthorization({ challenge: c, username: 'bob', password: 'zanzibar', method: 'INVITE', uri: 'sip:alice@atlanta.example.com' });
  assert.is(a.field, 'Proxy-Authorization');
  assert.ok(s.verify({ authorization: a.header, method: 'INVITE', uri: 'sip:alice@atlanta.example.com' }).ok);
});

test.run();
