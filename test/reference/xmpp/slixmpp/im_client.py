"""A slixmpp client (slixmpp.ClientXMPP) of our XMPP server, for the tests.

Usage: im_client.py JID PASSWORD HOST PORT CAFILE CONTACT [MAX_TLS]
Logs in (STARTTLS, verifying the server's certificate against CAFILE for
the JID's domain; SASL as slixmpp chooses), fetches its roster, sends
available presence and a subscription request to CONTACT, and answers
each chat message with 're: ' and its body. Each thing it sees is a JSON
line on stdout ({"event": ...}); it disconnects when stdin closes, or
after 30 seconds. MAX_TLS 'TLSv1_2' caps the TLS version (slixmpp binds
SCRAM-PLUS with tls-unique, which TLS 1.3 does not define). slixmpp's own
debug log, with every element sent and received, goes to stderr.
"""
import asyncio
import json
import logging
import ssl
import sys

from slixmpp import ClientXMPP

jid, password, host, port, cafile, contact = sys.argv[1:7]
max_tls = sys.argv[7] if len(sys.argv) > 7 else None
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)


def out(**kw):
    print(json.dumps(kw), flush=True)


class Client(ClientXMPP):
    def __init__(self):
        super().__init__(jid, password)
        self.ca_certs = cafile
        if max_tls:
            self.ssl_context.maximum_version = getattr(ssl.TLSVersion, max_tls)
        self.add_event_handler('session_start', self.start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('presence_subscribed', lambda p: out(event='subscribed', frm=str(p['from'])))
        self.add_event_handler('presence_available', lambda p: out(event='available', frm=str(p['from'])))
        self.add_event_handler('failed_auth', lambda *_: out(event='failed_auth'))
        self.add_event_handler('disconnected', lambda *_: out(event='disconnected'))

    async def start(self, _):
        out(event='session', jid=str(self.boundjid))
        await self.get_roster()
        out(event='roster', items={str(j): self.client_roster[j]['subscription'] for j in self.client_roster})
        self.send_presence()
        self.send_presence_subscription(pto=contact)
        out(event='subscribe-sent', to=contact)

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal'):
            out(event='message', frm=str(msg['from']), body=msg['body'])
            msg.reply('re: ' + msg['body']).send()


async def main():
    c = Client()
    c.connect(address=(host, int(port)), force_starttls=True)
    loop = asyncio.get_event_loop()
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    await asyncio.wait([asyncio.ensure_future(stdin_closed), asyncio.ensure_future(asyncio.sleep(30))], return_when=asyncio.FIRST_COMPLETED)
    c.disconnect()
    await asyncio.wait_for(c.disconnected, 5)


asyncio.get_event_loop().run_until_complete(main())
