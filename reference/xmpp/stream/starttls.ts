/**
 * STARTTLS (RFC 6120 §5): the feature, the elements, and the TLS upgrade of
 * the TCP socket on both sides with node:tls. The client verifies the
 * server's certificate as RFC 6125 says for XMPP: the reference identity is
 * the domain the client asked for ('to'), matched against the
 * certificate's DNS-IDs (node's checkServerIdentity; a CN only when there
 * is no subjectAltName).
 *
 * @implements RFC6120 (XMPP core)
 * @cites-obsoleted RFC6125: RFC 6120 checks a server's identity by the rules of RFC 6125, which it cites
 */
import { type Socket } from 'node:net';
import * as tls from 'node:tls';
import { type XmlElement, element, childOf } from '../xml/index.ts';

// @implements RFC6120 P73L11-P73L14
export const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** The <starttls/> feature, with <required/> when we insist. */
// @implements RFC6120 P73L11-P73L18
export function starttlsFeature(required: boolean): XmlElement {
  return element('starttls', { xmlns: TLS_NS }, required ? [element('required', {}, [], TLS_NS)] : [], TLS_NS);
}

/** What the features say of STARTTLS: not offered, offered, or required. */
// @implements RFC6120 P70L18-P70L21
export function starttlsOffer(features: XmlElement): 'absent' | 'offered' | 'required' {
  const f = childOf(features, 'starttls', TLS_NS);
  if (!f) return 'absent';
  const onlyFeature = features.children.filter((c) => typeof c !== 'string').length === 1;
  return childOf(f, 'required', TLS_NS) || onlyFeature ? 'required' : 'offered';
}

// @implements RFC6120 P70L35-P70L41
// The three elements are built without whitespace, and the serializer adds none.
export const starttls = () => element('starttls', { xmlns: TLS_NS }, [], TLS_NS);
// @implements RFC6120 P73L38-P73L40, P74L25-P74L27
export const proceed = () => element('proceed', { xmlns: TLS_NS }, [], TLS_NS);
// @implements RFC6120 P73L44-P73L47
export const tlsFailure = () => element('failure', { xmlns: TLS_NS }, [], TLS_NS);

export interface ClientTlsOptions {
  /** The reference identity: the domain in the initial header's 'to'. */
  domain: string;
  /** PEM of the CAs to trust instead of the system's (a test CA). */
  ca?: Buffer | string;
  /** Accept any certificate. Loudly: `warn` is called with why this is dangerous. */
  insecure?: boolean;
  warn?: (message: string) => void;
}

/** A TLS negotiation that did not succeed; the TCP connection is closed, without a closing stream tag. */
export class TlsNegotiationFailed extends Error {}

/**
 * The initiating entity's TLS handshake over the socket after <proceed/>,
 * verifying the server's certificate for `domain`.
 */
// @implements RFC6120 P74L45-P74L46, P75L23-P75L26, P75L33-P75L36
export async function clientTls(socket: Socket, o: ClientTlsOptions): Promise<tls.TLSSocket> {
  if (o.insecure) (o.warn ?? ((m) => process.stderr.write(`${m}\n`)))(`WARNING: --insecure: the server's certificate is NOT verified; anyone on the path can read and change this session, and learn enough to attack the password (RFC 6120 §5.4.3.1, §13.7.2)`);
  const secure = tls.connect({
    socket,
    servername: o.domain,
    ...(o.ca !== undefined && { ca: o.ca }),
    rejectUnauthorized: !o.insecure,
    minVersion: 'TLSv1.2',
    // @implements RFC6125 P27L12-P27L18, P28L18-P28L21
    checkServerIdentity: (_host, cert) => (o.insecure ? undefined : tls.checkServerIdentity(o.domain, cert)),
  });
  return handshake(secure, `TLS with ${o.domain}`, 'secureConnect');
}

// @exception RFC6120 P72L5-P72L7, P72L15-P72L20: we support no TLS renegotiation (disabled on every socket; TLS 1.3 has none)
// @exception RFC6120 P75L28-P75L31: the server requests no client certificate, so none is presented to validate (clients authenticate with SASL)

export interface ServerTlsOptions {
  cert: Buffer | string;
  key: Buffer | string;
}

/** One TLS context per server's certificate and key, made on the first handshake: making one parses the PEM again (~10 ms a connection). */
const contexts = new WeakMap<ServerTlsOptions, tls.SecureContext>();
function secureContextOf(o: ServerTlsOptions): tls.SecureContext {
  let context = contexts.get(o);
  if (!context) contexts.set(o, (context = tls.createSecureContext({ cert: o.cert, key: o.key, minVersion: 'TLSv1.2' })));
  return context;
}

/** The receiving entity's TLS handshake over the socket after it sent <proceed/>; it presents its certificate. */
// @implements RFC6120 P74L31-P74L33, P75L6-P75L8
export async function serverTls(socket: Socket, o: ServerTlsOptions): Promise<tls.TLSSocket> {
  const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: secureContextOf(o) });
  return handshake(secure, 'TLS with the client', 'secure');
}

// @implements RFC6120 P75L44-P75L45, P76L1-P76L3
// A failed handshake ends the TCP connection, with no </stream> (the failure is TLS's, not XMPP's).
function handshake(secure: tls.TLSSocket, what: string, done: 'secure' | 'secureConnect'): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // @implements RFC6120 P72L9-P72L13
    // We do not renegotiate: an attempt is an 'error' on the socket, which node then destroys, with no stream error.
    secure.disableRenegotiation();
    const fail = (e: Error) => {
      secure.destroy();
      reject(new TlsNegotiationFailed(`${what} failed: ${e.message} (RFC 6120 §5.4.3.2)`));
    };
    secure.once('error', fail);
    secure.once(done, () => {
      secure.off('error', fail);
      resolve(secure);
    });
  });
}
