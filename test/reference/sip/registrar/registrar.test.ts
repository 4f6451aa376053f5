import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigestServer, buildAuthorization, parseChallenge, passwords } from '../../../../reference/auth/digest.ts';
import { LocationService, canonicalAoR } from '../../../../reference/sip/core/location.ts';
import { Registrar, parseExpires } from '../../../../reference/sip/registrar/registrar.ts';
import { parseUsersFile, UsersFileError } from '../../../../reference/sip/registrar/users.ts';
import { contacts, createRequest, type Request, type Response } from '../../../../reference/sip/syntax/message.ts';
import { paramValue } from '../../../../reference/sip/syntax/params.ts';
import { formatUri, parseUri } from '../../../../reference/sip/syntax/uri.ts';

/** A clock the tests move by hand, in seconds. */
function clock() {
  const c = { t: 1000, now: () => c.t };
  return c;
}

function register(opts: { aor?: string; uri?: string; contact?: string | string[]; expires?: string; callId?: string; seq?: number; extra?: [string, string][] } = {}): Request {
  const headers: [string, string][] = [
    ['Via', 'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKreg1'],
    ['Max-Forwards', '70'],
    ['To', `<${opts.aor ?? 'sip:alice@example.com'}>`],
    ['From', `<${opts.aor ?? 'sip:alice@example.com'}>;tag=f1`],
    ['Call-ID', opts.callId ?? 'call-1@192.0.2.4'],
    ['CSeq', `${opts.seq ?? 1} REGISTER`],
  ];
  for (const c of opts.contact === undefined ? [] : Array.isArray(opts.contact) ? opts.contact : [opts.contact]) headers.push(['Contact', c]);
  if (opts.expires !== undefined) headers.push(['Expires', opts.expires]);
  headers.push(...(opts.extra ?? []));
  return createRequest('REGISTER', opts.uri ?? 'sip:example.com', headers);
}

function setup(extra: Partial<ConstructorParameters<typeof Registrar>[0]> = {}) {
  const c = clock();
  const location = new LocationService(c.now);
  const registrar = new Registrar({ location, domains: ['example.com'], ...extra });
  const handle = (r: Request): Response => {
    const result = registrar.handle(r);
    if (!('answer' in result)) throw new Error('expected an answer');
    return result.answer;
  };
  return { c, location, registrar, handle };
}

const boundUris = (r: Response) => {
  const list = contacts(r);
  return list === '*' ? ['*'] : list.map((a) => `${formatUri(a.uri)} expires=${paramValue(a.params, 'expires')}`);
};

// @tests RFC3261 P64L3-P64L8
test('step 1: a REGISTER for a domain the registrar does not serve goes to the proxy', () => {
  const { registrar } = setup();
  assert.equal(registrar.handle(register({ uri: 'sip:elsewhere.org', aor: 'sip:alice@elsewhere.org', contact: '<sip:a@192.0.2.4>' })), { proxy: true });
});

// @tests RFC3261 P64L10-P64L12, P47L44-P47L48
test('step 2: an unknown Require option tag gets 420 with Unsupported listing it', () => {
  const { handle } = setup({ supported: ['path'] });
  const r = handle(register({ contact: '<sip:a@192.0.2.4>', extra: [['Require', 'path, foo, bar']] }));
  assert.is(r.status, 420);
  assert.equal(r.headers.getAll('Unsupported'), ['foo', 'bar']);
  assert.is(handle(register({ contact: '<sip:a@192.0.2.4>', extra: [['Require', 'path']] })).status, 200);
});

