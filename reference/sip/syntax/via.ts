/**
 * The Via header field (RFC 3261 §20.42, grammar §25.1) with the rport
 * parameter of RFC 3581 §3: where a request has been and where its
 * responses go back.
 *
 * @implements RFC3261 (SIP)
 * @implements RFC3581 (rport)
 */
import { Scanner, IPCHAR, TOKEN, isIn } from './grammar.ts';
import { genValue, isTokenValue, formatParams, paramValue, type Params } from './params.ts';

/** What begins every branch an RFC 3261 element makes up, telling it from an RFC 2543 branch (§8.1.1.7). */
// @implements RFC3261 P39L43-P39L45
export const MAGIC_COOKIE = 'z9hG4bK';

// @implements RFC3261 P179L44-P179L48
export class Via {
  constructor(
    /** protocol-name, "SIP" for SIP. */
    public protocolName: string,
    /** protocol-version, "2.0". */
    public protocolVersion: string,
    /** transport token, upper-cased: UDP, TCP, TLS, SCTP or another token. */
    public transport: string,
    /** sent-by host (an IPv6 reference keeps its brackets). */
    public host: string,
    /** sent-by port, undefined when absent. */
    public port: number | undefined,
    /** via-params in order: lowercased names, values as written (null for a flag). */
    public params: Params = new Map(),
  ) {}

  get protocol(): string {
    return `${this.protocolName}/${this.protocolVersion}`;
  }
  get sentBy(): { host: string; port: number | undefined } {
    return { host: this.host, port: this.port };
  }
  // @implements RFC3261 P232L3-P232L10
  get branch(): string | undefined {
    return paramValue(this.params, 'branch');
  }
  set branch(v: string | undefined) {
    this.setParam('branch', v);
  }
  get received(): string | undefined {
    return paramValue(this.params, 'received');
  }
  set received(v: string | undefined) {
    this.setParam('received', v);
  }
  get maddr(): string | undefined {
    return paramValue(this.params, 'maddr');
  }
  get ttl(): number | undefined {
    const v = paramValue(this.params, 'ttl');
    return v === undefined ? undefined : Number(v);
  }
  /**
   * rport: undefined when absent, true when present without a value (a
   * request asking for it), the port number when filled in.
   */
  // @implements RFC3581 P5L5
  get rport(): number | true | undefined {
    const v = this.params.get('rport');
    if (v === undefined) return undefined;
    return v === null ? true : Number(v);
  }
  set rport(v: number | true | undefined) {
    if (v === undefined) this.params.delete('rport');
    else this.params.set('rport', v === true ? null : String(v));
  }

  private setParam(name: string, v: string | undefined): void {
    if (v === undefined) this.params.delete(name);
    else this.params.set(name, v);
  }
}

/**
 * via-parm = sent-protocol LWS sent-by *( SEMI via-params ), from the cursor.
 */
// @implements RFC3261 P232L1-P232L2, P232L11-P232L17
export function parseViaAt(s: Scanner): Via {
  s.sws();
  // @implements RFC3261 P232L11-P232L16
  const name = s.token('the protocol name of Via');
  s.expectSep('/', 'after the protocol name of Via');
  const version = s.token('the protocol version of Via');
  s.expectSep('/', 'after the protocol version of Via');
  const transport = s.upperToken('the transport of Via');
  s.lws('between the sent-protocol and sent-by of Via');
  // @implements RFC3261 P232L17
  const host = s.host('the sent-by host of Via');
  let port: number | undefined;
  if (s.sep(':')) port = s.port('the sent-by port of Via');
  // @implements RFC3261 P232L2-P232L10
  const params: Params = new Map();
  while (s.sep(';')) {
    const at = s.pos;
    const pname = s.token('a Via parameter name').toLowerCase();
    let value: string | null = null;
    if (s.sep('=')) value = pname === 'received' ? receivedValue(s) : genValue(s, pname, 'Via');
    checkViaParam(s, pname, value);
    // @implements RFC3261 P32L1-P32L3
    if (params.has(pname)) s.fail(`parameter ${pname} appears twice in Via`, s.rule, at);
    params.set(pname, value);
  }
  return new Via(name, version, transport, host, port, params);
}


/**
 * A bare IPv6address holds colons, which a gen-value cannot: read the address
 * characters first, then anything token-like after them, so that a host name
 * is reported whole by checkViaParam.
 */
// @implements RFC3261 P232L8
function receivedValue(s: Scanner): string {
  const ip = s.run(IPCHAR);
  return isIn(TOKEN, s.peek()) ? ip + genValue(s, 'received', 'Via') : ip;
}

/** The via-params whose values the grammar constrains. */
function checkViaParam(s: Scanner, name: string, value: string | null): void {
  switch (name) {
    // @implements RFC3261 P232L6, P232L18
    case 'ttl':
      if (value === null || !/^\d{1,3}$/.test(value) || Number(value) > 255) s.fail(`Via ttl must be 0 to 255, found ${JSON.stringify(value)}`);
      return;
    // @implements RFC3261 P232L8
    case 'received':
      if (value === null || !/^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|\[[0-9A-Fa-f:.]+\])$/.test(value)) s.fail(`Via received must be an IP address, found ${JSON.stringify(value)}`);
      return;
    // @implements RFC3261 P232L9
    case 'branch':
      if (value === null || !isTokenValue(value)) s.fail('Via branch must be a token');
      return;
    // @implements RFC3581 P5L5, P5L10-P5L12
    case 'rport':
      if (value !== null && (!/^\d{1,5}$/.test(value) || Number(value) > 65535)) s.fail(`Via rport must be empty or a port, found ${JSON.stringify(value)}`);
      return;
  }
}

/** One Via value (a single via-parm), e.g. from `vias(message)[0]`. */
export function parseVia(value: string): Via {
  const s = new Scanner(value, 'Via');
  const v = parseViaAt(s);
  s.end('Via');
  return v;
}

/** A via-parm as text. */
export function formatVia(v: Via): string {
  return `${v.protocolName}/${v.protocolVersion}/${v.transport} ${v.host}${v.port === undefined ? '' : ':' + v.port}${formatParams(v.params)}`;
}
