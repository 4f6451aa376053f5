#!/usr/bin/env -S node --import tsx
/**
 * The XMPP reference implementation's command line: `npm run xmpp -- <command>`.
 * `send` logs in and sends one message, `listen` prints messages and
 * presence as they arrive, `roster` prints or changes the roster. Exit
 * codes: 0 success, 1 a problem with the world or the peer (no server, a
 * refused login or certificate, an error answer: one line saying which),
 * 2 bad usage, 3 an internal error. Parsing, --help and the exit codes are
 * the shared rules of tools/command.ts.
 */
import { protocolProgram, runProgram, type Command } from '../../tools/command.ts';
import { XmppCommandError, listenCommand, rosterCommand, sendCommand } from './client/commands.ts';
import { serverCommand } from './server/command.ts';

/** The commands, by name. */
export const COMMANDS: Record<string, Command> = {
  send: sendCommand,
  listen: listenCommand,
  roster: rosterCommand,
  server: serverCommand,
};

const program = protocolProgram('xmpp', COMMANDS, (e, name) => {
  if (!(e instanceof XmppCommandError)) return undefined;
  process.stderr.write(`xmpp ${name}: ${e.message}\n`);
  return 1;
});

export function main(argv: string[]): Promise<number> {
  return runProgram(program, argv);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