// @tests RFC3261 P64L14-P64L19, P195L38-P195L42, P195L44-P195L47
test('step 3: digest authentication: 401 with a challenge, then 200 with correct credentials, 401 with a wrong password', () => {
  const digest = new DigestServer({ realm: 'example.com', lookup: passwords('example.com', { alice: 'secret' }), userhash: false, algorithms: ['MD5'] });
  const { handle, location } = setup({ digest });
  const first = register({ contact: '<sip:alice@192.0.2.4>' });
  const challenge = handle(first);
  assert.is(challenge.status, 401);
  const www = challenge.headers.get('WWW-Authenticate') as string;
  assert.match(www, /^Digest /);
  const answer = (password: string, seq: number) => {
    const r = register({ contact: '<sip:alice@192.0.2.4>', seq });
    const auth = buildAuthorization({ challenge: parseChallenge(www), username: 'alice', password, method: 'REGISTER', uri: formatUri(r.requestUri) });
    r.headers.append('Authorization', auth.header);
    return r;
  };
  assert.is(handle(answer('wrong', 2)).status, 401);
  assert.equal(location.lookup('sip:alice@example.com'), []);
  const ok = handle(answer('secret', 3));
  assert.is(ok.status, 200);
  assert.equal(boundUris(ok), ['sip:alice@192.0.2.4 expires=3600']);
});

// @tests RFC3261 P64L14-P64L19
test('step 3: credentials on a nonce past its lifetime get a new challenge marked stale; a replayed nonce count too', () => {
  let ms = 1_000_000;
  const digest = new DigestServer({ realm: 'example.com', lookup: passwords('example.com', { alice: 'secret' }), userhash: false, algorithms: ['MD5'], nonceLifetimeMs: 60_000, now: () => ms });
  const { handle } = setup({ digest });
  const www = handle(register({ contact: '<sip:alice@192.0.2.4>' })).headers.get('WWW-Authenticate') as string;
  const withCredentials = (seq: number, nc: number) => {
    const r = register({ contact: '<sip:alice@192.0.2.4>', seq });
    r.headers.append('Authorization', buildAuthorization({ challenge: parseChallenge(www), username: 'alice', password: 'secret', method: 'REGISTER', uri: formatUri(r.requestUri), nc, cnonce: 'c' }).header);
    return r;
  };
  assert.is(handle(withCredentials(2, 1)).status, 200);
  const replay = handle(withCredentials(3, 1));
  assert.is(replay.status, 401);
  assert.match(replay.headers.get('WWW-Authenticate') as string, /stale=true/i);
  assert.is(handle(withCredentials(4, 2)).status, 200);
  ms += 61_000;
  const stale = handle(withCredentials(5, 3));
  assert.is(stale.status, 401);
  assert.match(stale.headers.get('WWW-Authenticate') as string, /stale=true/i);
});

// @tests RFC3261 P64L17-P64L19, P64L21-P64L28
test('step 4: without digest the From user is the identity; registering another user\'s AoR is 403', () => {
  const { handle } = setup();
  const r = register({ aor: 'sip:bob@example.com', contact: '<sip:bob@192.0.2.4>' });
  r.headers.set('From', '<sip:mallory@example.com>;tag=m');
  assert.is(handle(r).status, 403);
  const third = setup({ authorize: (user, aor) => user === 'admin' || aor.user === user }).handle;
  const r2 = register({ aor: 'sip:bob@example.com', contact: '<sip:bob@192.0.2.4>' });
  r2.headers.set('From', '<sip:admin@example.com>;tag=a');
  assert.is(third(r2).status, 200);
});

// @tests RFC3261 P64L34-P64L41
test('step 5: To must be in the Request-URI domain (404), and the AoR is canonicalized', () => {
  const { handle, location } = setup({ domains: ['example.com', 'other.net'] });
  const r = register({ uri: 'sip:other.net', aor: 'sip:alice@example.com', contact: '<sip:a@192.0.2.4>' });
  assert.is(handle(r).status, 404);
  assert.is(canonicalAoR(parseUri('sip:%61lice@EXAMPLE.com;user=phone;transport=udp')), 'sip:alice@example.com');
  assert.is(handle(register({ aor: 'sip:%61lice@example.com;user=ip', contact: '<sip:a@192.0.2.4>' })).status, 200);
  assert.is(location.lookup('sip:alice@example.com').length, 1);
});

