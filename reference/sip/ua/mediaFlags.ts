/**
 * What the `uas` and `call` commands offer and answer with (RFC 3264), as
 * command-line options: the codecs, the address in o= and c=, the media
 * port. A bad value is a UsageError (exit 2) naming the option. Plumbing:
 * the rules are those of reference/sdp/offerAnswer/.
 */
import { isIP } from 'node:net';
import { UsageError } from '../../../tools/command.ts';
import { codecsFromNames, localAddressProblem } from '../../sdp/offerAnswer/index.ts';
import { DEFAULT_CODECS, type UserAgentOptions } from './userAgent.ts';

export const mediaOptions = {
  codecs: { type: 'string' },
  address: { type: 'string' },
  port: { type: 'string' },
  'media-port': { type: 'string' },
} as const;

export const mediaUsage = `  --codecs list  codecs offered and answered, in order of preference (default ${DEFAULT_CODECS}):
                 PCMU, PCMA, G722, GSM, G729, iLBC, opus, telephone-event, or NAME/rate[/channels]
  --address IP   the address in o= and c= (default the sent-by/listen address; give it when listening on 0.0.0.0)
  --port n       the audio port in m= (default 49170; --media-port is the same option)`;

/** The media options given, as UserAgentOptions.media (what is not given keeps the UA's default). */
export function mediaFlags(values: Record<string, unknown>): NonNullable<UserAgentOptions['media']> {
  const media: NonNullable<UserAgentOptions['media']> = {};
  if (values.codecs !== undefined) {
    try {
      media.codecs = codecsFromNames(values.codecs as string);
    } catch (error) {
      throw new UsageError(`--codecs: ${(error as Error).message}`);
    }
  }
  if (values.address !== undefined) {
    const address = values.address as string;
    if (isIP(address) === 0) throw new UsageError(`--address wants an IP address, got ${JSON.stringify(address)}`);
    const problem = mediaAddressProblem(address);
    if (problem !== undefined) throw new UsageError(`--address: ${problem}`);
    media.address = address;
  }
  if (values.port !== undefined && values['media-port'] !== undefined) throw new UsageError('--port and --media-port are the same option; give one');
  const name = values.port !== undefined ? 'port' : 'media-port';
  const given = values[name];
  if (given !== undefined) {
    // Decimal digits only (Number() would take '', 0x10 and 1e3); port 0 would decline every stream.
    const port = /^[0-9]{1,5}$/.test(given as string) ? Number(given) : NaN;
    if (!(port >= 1 && port <= 65535)) throw new UsageError(`--${name} wants a port number from 1 to 65535 (0 would decline every stream), got ${JSON.stringify(given)}`);
    media.port = port;
  }
  return media;
}

/**
 * Why an address cannot be the one our SDP says media goes to, if it cannot:
 * one o= cannot carry (multicast, a zone id), or the unspecified address,
 * which tells the peer to send nothing at all.
 */
export function mediaAddressProblem(address: string): string | undefined {
  if (address === '0.0.0.0' || address === '::') return `${address} is no address to receive media at: the peer would send none (give the host's own address)`;
  return localAddressProblem(address);
}

/** The address our SDP gives when --address is not: the sent-by or listen host, refused (naming --address) if it cannot be one. */
export function checkDefaultMediaAddress(host: string, from: string): void {
  const problem = mediaAddressProblem(host);
  if (problem !== undefined) throw new UsageError(`the ${from} address ${host} is what o= and c= would say, and ${problem}: give --address`);
}
