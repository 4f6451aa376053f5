/**
 * The `offer` and `answer` commands of `npm run sdp`: RFC 3264 offer/answer
 * (reference/sdp/offerAnswer/) on the command line.
 *
 *   offer [--codecs PCMU,PCMA,telephone-event] [--address IP] [--port N] [--direction D] [--json]
 *       prints an offer of one audio stream (§5)
 *   answer OFFER [--codecs …] [--address IP] [--port N] [--direction D] [--order offer|local] [--json]
 *       prints the answer to the offer in the file OFFER (- for stdin) (§6), or why there is none:
 *       exit 1, the status a SIP UA would answer with (488 and its Warning, or 400) on stderr
 *
 * It also holds what reading a description takes (readInput, printWarnings),
 * which cli.ts's parse shares: cli.ts imports this file, so they live here,
 * not there, and no import goes back to cli.ts.
 */
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs';
import { isIP } from 'node:net';
import { UsageError, type Command } from '../../tools/command.ts';
import type { Direction, SessionDescription } from './description/types.ts';
import { DEFAULT_MAX_BYTES, parse } from './description/parse.ts';
import { serialize } from './description/serialize.ts';
import { SdpError, type SdpWarning } from './description/errors.ts';
import { audioCapabilities, codecsFromNames, createAnswer, createOffer, localAddressProblem, type Capabilities } from './offerAnswer/index.ts';

const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

const localOptions = {
  codecs: { type: 'string' },
  address: { type: 'string' },
  port: { type: 'string' },
  direction: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const localUsage = `  --codecs      codecs in order of preference (default PCMU,PCMA,telephone-event): PCMU, PCMA, G722, GSM,
                G729, iLBC, opus, telephone-event, or NAME/rate[/channels]
  --address     the IP address media is received at (default 127.0.0.1)
  --port        the audio port (default 49170)
  --direction   sendrecv (default), sendonly, recvonly or inactive
  --json        the description as JSON (o= version as a string), with the negotiated streams for answer`;

/** The capabilities the options describe: one audio stream. */
function capabilities(values: Record<string, unknown>): Capabilities {
  const address = (values.address as string | undefined) ?? '127.0.0.1';
  if (isIP(address) === 0) throw new UsageError(`--address wants an IP address, got ${JSON.stringify(address)}`);
  const problem = localAddressProblem(address);
  if (problem) throw new UsageError(`--address: ${problem}`);
  const port = portOption(values) ?? 49170;
  const direction = (values.direction as string | undefined) ?? 'sendrecv';
  if (!(DIRECTIONS as readonly string[]).includes(direction)) throw new UsageError(`--direction wants one of ${DIRECTIONS.join(', ')}, got ${JSON.stringify(direction)}`);
  let codecs;
  try {
    codecs = codecsFromNames((values.codecs as string | undefined) ?? 'PCMU,PCMA,telephone-event');
  } catch (e) {
    throw new UsageError(`--codecs: ${(e as Error).message}`);
  }
  return audioCapabilities({ address, port, codecs, direction: direction as Direction });
}

/** --port: decimal digits only (not "", 0x10 or 1e3, which Number reads as 0, 16 and 1000), 0 to 65535. */
function portOption(values: Record<string, unknown>): number | undefined {
  const v = values.port as string | undefined;
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`--port wants a port number from 0 to 65535 in decimal digits, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** JSON with bigints (o= session version) as strings. */
const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';

export const offerCommand: Command = {
  summary: 'print an RFC 3264 offer of one audio stream',
  usage: `sdp offer [--codecs list] [--address IP] [--port N] [--direction D] [--json]\n${localUsage}`,
  options: localOptions,
  async run(values, positionals) {
    if (positionals.length > 0) throw new UsageError(`offer takes no file (got ${positionals.join(' ')})`);
    const offer = createOffer(capabilities(values));
    process.stdout.write(values.json ? json(offer) : serialize(offer));
    return 0;
  },
};

export const answerCommand: Command = {
  summary: 'answer an SDP offer (RFC 3264 §6), or say why no answer is possible',
  usage: `sdp answer <offer-file|-> [--codecs list] [--address IP] [--port N] [--direction D] [--order offer|local] [--lenient] [--json]
${localUsage}
  --lenient     accept an offer with fields out of order or an empty s= (with a warning), as older examples have them
  --order       the answer's formats in the offer's order (default, as RFC 3264 §6.1 recommends) or in --codecs order
exit 1 when the offer does not parse (file:line:col: the rule) or no answer is possible (the SIP status on stderr)`,
  options: { ...localOptions, order: { type: 'string' }, lenient: { type: 'boolean' } },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError('answer takes one offer file (or - for stdin)');
    const file = positionals[0]!;
    const name = file === '-' ? '<stdin>' : file;
    const order = (values.order as string | undefined) ?? 'offer';
    if (order !== 'offer' && order !== 'local') throw new UsageError(`--order wants offer or local, got ${JSON.stringify(order)}`);
    const local = { ...capabilities(values), order: order as 'offer' | 'local' };
    let offer: SessionDescription;
    try {
      const parsed = parse(await readInput(file), { lenient: values.lenient === true });
      printWarnings(name, parsed.warnings);
      offer = parsed.description;
    } catch (e) {
      if (!(e instanceof SdpError)) throw e;
      process.stderr.write(`${name}:${e.line}:${e.col}: error: ${e.message}\n  no answer: a SIP UA answers 400 Bad Request\n`);
      return 1;
    }
    const result = createAnswer(offer, local);
    if (!result.ok) {
      const status = result.status === 488 ? `488 Not Acceptable Here, Warning: ${result.warning.code} "${result.warning.text}"` : `400 Bad Request (${result.rule})`;
      if (values.json) process.stdout.write(json(result));
      process.stderr.write(`${name}: no answer: ${result.reason}\n  a SIP UA answers ${status}\n`);
      return 1;
    }
    process.stdout.write(values.json ? json({ answer: result.answer, streams: result.streams }) : serialize(result.answer));
    return 0;
  },
};

/**
 * The input's octets: a file, or stdin for `-`. At most `maxBytes` (the
 * parser's limit) are kept: a regular file larger than that is refused by
 * its size before a byte is read, anything else (a pipe, a FIFO, a device
 * such as /dev/zero) as soon as one octet more arrives. Either way an
 * SdpError at 1:1, as the parser's own limit is.
 */
export async function readInput(name: string, maxBytes = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
  let fd: number;
  try {
    fd = name === '-' ? 0 : openSync(name, 'r');
  } catch (e) {
    throw new UsageError(`cannot read ${name}: ${(e as Error).message}`);
  }
  const stat = fstatSync(fd);
  if (stat.isFile() && stat.size > maxBytes) {
    if (fd !== 0) closeSync(fd);
    throw new SdpError('limit', `the description is ${stat.size} octets, more than the ${maxBytes} accepted`, 1, 1);
  }
  const stream = fd === 0 ? process.stdin : createReadStream('', { fd, highWaterMark: 64 * 1024 });
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) break;
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    throw new UsageError(`cannot read ${name}: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (total > maxBytes) throw new SdpError('limit', `the description is more than the ${maxBytes} octets accepted (reading stopped there)`, 1, 1);
  return Buffer.concat(chunks);
}

/** Warnings as diagnostics on stderr: `file:line:col: warning: rule: message`. */
export function printWarnings(name: string, warnings: readonly SdpWarning[]): void {
  for (const w of warnings) process.stderr.write(`${name}:${w.line}:${w.col}: warning: ${w.rule}: ${w.message}\n`);
}