// @tests RFC3261 P65L1-P65L8, P61L26-P61L28
test('step 6: Contact * needs Expires 0 and no other Contact (400), and removes every binding', () => {
  const { handle, location } = setup();
  handle(register({ contact: ['<sip:a@192.0.2.4>', '<sip:a@192.0.2.5>'], seq: 1 }));
  assert.is(location.lookup('sip:alice@example.com').length, 2);
  assert.is(handle(register({ contact: '*', seq: 2 })).status, 400);
  assert.is(handle(register({ contact: '*', expires: '10', seq: 3 })).status, 400);
  assert.is(handle(register({ contact: ['*', '<sip:a@192.0.2.6>'], expires: '0', seq: 4 })).status, 400);
  assert.is(location.lookup('sip:alice@example.com').length, 2);
  const ok = handle(register({ contact: '*', expires: '0', seq: 5 }));
  assert.is(ok.status, 200);
  assert.equal(contacts(ok), []);
  assert.equal(location.lookup('sip:alice@example.com'), []);
});

// @tests RFC3261 P65L8-P65L13
test('step 6: Contact * with the same Call-ID and a CSeq not higher than a binding\'s fails; another Call-ID removes it', () => {
  const { handle, location } = setup();
  handle(register({ contact: '<sip:a@192.0.2.4>', seq: 10 }));
  assert.is(handle(register({ contact: '*', expires: '0', seq: 10 })).status, 500);
  assert.is(location.lookup('sip:alice@example.com').length, 1);
  assert.is(handle(register({ contact: '*', expires: '0', seq: 1, callId: 'other' })).status, 200);
  assert.is(location.lookup('sip:alice@example.com').length, 0);
});

// @tests RFC3261 P65L19-P65L27, P59L32-P59L38
test('step 7: expiration from the expires parameter, else Expires, else the default; malformed means 3600', () => {
  const { handle } = setup({ defaultExpires: 1800, maxExpires: 100000 });
  const r = handle(register({ contact: ['<sip:a@192.0.2.4>;expires=120', '<sip:a@192.0.2.5>'], expires: '300' }));
  assert.equal(boundUris(r), ['sip:a@192.0.2.4 expires=120', 'sip:a@192.0.2.5 expires=300']);
  const d = setup({ defaultExpires: 1800 }).handle(register({ contact: '<sip:a@192.0.2.4>' }));
  assert.equal(boundUris(d), ['sip:a@192.0.2.4 expires=1800']);
  assert.is(parseExpires('abc'), 3600);
  assert.is(parseExpires('99999999999'), 4294967295);
  const m = setup({ maxExpires: 100000 }).handle(register({ contact: '<sip:a@192.0.2.4>', expires: 'soon' }));
  assert.equal(boundUris(m), ['sip:a@192.0.2.4 expires=3600']);
});

// @tests RFC3261 P65L29-P65L30
test('step 7: the registrar may shorten a requested expiration', () => {
  const { handle } = setup({ maxExpires: 600 });
  assert.equal(boundUris(handle(register({ contact: '<sip:a@192.0.2.4>;expires=7200' }))), ['sip:a@192.0.2.4 expires=600']);
});

// @tests RFC3261 P65L30-P65L36, P173L28-P173L33
test('step 7: 423 with Min-Expires for 0 < expires < min, and only below one hour', () => {
  const { handle, location } = setup({ minExpires: 60 });
  const r = handle(register({ contact: '<sip:a@192.0.2.4>;expires=30' }));
  assert.is(r.status, 423);
  assert.is(r.headers.get('Min-Expires'), '60');
  assert.equal(location.lookup('sip:alice@example.com'), []);
  assert.is(handle(register({ contact: '<sip:a@192.0.2.4>;expires=60', seq: 2 })).status, 200);
  // Zero removes; it is never "too brief".
  assert.is(handle(register({ contact: '<sip:a@192.0.2.4>;expires=0', seq: 3 })).status, 200);
  // A minimum above an hour cannot reject a 3600-second request.
  assert.is(setup({ minExpires: 5000, maxExpires: 9000 }).handle(register({ contact: '<sip:a@192.0.2.4>;expires=3600' })).status, 200);
});

