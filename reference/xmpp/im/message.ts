/**
 * Messages (RFC 6121 §5, and the delivery rules of §8.5): the types, the
 * child elements' rules, and which of a user's resources a message to the
 * user goes to.
 *
 * Offline messages: refused. A message for a user with no available
 * resource is answered with <service-unavailable/>, never stored: a server
 * that stores nothing it cannot deliver keeps its memory bounded by its
 * connections, and the sender learns at once that the message did not
 * arrive.
 *
 * @implements RFC6121 (XMPP IM)
 */
import { type XmlElement, isElement, childOf } from '../xml/index.ts';
import type { Jid } from '../jid/index.ts';
import type { StanzaProblem } from '../stanza/index.ts';

// @implements RFC6121 P71L42-P71L43
export const MESSAGE_TYPES = ['chat', 'error', 'groupchat', 'headline', 'normal'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The type a receiver acts on: "normal" when absent or not understood. */
// @implements RFC6121 P73L2-P73L5
export function messageType(m: XmlElement): MessageType {
  const t = m.attrs.type;
  return (MESSAGE_TYPES as readonly string[]).includes(t ?? '') ? (t as MessageType) : 'normal';
}

/** Character data only: no child element inside (the "no mixed content" rules). */
export function mixedContent(parent: XmlElement, name: string): string | undefined {
  for (const c of parent.children) if (isElement(c) && c.name === name && c.children.some(isElement)) return `<${name}/> holds an element: it MUST NOT contain mixed content`;
  return undefined;
}

const count = (e: XmlElement, name: string) => e.children.filter((c) => isElement(c) && c.name === name).length;

/** The rule a message a client sends breaks, or undefined. */
export function checkMessage(m: XmlElement): StanzaProblem | undefined {
  const t = m.attrs.type;
  // @implements RFC6121 P71L42-P71L43
  if (t !== undefined && !(MESSAGE_TYPES as readonly string[]).includes(t)) return { condition: 'bad-request', reason: `<message type='${t}'/>: the type MUST be one of ${MESSAGE_TYPES.join(', ')} (RFC 6121 §5.2.2)` };
  // @implements RFC6121 P74L13-P74L14, P75L17-P75L18, P76L29-P76L30
  for (const name of ['body', 'subject', 'thread']) {
    const mixed = mixedContent(m, name);
    if (mixed) return { condition: 'bad-request', reason: `${mixed} (RFC 6121 §5.2)` };
  }
  // @implements RFC6121 P75L35-P75L38
  if (count(m, 'thread') > 1) return { condition: 'bad-request', reason: 'a message with more than one <thread/> (RFC 6121 §5.2.5)' };
  const thread = childOf(m, 'thread');
  // @implements RFC6121 P75L42-P75L45
  if (thread?.attrs.parent !== undefined && thread.attrs.parent === thread.children.join('')) return { condition: 'bad-request', reason: "<thread parent='…'/> equal to the thread itself: it MUST be different (RFC 6121 §5.2.5)" };
  return undefined;
}

/**
 * A new ThreadID: a random UUID, unique and telling nothing about us (no
 * address, no clock). Compared only for equality, never parsed.
 */
// @implements RFC6121 P76L16-P76L27
export const newThreadId = (): string => crypto.randomUUID();

/** One of the user's resources as the server knows it. */
export interface Resource {
  resource: string;
  /** Initial presence sent and no unavailable since. */
  available: boolean;
  /** From its last available presence; 0 when none given. */
  priority: number;
}

/** What the server does with a message to one of its users. */
export type Delivery =
  | { deliver: string[] }
  | { refuse: 'service-unavailable'; reason: string }
  | { ignore: string };

/**
 * Where a message to `to` (one of our users, whose resources these are)
 * goes. To the bare JID: every available resource of non-negative priority
 * (we take the "all" choice wherever the RFC offers it); to a full JID: that
 * resource, or as above for "chat" and "normal" when it is not there.
 */
export function deliverMessage(m: XmlElement, to: Jid, resources: readonly Resource[]): Delivery {
  const type = messageType(m);
  // @implements RFC6121 P88L14-P88L15, P89L22-P89L23, P91L32-P91L33
  if (type === 'error') return { ignore: 'a message of type error is never delivered to another resource or answered' };
  if (to.resourcepart !== undefined) {
    const exact = resources.find((r) => r.resource === to.resourcepart);
    // @implements RFC6121 P90L11-P90L12, P90L25-P90L26
    // @implements RFC6120 P145L1-P145L4
    if (exact) return { deliver: [exact.resource] };
    // @implements RFC6121 P91L3-P91L6
    if (type !== 'chat') return { refuse: 'service-unavailable', reason: `no resource '${to.resourcepart}' for a ${type} message (RFC 6121 §8.5.3.2.1)` };
  }
  // @implements RFC6121 P87L46-P87L48, P89L19-P89L20
  if (type === 'groupchat') return { refuse: 'service-unavailable', reason: 'a groupchat message to a user is returned, never delivered (RFC 6121 §8.5.2.1.1)' };
  // @implements RFC6121 P88L17-P88L21, P91L20-P91L22, P91L24-P91L30
  // A chat to a full JID no resource holds gets here too, as if sent to the bare JID: the same "all" choice.
  const eligible = resources.filter((r) => r.available && r.priority >= 0).map((r) => r.resource);
  // @implements RFC6121 P87L15-P87L25, P87L34-P87L44, P88L6-P88L12, P72L31-P72L38
  if (eligible.length > 0) return { deliver: eligible };
  // @implements RFC6121 P88L3-P88L4
  if (type === 'headline') return { ignore: 'a headline for a user with no available resource of non-negative priority is dropped (RFC 6121 §8.5.2.1.1, §8.5.2.2.1)' };
  // @implements RFC6121 P89L15-P89L17, P87L10-P87L13, P87L29-P87L32, P91L10-P91L18
  // @implements RFC6120 P144L25-P144L29
  // Our choice of the two the RFC allows: (b) the error, never offline storage.
  return { refuse: 'service-unavailable', reason: `${to.bare} has no available resource (offline messages are not stored)` };
}
