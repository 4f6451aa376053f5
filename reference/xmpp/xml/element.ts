/**
 * The small element tree a reader gives for each first-level element of
 * the stream (a stanza, features, a SASL or TLS negotiation element), and
 * its serializer, escaping as RFC 6120 §11 allows: the five predefined
 * entities, nothing else, and never a comment, PI or DTD.
 *
 * @implements RFC6120 (XMPP core)
 */

export interface XmlElement {
  /** The local name. */
  name: string;
  /** The prefix as written, '' for none. */
  prefix: string;
  /** The namespace name the element is qualified by, '' for none. */
  ns: string;
  /** The attributes as written, by qualified name, namespace declarations included. */
  attrs: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

export const isElement = (n: XmlNode): n is XmlElement => typeof n !== 'string';

/** The qualified name as written. */
export const qname = (e: Pick<XmlElement, 'name' | 'prefix'>) => (e.prefix ? `${e.prefix}:${e.name}` : e.name);

/** The character data directly inside the element. */
export function textOf(e: XmlElement): string {
  return e.children.filter((c): c is string => typeof c === 'string').join('');
}

/** The first child element with this local name (and namespace, when given). */
export function childOf(e: XmlElement, name: string, ns?: string): XmlElement | undefined {
  return e.children.find((c): c is XmlElement => isElement(c) && c.name === name && (ns === undefined || c.ns === ns));
}

/** A new element, for building what to send. */
export function element(name: string, attrs: Record<string, string> = {}, children: XmlNode[] = [], ns = attrs.xmlns ?? ''): XmlElement {
  const colon = name.indexOf(':');
  return { name: colon < 0 ? name : name.slice(colon + 1), prefix: colon < 0 ? '' : name.slice(0, colon), ns, attrs, children };
}

// XML 1.0 Char: a code point a well-formed document may hold.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Character data escaped: '&', '<' and '>' (the last so that "]]>" can never appear). */
// @implements RFC6120 P145L38-P145L39
export function escapeText(s: string): string {
  refuseNonChar(s);
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value escaped for single quotes, which is how we write them. */
// @implements RFC6120 P145L38-P145L39
export function escapeAttribute(s: string): string {
  refuseNonChar(s);
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

// @implements RFC6120 P146L24-P146L25
function refuseNonChar(s: string): void {
  const m = NOT_XML_CHAR.exec(s);
  if (m) throw new Error(`RFC6120 §11.3: U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${m.index} cannot be sent: XML 1.0 has no such character, and a stream MUST NOT carry data that is not well-formed`);
}

/** The start tag, `<name attr='value' ...>`: what a stream header is. */
// @implements RFC6120 P147L46-P148L1
// What we write starts with '<': never a byte order mark.
export function openTag(e: XmlElement): string {
  const attrs = Object.entries(e.attrs).map(([k, v]) => ` ${k}='${escapeAttribute(v)}'`).join('');
  return `<${qname(e)}${attrs}>`;
}

/**
 * The element as XML text: empty elements as `<x/>`. Iterative, so that
 * depth is not bounded by the call stack. `inScope` names the prefixes the
 * context declares (a stanza's `stream`, from the stream header); any other
 * prefix must be declared on the element or an ancestor.
 */
// @implements RFC6120 P146L24-P146L25
export function serialize(root: XmlElement, inScope: readonly string[] = []): string {
  const out: string[] = [];
  const stack: (XmlNode | { close: string })[] = [root];
  let scope = new Set(['xml', ...inScope]);
  const scopes: Set<string>[] = [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    // @implements RFC6120 P145L38-P145L39
    // Only tags and escaped character data are written: never a comment, PI, DTD or entity reference.
    if (typeof n === 'string') out.push(escapeText(n));
    else if ('close' in n) {
      out.push(n.close);
      scope = scopes.pop()!;
    } else {
      const own = declaredPrefixes(n, scope);
      if (n.children.length === 0) out.push(`${openTag(n).slice(0, -1)}/>`);
      else {
        out.push(openTag(n));
        scopes.push(scope);
        scope = own;
        stack.push({ close: `</${qname(n)}>` });
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
      }
    }
  }
  return out.join('');
}

/** The prefixes in scope inside `e`; throws on a prefix `e` uses that nothing declares. */
// @implements RFC6120 P146L31-P146L32
function declaredPrefixes(e: XmlElement, outer: Set<string>): Set<string> {
  const names = Object.keys(e.attrs);
  const declared = names.filter((a) => a.startsWith('xmlns:')).map((a) => a.slice(6));
  const scope = declared.length ? new Set([...outer, ...declared]) : outer;
  const used = [e.prefix, ...names.filter((a) => a.includes(':') && !a.startsWith('xmlns:')).map((a) => a.slice(0, a.indexOf(':')))];
  for (const p of used)
    if (p && !scope.has(p)) throw new Error(`RFC6120 §11.3: <${qname(e)}> uses the prefix '${p}', which no enclosing element declares: a stream MUST NOT carry data that is not namespace-well-formed`);
  return scope;
}