// @tests RFC3261 P66L1-P66L11, P66L16-P66L17
test('step 7: ordering: same Call-ID needs a higher CSeq to update; another Call-ID updates; 0 removes', () => {
  const { handle, location } = setup();
  handle(register({ contact: '<sip:a@192.0.2.4>;expires=100', seq: 5 }));
  // A delayed, older REGISTER from the same UA is refused and changes nothing.
  const stale = handle(register({ contact: '<sip:a@192.0.2.4>;expires=0', seq: 4 }));
  assert.is(stale.status, 500);
  assert.is(location.lookup('sip:alice@example.com').length, 1);
  assert.is(handle(register({ contact: '<sip:a@192.0.2.4>;expires=200', seq: 5 })).status, 500);
  // A newer one updates, recording its Call-ID and CSeq.
  assert.equal(boundUris(handle(register({ contact: '<sip:a@192.0.2.4>;expires=200', seq: 7 }))), ['sip:a@192.0.2.4 expires=200']);
  const b = location.lookup('sip:alice@example.com');
  assert.is(b.length, 1);
  assert.is(b[0]?.cseq, 7);
  // Another Call-ID may update or remove regardless of CSeq.
  assert.is(handle(register({ contact: '<sip:a@192.0.2.4>;expires=0', seq: 1, callId: 'other' })).status, 200);
  assert.equal(location.lookup('sip:alice@example.com'), []);
});

// @tests RFC3261 P66L19-P66L24, P63L42-P63L44
test('step 7: atomic: when one contact fails, none of the request\'s changes is kept', () => {
  const { handle, location } = setup();
  handle(register({ contact: '<sip:a@192.0.2.4>', seq: 5 }));
  const r = handle(register({ contact: ['<sip:new@192.0.2.9>', '<sip:a@192.0.2.4>;expires=30'], seq: 6, extra: [] }));
  assert.is(r.status, 423);
  assert.equal(location.lookup('sip:alice@example.com').map((b) => formatUri(b.contact.uri)), ['sip:a@192.0.2.4']);
});

// @tests RFC3261 P66L26-P66L30, P61L36-P61L39, P63L31-P63L33
test('step 8: 200 lists every current binding with expires, has a Date, no Record-Route; a REGISTER without Contact fetches', () => {
  const { handle, c } = setup();
  handle(register({ contact: '<sip:a@192.0.2.4>;expires=100;q=0.5', seq: 1 }));
  handle(register({ contact: '<sip:a@192.0.2.5>;expires=200;q=0.9', seq: 2, callId: 'other-ua' }));
  c.t += 40;
  const fetched = handle(register({ seq: 3, extra: [['Record-Route', '<sip:p.example.com;lr>']] }));
  assert.is(fetched.status, 200);
  assert.equal(boundUris(fetched), ['sip:a@192.0.2.5 expires=160', 'sip:a@192.0.2.4 expires=60']);
  assert.ok(fetched.headers.has('Date'));
  assert.not.ok(fetched.headers.has('Record-Route'));
  assert.ok(/;tag=/.test(fetched.headers.get('To') as string));
});

// @tests RFC3261 P63L40-P63L41
test('location service: bindings expire with time and are then not returned', () => {
  const { handle, location, c } = setup();
  handle(register({ contact: '<sip:a@192.0.2.4>;expires=100' }));
  c.t += 99;
  assert.is(location.lookup('sip:alice@example.com').length, 1);
  c.t += 1;
  assert.is(location.lookup('sip:alice@example.com').length, 0);
  assert.ok(location.knows('sip:alice@example.com'));
  assert.not.ok(location.knows('sip:nobody@example.com'));
});

test('users file: user:password lines, comments, colons in passwords; errors name file and line', () => {
  assert.equal(parseUsersFile('# users\nalice:secret\n\nbob:a:b:c\n', 'u.txt'), { alice: 'secret', bob: 'a:b:c' });
  try {
    parseUsersFile('alice:x\nbroken\n', 'u.txt');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, UsersFileError);
    assert.is((e as Error).message, 'u.txt:2: expected "user:password"');
  }
  assert.throws(() => parseUsersFile('a:1\na:2', 'u.txt'), /u\.txt:2: user "a" appears twice/);
});

test.run();
