/**
 * The RTP/RTCP port pairs a `uas` gives its calls, one pair per call with
 * media: from `--port` upward in steps of 2 (RTP even, RTCP the odd one
 * above, RFC 3550 §11), or any free pair when no `--port` is given; at
 * most `max` at once (memory and ports bounded), each back on BYE. Near
 * the top of the port space the range is what fits below 65536.
 * Plumbing: the binding is rtp/commands/sockets.ts's.
 */
import { bindAnyPair, bindPair, BindError, type SocketPair } from '../../rtp/commands/sockets.ts';

/** Calls with media a uas runs at once, when not told otherwise. */
export const MAX_MEDIA_CALLS = 32;

export class PortPairs {
  readonly #taken = new Set<number>();

  constructor(
    readonly host: string,
    /** The first RTP port (even); undefined: any free pair. */
    readonly first: number | undefined,
    readonly max = MAX_MEDIA_CALLS,
  ) {
    if (first !== undefined && (first % 2 !== 0 || first < 2 || first > 65534)) throw new RangeError(`port pairs from ${first}: the first RTP port is even, from 2 to 65534 (RTCP takes the one above)`);
  }

  /** A free pair, bound; a BindError when `max` are out already or none of the range binds. */
  async take(): Promise<SocketPair> {
    if (this.#taken.size >= this.max) throw new BindError(`${this.max} calls have media already (one RTP/RTCP port pair each)`);
    if (this.first === undefined) return this.#hold(await bindAnyPair(this.host));
    // The range ends at the last even port below 65535 when `max` pairs would not fit under it.
    const last = Math.min(this.first + 2 * (this.max - 1), 65534);
    for (let port = this.first; port <= last; port += 2) {
      if (this.#taken.has(port)) continue;
      // A port something else holds is skipped, not fatal: the next pair may be free.
      const pair = await bindPair({ host: this.host, port }).catch(() => undefined);
      if (pair) return this.#hold(pair);
    }
    throw new BindError(`no free RTP/RTCP port pair on ${this.host} from ${this.first} to ${last + 1}`);
  }

  #hold(pair: SocketPair): SocketPair {
    this.#taken.add(pair.port);
    return pair;
  }

  /** The pair of `port` is free again (its sockets closed by whoever had it). */
  release(port: number): void {
    this.#taken.delete(port);
  }
}
