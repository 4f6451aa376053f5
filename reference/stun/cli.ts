#!/usr/bin/env -S node --import tsx
/**
 * The STUN reference implementation's command line: `npm run stun -- <command>`.
 * `binding` asks a server for our reflexive transport address, `server` answers
 * Binding requests, `decode` takes a message apart and checks it. Exit codes:
 * 0 success, 1 a problem with the input or the world (no answer, an error
 * response, a port in use, bytes that are not STUN: one line saying which),
 * 2 bad usage, 3 an internal error. Parsing, --help and the exit codes are
 * the shared rules of tools/command.ts.
 */
import { protocolProgram, runProgram, type Command } from '../../tools/command.ts';
import { bindingCommand } from './commands/binding.ts';
import { decodeCommand } from './commands/decode.ts';
import { StunCommandError } from './commands/endpoint.ts';
import { relayCommand } from './commands/relay.ts';
import { serverCommand } from './commands/server.ts';

/** The commands, by name. */
export const COMMANDS: Record<string, Command> = {
  binding: bindingCommand,
  server: serverCommand,
  decode: decodeCommand,
  relay: relayCommand,
};

const program = protocolProgram('stun', COMMANDS, (e, name) => {
  if (!(e instanceof StunCommandError)) return undefined;
  process.stderr.write(`stun ${name}: ${e.message}\n`);
  return 1;
});

export function main(argv: string[]): Promise<number> {
  return runProgram(program, argv);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
