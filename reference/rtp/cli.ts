#!/usr/bin/env -S node --import tsx
/**
 * The RTP reference implementation's command line: `npm run rtp -- <command>`.
 * `send` plays a WAV file to an address as RTP with RTCP (and digits as
 * telephone-events); `receive` records what comes to an address and prints
 * the RTCP view of each source. Exit codes: 0 success, 1 a problem with the
 * input or the world (a WAV file this does not take, an address that cannot
 * be bound, nothing received: one line saying which), 2 bad usage, 3 an
 * internal error. Parsing, --help and the exit codes are the shared rules of
 * tools/command.ts.
 */
import { protocolProgram, runProgram, type Command } from '../../tools/command.ts';
import { WavError } from './media/wav.ts';
import { receiveCommand } from './commands/receive.ts';
import { sendCommand } from './commands/send.ts';
import { BindError } from './commands/sockets.ts';

/** The commands, by name. */
export const COMMANDS: Record<string, Command> = {
  send: sendCommand,
  receive: receiveCommand,
};

const program = protocolProgram('rtp', COMMANDS, (e, name) => {
  // A WAV file this does not take, a port in use: one line, exit 1.
  if (!(e instanceof WavError || e instanceof BindError)) return undefined;
  process.stderr.write(`rtp ${name}: ${e.message}\n`);
  return 1;
});

export function main(argv: string[]): Promise<number> {
  return runProgram(program, argv);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
