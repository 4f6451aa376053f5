/**
 * The mechanisms as the negotiation machines drive them: SCRAM (both
 * ends) and PLAIN (both ends) behind ServerMechanism and ClientMechanism.
 * The mechanism names carry the hash and the channel binding (RFC 5802
 * §4, RFC 7677 §3).
 *
 * @implements RFC5802 (SCRAM)
 */
import type { ChannelBinding } from './channelBinding.ts';
import { SaslCondition } from './conditions.ts';
import type { ClientMechanism, MechanismStep, ServerMechanism } from './negotiation.ts';
import { type PlainCredentials, PlainError, parsePlain, preparePlain, writePlain } from './plain.ts';
import { type ScramPrep, PRECIS_PREP } from './prep.ts';
import { ScramClient } from './scramClient.ts';
import type { ScramHash, StoredCredentials } from './scramCrypto.ts';
import { ScramServer } from './scramServer.ts';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** SCRAM-SHA-1, SCRAM-SHA-256-PLUS, ...: the hash and whether channel binding is used, or undefined for another name. */
// @implements RFC5802 P8L42-P9L5, P9L11-P9L14, RFC7677 P2L41-P2L44
export function parseScramName(name: string): { hash: ScramHash; plus: boolean } | undefined {
  const m = /^SCRAM-(SHA-1|SHA-256)(-PLUS)?$/.exec(name);
  return m ? { hash: m[1] as ScramHash, plus: m[2] !== undefined } : undefined;
}

export interface ServerAccounts {
  /** SCRAM's stored credentials of a user, by prepared username and hash. */
  scram(username: string, hash: ScramHash): StoredCredentials | undefined;
  /** PLAIN: whether the prepared password is the user's (servers keeping only SCRAM credentials check it through them). */
  plain(username: string, password: string): boolean;
}

// @exception RFC5802 P22L19-P22L35, RFC7677 P4L13-P4L27, P5L15-P5L31: IANA registrations, nothing to implement

/** The server side of a mechanism by name; undefined for a name we do not implement. */
export function serverMechanism(name: string, accounts: ServerAccounts, o: { channelBindings?: ChannelBinding[]; prep?: ScramPrep; /** SCRAM's s-nonce, to replay an RFC's exchange; default random */ nonce?: string } = {}): ServerMechanism | undefined {
  const scram = parseScramName(name);
  if (scram) {
    const server = new ScramServer({
      hash: scram.hash, plus: scram.plus, lookup: (u) => accounts.scram(u, scram.hash), ...(o.channelBindings ? { channelBindings: o.channelBindings } : {}), ...(o.prep ? { prep: o.prep } : {}), ...(o.nonce ? { nonce: o.nonce } : {}),
    });
    const step = (r: ReturnType<ScramServer['receiveClientFirst']>): MechanismStep => {
      if (!r.ok) return { failure: r.condition, reason: r.reason };
      // @implements RFC5802 P9L34-P9L36, RFC6120 P86L20-P86L24
      // The server-final-message is the additional data with success.
      if (server.state === 'Done') return { success: utf8.encode(r.message), authcid: server.authcid!, ...(server.authzid !== server.authcid ? { authzid: server.authzid! } : {}) };
      return { challenge: utf8.encode(r.message) };
    };
    return {
      // @implements RFC5802 P9L34-P9L36
      // Client-first: the client-first-message comes with <auth/>, or as the response to an empty challenge.
      start: (initial) => (initial === undefined || initial.length === 0 ? { challenge: new Uint8Array() } : step(server.receiveClientFirst(text.decode(initial)))),
      respond: (data) => step(server.state === 'Initial' ? server.receiveClientFirst(text.decode(data ?? new Uint8Array())) : server.receiveClientFinal(text.decode(data ?? new Uint8Array()))),
    };
  }
  // @implements RFC4616 P3L37-P3L42
  if (name === 'PLAIN') {
    const check = (data: Uint8Array | undefined): MechanismStep => {
      if (data === undefined || data.length === 0) return { challenge: new Uint8Array() };
      let c: PlainCredentials;
      try {
        c = parsePlain(data);
      } catch (e) {
        if (e instanceof PlainError) return { failure: SaslCondition.MalformedRequest, reason: e.message };
        throw e;
      }
      // @implements RFC4616 P3L44-P3L47
      const prepared = preparePlain(c, o.prep ?? PRECIS_PREP);
      // The same condition whether the user is unknown or the password wrong.
      if (!prepared.ok || !accounts.plain(prepared.credentials.authcid, prepared.credentials.passwd))
        return { failure: SaslCondition.NotAuthorized, reason: prepared.ok ? 'RFC4616 §2: the authcid and passwd do not verify' : prepared.reason };
      return { success: undefined, authcid: prepared.credentials.authcid, ...(c.authzid !== undefined ? { authzid: c.authzid } : {}) };
    };
    return { start: check, respond: check };
  }
  return undefined;
}

/** The client side of a mechanism by name; an authzid only when given (acting for another). */
// @implements RFC6120 P80L35-P80L41
export function clientMechanism(name: string, o: { username: string; password: string; authzid?: string; channelBinding?: ChannelBinding; prep?: ScramPrep; /** SCRAM's c-nonce, to replay an RFC's exchange */ nonce?: string; /** What the server offered: with a binding, a non-PLUS name then sends 'y' when no -PLUS was offered */ offered?: readonly string[] }): ClientMechanism {
  const scram = parseScramName(name);
  if (scram) {
    // @implements RFC5802 P14L35-P14L37
    if (scram.plus && !o.channelBinding) throw new Error(`RFC5802 §6: ${name} needs this connection's channel binding`);
    // @implements RFC5802 P14L30-P14L33
    // A client that can bind, where the server offers no -PLUS: 'y' (so a stripped offer is detected), never 'n'.
    const sayY = !scram.plus && o.channelBinding !== undefined && o.offered !== undefined && !o.offered.includes(`${name}-PLUS`);
    const client = new ScramClient({
      hash: scram.hash, username: o.username, password: o.password, serverOffersPlus: scram.plus,
      ...(scram.plus || sayY ? { channelBinding: o.channelBinding! } : {}), ...(o.authzid ? { authzid: o.authzid } : {}), ...(o.prep ? { prep: o.prep } : {}), ...(o.nonce ? { nonce: o.nonce } : {}),
    });
    // @implements RFC6120 P83L38-P83L40
    // SCRAM is client-first: the client-first-message is the initial response.
    return {
      initial: () => utf8.encode(client.clientFirst()),
      challenge: (data) => utf8.encode(client.receiveServerFirst(text.decode(data ?? new Uint8Array()))),
      success: (data) => client.receiveServerFinal(text.decode(data ?? new Uint8Array())),
    };
  }
  // @implements RFC4616 P2L39-P2L44
  if (name === 'PLAIN') {
    return {
      initial: () => writePlain({ authcid: o.username, passwd: o.password, ...(o.authzid ? { authzid: o.authzid } : {}) }),
      challenge: () => writePlain({ authcid: o.username, passwd: o.password }),
      success: () => undefined,
    };
  }
  throw new Error(`no client for mechanism '${name}'`);
}
