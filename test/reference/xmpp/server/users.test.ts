/**
 * The users file (reference/xmpp/server/users.ts): lines made by userLine
 * hold SCRAM credentials only, are read back, and log in (SCRAM and PLAIN
 * through the same credentials); a bad line is named by file and line.
 * And a server without a certificate never offers PLAIN.
 */
import { connect } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsersFileError, XmppServer, accountsOf, parseUsers, userLine } from '../../../../reference/xmpp/server/index.ts';

const test = suite('xmpp server: the users file, and PLAIN only over TLS');

test('a line made from a password holds no password, is read back, and checks that password (PLAIN) and no other', () => {
  const line = userLine('Juliet', 'r0m30myr0m30');
  assert.ok(line.startsWith('juliet SCRAM-SHA-1$4096:'), line);
  assert.not.ok(line.includes('r0m30myr0m30'));
  const users = parseUsers(`# comment\n\n${line}\n`);
  assert.equal([...users.keys()], ['juliet']);
  const accounts = accountsOf(users);
  assert.ok(accounts.plain('juliet', 'r0m30myr0m30'));
  assert.not.ok(accounts.plain('juliet', 'r0m30myr0m31'));
  assert.not.ok(accounts.plain('romeo', 'r0m30myr0m30'));
  assert.is(accounts.scram('juliet', 'SHA-256')?.iterations, 4096);
  assert.is(accounts.scram('romeo', 'SHA-256'), undefined);
});

test('bad lines: named by file and line, and what is wrong', () => {
  const good = userLine('romeo', 'pw');
  const cases: [string, RegExp][] = [
    ['mallory:secret', /users:2: 'mallory:secret' is not a JID localpart/],
    ['Romeo SCRAM-SHA-1$1:AA==$AA==:AA==', /not in its enforced form 'romeo'/],
    [`${good}\n${good}`, /users:3: 'romeo' appears twice/],
    ['nurse SCRAM-SHA-1$4096:c2FsdA==$AAAA:AAAA', /users:2: the SHA-1 keys must be 20 octets/],
    [good.split(' ').slice(0, 2).join(' '), /users:2: no SCRAM-SHA-256 credentials for 'romeo'/],
    ['nurse plaintext', /users:2: 'plaintext' is not SCRAM-/],
  ];
  for (const [text, why] of cases) {
    try {
      parseUsers(`# header\n${text}\n`);
      assert.unreachable(`accepted ${text}`);
    } catch (e) {
      assert.instance(e, UsersFileError);
      assert.match((e as Error).message, why);
    }
  }
});

// @tests RFC6120 P71L3-P71L9
test('without TLS (no certificate) the server offers SCRAM only: PLAIN is never offered in the clear', async () => {
  const server = new XmppServer({ domain: 'localhost', users: parseUsers(userLine('juliet', 'pw')) });
  const port = await server.listen(0);
  try {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.write("<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
    for (let i = 0; i < 100 && !text.includes('</stream:features>'); i++) await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    assert.match(text, /<mechanism>SCRAM-SHA-256<\/mechanism>/);
    assert.not.match(text, /PLAIN/);
    assert.not.match(text, /-PLUS/);
  } finally {
    await server.close();
  }
});

test.run();
