"""A slixmpp client (slixmpp.ClientXMPP) of our XMPP server, for the tests.

Usage: im_client.py JID PASSWORD HOST PORT CAFILE [--subscribe CONTACT] [--reply] [--max-tls TLSv1_2]

Logs in (STARTTLS, verifying the server's certificate against CAFILE for
the JID's domain; SASL as slixmpp chooses), fetches its roster and sends
available presence; with --subscribe, a subscription request to CONTACT;
with --reply, it answers each chat message with 're: ' and its body. Each
line on stdin is a message to send, as JSON: {"to": JID, "body": TEXT}.
Each thing it sees is a JSON line on stdout ({"event": ...}); it
disconnects when stdin closes, or after 60 seconds. --max-tls TLSv1_2 caps
the TLS version (slixmpp binds SCRAM-PLUS with tls-unique, which TLS 1.3
does not define). slixmpp's own debug log, with every element sent and
received, goes to stderr.
"""
import argparse
import asyncio
import json
import logging
import ssl
import sys

from slixmpp import ClientXMPP

parser = argparse.ArgumentParser()
for name in ('jid', 'password', 'host', 'port', 'cafile'):
    parser.add_argument(name)
parser.add_argument('--subscribe')
parser.add_argument('--reply', action='store_true')
parser.add_argument('--max-tls')
args = parser.parse_args()
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)


def out(**kw):
    print(json.dumps(kw), flush=True)


class Client(ClientXMPP):
    def __init__(self):
        super().__init__(args.jid, args.password)
        self.ca_certs = args.cafile
        if args.max_tls:
            self.ssl_context.maximum_version = getattr(ssl.TLSVersion, args.max_tls)
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
        if args.subscribe:
            self.send_presence_subscription(pto=args.subscribe)
            out(event='subscribe-sent', to=args.subscribe)
        out(event='ready')

    def on_message(self, msg):
        if msg['type'] == 'error':
            out(event='error', frm=str(msg['from']), condition=msg['error']['condition'])
        elif msg['type'] in ('chat', 'normal'):
            out(event='message', frm=str(msg['from']), type=msg['type'], body=msg['body'], id=msg['id'])
            if args.reply:
                msg.reply('re: ' + msg['body']).send()


async def main():
    c = Client()
    c.connect(address=(args.host, int(args.port)), force_starttls=True)
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def commands():
        while line := await reader.readline():
            m = json.loads(line)
            c.send_message(mto=m['to'], mbody=m['body'], mtype='chat')
            out(event='sent', to=m['to'], body=m['body'])

    await asyncio.wait([asyncio.ensure_future(commands()), asyncio.ensure_future(asyncio.sleep(60))], return_when=asyncio.FIRST_COMPLETED)
    c.disconnect()
    await asyncio.wait_for(c.disconnected, 5)


asyncio.get_event_loop().run_until_complete(main())
