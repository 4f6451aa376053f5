#!/usr/bin/env -S node --import tsx
/**
 * The SDP reference implementation's command line: `npm run sdp -- <command>`.
 * Each command is one entry of COMMANDS; offer/answer adds its own there
 * (one import, one entry). Exit codes: 0 success, 1 a description that
 * does not parse (or another problem with the input), 2 bad usage, 3 an
 * internal error. Parsing, --help and the exit codes are the shared rules
 * of tools/command.ts.
 */
import { parse } from './description/parse.ts';
import { SdpError } from './description/errors.ts';
import { formatAttribute } from './description/formatAttribute.ts';
import { formatConnection, connectionsOf } from './description/connection.ts';
import { formatMedia } from './description/media.ts';
import { directionOf } from './description/direction.ts';
import type { SessionDescription } from './description/types.ts';
import { answerCommand, offerCommand, printWarnings, readInput } from './commands.ts';
import { protocolProgram, runProgram, UsageError, type Command } from '../../tools/command.ts';

/** The commands, by name. Other layers add theirs here. */
export const COMMANDS: Record<string, Command> = {
  parse: {
    summary: 'parse a session description (RFC 8866) from a file (or - for stdin) and print it',
    usage: `sdp parse [--json] [--lenient] <file|->
  --json     the typed description as JSON (numbers beyond 2^53 as strings)
  --lenient  accept fields out of order and an empty s= (with a warning), as older examples have them`,
    options: { json: { type: 'boolean' }, lenient: { type: 'boolean' } },
    async run(values, positionals) {
      if (positionals.length !== 1) throw new UsageError('parse takes one file name (or - for stdin)');
      const name = positionals[0] === '-' ? '<stdin>' : positionals[0];
      try {
        const { description, warnings } = parse(await readInput(positionals[0]), { lenient: values.lenient === true });
        printWarnings(name, warnings);
        process.stdout.write(values.json ? descriptionJson(description) + '\n' : summary(description));
        return 0;
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
        process.stderr.write(`${name}:${e.line}:${e.col}: error: ${e.message}\n`);
        return 1;
      }
    },
  },
  offer: offerCommand,
  answer: answerCommand,
};

/** A description as JSON: bigints (session version, times) as strings. */
export function descriptionJson(d: SessionDescription): string {
  return JSON.stringify(d, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}

/** A readable summary: the session, then each media description with what applies to it. */
function summary(d: SessionDescription): string {
  const o = d.origin;
  const out = [`session "${d.sessionName}": origin ${o.username} id ${o.sessionId} version ${o.sessionVersion} (${o.netType} ${o.addrType} ${o.unicastAddress})`];
  if (d.information !== undefined) out.push(`  information: ${d.information}`);
  if (d.connection) out.push(`  connection: ${formatConnection(d.connection)}`);
  for (const t of d.timings) out.push(`  time: ${t.start} ${t.stop}${t.repeats.length ? ` (${t.repeats.length} repeat${t.repeats.length === 1 ? '' : 's'})` : ''}`);
  for (const a of d.attributes) out.push(`  a=${formatAttribute(a)}`);
  d.media.forEach((m, i) => {
    const connection = connectionsOf(d, m).map(formatConnection).join(', ');
    out.push(`media ${i + 1}: ${formatMedia(m)}${m.port === 0 ? ' (rejected or disabled: port 0)' : ''}`);
    out.push(`  direction: ${directionOf(d, m)}; connection: ${connection}`);
    for (const a of m.attributes) out.push(`  a=${formatAttribute(a)}`);
  });
  return out.join('\n') + '\n';
}

const program = protocolProgram('sdp', COMMANDS);

export function main(argv: string[]): Promise<number> {
  return runProgram(program, argv);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
