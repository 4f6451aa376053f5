/**
 * A message's meaning as plain data, for comparing a message with its
 * serialization parsed again: start line, every header field with its
 * typed value where the syntax layer knows the field, the body octets.
 */
import {
  parseVia, formatVia, parseAddress, formatAddress, parseUri, formatUri, parseCSeq, splitList, LIST_HEADERS,
  type Message, type URI, type Address, type Via,
} from '../../../../reference/sip/syntax/index.ts';

const plainUri = (u: URI) => ({ ...u, params: [...u.params] });
const plainAddress = (a: Address) => ({ ...a, uri: plainUri(a.uri), params: [...a.params] });
const plainVia = (v: Via) => ({ ...v, params: [...v.params] });

export function semantic(m: Message): unknown {
  const start = m.type === 'request'
    ? { method: m.method, uri: plainUri(m.requestUri), version: m.version }
    : { status: m.status, reason: m.reason, version: m.version };
  // Content-Length is the body's length, which is compared itself (serialize adds one when absent).
  const fields = m.headers.fields.filter((f) => f.key !== 'content-length').flatMap((f) => {
    const values = LIST_HEADERS.has(f.key) ? splitList(f.value) : [f.value];
    return values.map((v) => ({ key: f.key, value: typed(f.key, v) }));
  });
  return { start, fields, body: Buffer.from(m.body).toString('base64') };
}

function typed(key: string, v: string): unknown {
  switch (key) {
    case 'via': return plainVia(parseVia(v));
    case 'from': case 'to': case 'route': case 'record-route': return plainAddress(parseAddress(v));
    case 'contact': return v === '*' ? '*' : plainAddress(parseAddress(v));
    case 'cseq': return parseCSeq(v);
    case 'content-length': return Number(v);
    default: return v;
  }
}

/**
 * Every typed value reformatted and reparsed gives itself back: the
 * formatters write what the parsers read.
 */
export function reformatProblems(m: Message): string[] {
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (m.type === 'request' && !same(plainUri(parseUri(formatUri(m.requestUri))), plainUri(m.requestUri))) problems.push(`Request-URI ${formatUri(m.requestUri)}`);
  for (const f of m.headers.fields) {
    const values = LIST_HEADERS.has(f.key) ? splitList(f.value) : [f.value];
    for (const v of values) {
      if (f.key === 'via') {
        const a = parseVia(v);
        if (!same(plainVia(parseVia(formatVia(a))), plainVia(a))) problems.push(`Via ${v} → ${formatVia(a)}`);
      } else if (['from', 'to', 'route', 'record-route', 'contact'].includes(f.key) && v !== '*') {
        const a = parseAddress(v);
        if (!same(plainAddress(parseAddress(formatAddress(a))), plainAddress(a))) problems.push(`${f.name} ${v} → ${formatAddress(a)}`);
      }
    }
  }
  return problems;
}
