/**
 * What the server does with each stanza a bound client sends (RFC 6120
 * §8, §10): 'from' stamped with the sender's full JID; stanzas for the
 * server (no 'to', or our domain, or the user's own bare JID for an iq)
 * handled on the account's behalf: the roster; the rest given to
 * reference/xmpp/im, whose rules (RFC 6121 §2-§5, §8.5) say what goes to
 * which resource. This module holds only the server's part: the accounts
 * and their sessions, and sending what im/ returns to the sessions it names.
 *
 * @implements RFC6120 (XMPP core)
 */
import { type XmlElement, childOf } from '../xml/index.ts';
import { type Jid, checkJid } from '../jid/index.ts';
import { type StanzaCondition, addressee, checkIq, errorReply, fromServer, iqResult, payloadOf, stampFrom, withAttrs } from '../stanza/index.ts';
import { Account, type Outgoing, type Processed, ROSTER_NS, disconnected, fromResource, rosterGetFrom, rosterSetFrom } from '../im/index.ts';
import { type StreamConnection } from '../stream/index.ts';

/** A client's stream after binding: its full JID, and how to send on it. */
export interface Session {
  jid: Jid;
  connection: StreamConnection;
  send(stanza: XmlElement): void;
}

export class Router {
  /** Bound sessions by full JID. */
  private readonly bound = new Map<string, Session>();
  private readonly accounts = new Map<string, Account>();
  private readonly lookup = (bare: string): Account | undefined => this.account(bare);

  constructor(readonly domain: string, private readonly exists: (localpart: string) => boolean) {}

  add(s: Session): void {
    this.account(s.jid.bare.toString())!.presence.connect(s.jid.resourcepart!);
    this.bound.set(s.jid.toString(), s);
  }

  /** A session's end: out of the routing table, and unavailable presence sent for it if it was available. */
  // @implements RFC6121 P60L1-P60L4
  remove(s: Session): void {
    if (this.bound.get(s.jid.toString()) !== s) return;
    this.bound.delete(s.jid.toString());
    this.deliver(disconnected(this.account(s.jid.bare.toString())!, s.jid.resourcepart!, this.lookup));
  }

  // @implements RFC6120 P94L20-P94L21
  // A full JID names one session: the stream layer makes a fresh resourcepart when one is taken.
  session(full: Jid): Session | undefined {
    return this.bound.get(full.toString());
  }

  sessions(): Session[] {
    return [...this.bound.values()];
  }

  /** A local user's account (roster, presence, kept requests), made on first use and kept while the server runs; none for no such user. */
  // @implements RFC6121 P9L19-P9L20
  // Without versioning: the stream features do not advertise it (RFC 6121 §2.6.1).
  private account(bare: string): Account | undefined {
    let a = this.accounts.get(bare);
    if (a) return a;
    const j = checkJid(bare);
    if (!j.ok || j.jid.isFull || j.jid.domainpart !== this.domain || j.jid.localpart === undefined || !this.exists(j.jid.localpart)) return undefined;
    this.accounts.set(bare, (a = new Account(j.jid, undefined, false)));
    return a;
  }

