"""slixmpp's own SASL mechanisms (slixmpp.util.sasl) as a client of ours.

Usage: scram_client.py MECHANISM USERNAME PASSWORD [CHANNEL_BINDING_HEX]
Writes each message it sends as a base64 line on stdout; reads each server
message as a base64 line on stdin. Prints 'ok' when the exchange completed
(slixmpp verified the server's signature), or 'failed: <why>'.
"""
import base64
import sys

from slixmpp.util.sasl.client import MECHANISMS, SASLCancelled, SASLFailed, SASLMutualAuthFailed

name, username, password = sys.argv[1:4]
binding = bytes.fromhex(sys.argv[4]) if len(sys.argv) > 4 else b''
credentials = {'username': username.encode(), 'password': password.encode(), 'authzid': b'', 'channel_binding': binding}
mech = MECHANISMS[name](name, credentials, {'encrypted': True, 'unencrypted_scram': True})


def send(data: bytes) -> None:
    print(base64.b64encode(data).decode(), flush=True)


try:
    send(mech.process())
    for _ in range(2):
        line = sys.stdin.readline()
        if not line:
            print('failed: the server closed', flush=True)
            sys.exit(0)
        reply = mech.process(base64.b64decode(line.strip()))
        if mech.step == 2 and reply:
            send(reply)
    print('ok', flush=True)
except (SASLCancelled, SASLFailed, SASLMutualAuthFailed) as e:
    print('failed: %s %s' % (type(e).__name__, e), flush=True)