  /**
   * A stanza from a bound client, processed whole (every stanza it makes
   * sent) before it returns: the server reads a stream's next element only
   * after that, so a roster change is in effect for the presence behind it.
   */
  // @implements RFC6120 P101L46-P102L5
  // @implements RFC6120 P138L26-P138L28, P139L28-P139L32
  // Synchronous on purpose: nothing here waits, so nothing read after this stanza can overtake it.
  fromClient(s: Session, raw: XmlElement): void {
    const stanza = stampFrom(raw, s.jid);
    const to = addressee(stanza);
    if ('problem' in to) return this.bounce(s, stanza, to.problem.condition, to.problem.reason);
    if (stanza.name === 'iq') {
      const problem = checkIq(stanza);
      if (problem) return this.bounce(s, stanza, problem.condition, problem.reason);
    }
    const user = this.account(s.jid.bare.toString())!;
    // @implements RFC6120 P141L7-P141L10
    // No 'to': a message as if to the user's bare JID, presence broadcast (im/), an iq for the server, each on the sender's behalf.
    // @implements RFC6120 P141L17-P141L19
    // As if: delivered as RFC 6121 §8.5.2 delivers to a bare JID, the stanza as it came (RFC 6120 §8.1.1.1: its 'to' not added).
    if (stanza.name === 'message' && !('to' in to)) return this.answer(s, stanza, fromResource(user, s.jid, stanza, s.jid.bare, this.lookup, this.domain));
    const target = 'to' in to ? to.to : undefined;
    // @implements RFC6120 P100L28-P100L32, P141L30-P141L32
    // Presence with no 'to' is the user's to broadcast (im/); an iq to the user's own bare JID is for the server, on the account's behalf.
    // @implements RFC6120 P143L17-P143L20, P143L21-P143L22
    // Our one domain is served by the server itself: <domainpart> and <domainpart/resourcepart> are the server's.
    // @exception RFC6120 P143L20-P143L21: no specialized local services (components) here, so no stanza is routed to one
    if (stanza.name !== 'presence' && (target === undefined || (target.localpart === undefined && target.domainpart === this.domain) || (stanza.name === 'iq' && !target.isFull && target.equals(s.jid.bare))))
      return this.forServer(s, user, stanza);
    this.answer(s, stanza, fromResource(user, s.jid, stanza, target, this.lookup, this.domain));
  }

  // @implements RFC6120 P109L1-P109L3
  private bounce(s: Session, stanza: XmlElement, condition: StanzaCondition, text?: string): void {
    if (stanza.attrs.type === 'error') return;
    s.send(errorReply(withAttrs(stanza, { to: stanza.attrs.to ?? this.domain }), condition, text === undefined ? {} : { text }));
  }

  /** What im/ made of a client's stanza: the error for the sender, or the stanzas to send. */
  private answer(s: Session, stanza: XmlElement, p: Processed): void {
    if ('error' in p) return this.bounce(s, stanza, p.error.condition, p.error.reason);
    this.deliver(p.send);
  }

  /** Each stanza to the session of the full JID it is for; one no longer bound is dropped (its stream is ending). */
  // @implements RFC6120 P138L41-P138L45
  // In the order given, on the one stream of each session: a stanza to the bare JID and one to the full JID queue alike.
  private deliver(out: Outgoing[]): void {
    for (const o of out) this.bound.get(o.to)?.send(o.stanza);
  }

  /** An iq or message for the server itself: an iq with no 'to' or to the user's bare JID, or either to our domain (with a resourcepart or not). */
  // @implements RFC6120 P143L30-P143L33, P143L37-P143L40
  private forServer(s: Session, user: Account, stanza: XmlElement): void {
    // (b) for a message: no service here takes one, so the sender is told (bounce() never answers one of type error).
    if (stanza.name !== 'iq') return this.bounce(s, stanza, 'service-unavailable', `no service at ${stanza.attrs.to} takes messages`);
    const type = stanza.attrs.type;
    // @implements RFC6120 P142L6-P142L10
    // The server's only requests to a client are roster pushes, whose result or error changes nothing: none is waited for.
    if (type === 'result' || type === 'error') return;
    // @implements RFC6121 P9L45-P9L48
    const query = childOf(stanza, 'query', ROSTER_NS);
    // @implements RFC6120 P142L1-P142L4
    if (!query || payloadOf(stanza) !== query) return this.bounce(s, stanza, 'service-unavailable', `no service for <${payloadOf(stanza)?.name}/> in '${payloadOf(stanza)?.ns}'`);
    // @implements RFC6120 P141L34-P141L37
    // Handled as if by the user's bare JID: the roster (§2.1.3 of RFC 6121), or its error.
    const r = type === 'get' ? rosterGetFrom(user, s.jid, stanza) : rosterSetFrom(user, s.jid, stanza, this.lookup, this.domain);
    if ('error' in r) return this.bounce(s, stanza, r.error.condition, r.error.reason);
    // The result first, then the pushes and presence the change made (RFC 6121 §2.3.2 orders neither).
    s.send(fromServer(iqResult(withAttrs(stanza, { to: undefined }), r.result), this.domain, s.jid));
    this.deliver(r.send);
  }
}
