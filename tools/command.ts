/**
 * The command-line plumbing every CLI of this project shares: `rfcdoc`
 * (tools/cli.ts), `npm run sip` (reference/sip/cli.ts) and any protocol CLI
 * to come. A CLI is a table of commands plus the words it prints; the rules
 * are here, once:
 *
 * - `<cli> <command> [options] [args]`; `--help`, `-h` or `help` alone prints
 *   the CLI's help (exit 0); no command is a usage error (the help on stderr).
 * - options are parsed by node:util parseArgs, strictly: an unknown option,
 *   a missing value, and an option given twice are usage errors (a second
 *   value would silently replace the first); only an option declared
 *   `multiple` may repeat.
 * - `<command> --help` prints the command's usage (exit 0).
 * - exit status: 0 success, 1 problems found (the command's own answer),
 *   2 bad usage, 3 an internal error: a bug, said in one line, with the stack
 *   only under `--debug`.
 * - errors go to stderr; colour only on a terminal and never under NO_COLOR;
 *   progress only on a terminal.
 *
 * Why here: rfcdoc is tools/ and must stand alone (test/copy.ts runs a copy
 * of tools/ on another project's tree), so it cannot import reference/; a
 * protocol CLI is an edge of its reference, not a rule module, and may use
 * the tool's plumbing. This module imports nothing of the project (node:util
 * only), so it sits at the bottom of both orders (test/layering.test.ts) and
 * no import through it can point up or close a cycle.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: exit status 2, printed as the CLI's `usageError` says. */
export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

/** One CLI: its commands, the options they all take, and what it prints. */
export interface Program {
  /** Names the CLI in messages (`rfcdoc`, `sip`). */
  name: string;
  commands: Record<string, Command>;
  /** Options every command takes besides its own (`--help` and `--debug` are always there). */
  common?: Options;
  /** Options whose value is a comma-separated list: a repeat is told to give one list instead. */
  listOptions?: readonly string[];
  /** The CLI's help: its commands and how to learn more. */
  help(): string;
  /** A command's `--help`. */
  commandHelp(command: Command): string;
  /** The line(s) for an unknown command. */
  unknownCommand(name: string): string;
  /** The line(s) for a usage error in a command. */
  usageError(name: string, command: Command, message: string): string;
  /**
   * An error that is the world's state or the user's, not a bug (a port in
   * use, an interrupted build): print what it says and return its exit
   * status; undefined for anything else.
   */
  expected?(error: unknown, name: string): number | undefined;
}

const ALWAYS: Options = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
};

/** What `--debug` adds to every CLI's help. */
export const DEBUG_HELP = '  --debug         on an internal error (exit 3), also print the stack';

/**
 * Every option is given at most once, unless declared `multiple`: a second
 * value would silently replace the first (`--sections 999 --sections 17`
 * would ignore 999), so a repeat is a usage error naming the option.
 */
function onceEach(tokens: readonly { kind: string; name?: string; rawName?: string }[], options: Options, lists: readonly string[] = []): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined || options[t.name]?.multiple === true) continue;
    const first = seen.get(t.name);
    if (first !== undefined) throw new UsageError(`--${t.name} is given more than once (${first} and ${t.rawName}); give it once${lists.includes(t.name) ? ', with a comma-separated list' : ''}`);
    seen.set(t.name, t.rawName ?? `--${t.name}`);
  }
}

/**
 * A number-valued option: undefined when absent; a value `accept` refuses
 * (NaN for one that is no number) is a usage error naming the option and the
 * value as given.
 */
export function numberOption(values: Record<string, unknown>, name: string, what: string, accept: (n: number) => boolean): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!accept(n)) throw new UsageError(`--${name} wants ${what}, got ${JSON.stringify(v)}`);
  return n;
}

/** Colour for this stream: only on a terminal, and never under NO_COLOR. */
export const useColor = (stream: NodeJS.WriteStream): boolean => stream.isTTY === true && !process.env.NO_COLOR;

/** Progress lines for this stream: only on a terminal (a log or a pipe gets the result alone). */
export const showProgress = (stream: NodeJS.WriteStream): boolean => stream.isTTY === true;

/**
 * A protocol's CLI (`npm run sip`, `sdp`, `rtp`, ...): its command table with
 * the help, usage-error and unknown-command texts they all print, so each
 * cli.ts holds only its commands and the errors it expects.
 */
export function protocolProgram(name: string, commands: Record<string, Command>, expected?: Program['expected']): Program {
  const help = (): string => {
    const lines = Object.entries(commands).map(([command, c]) => `  ${command.padEnd(10)} ${c.summary}`);
    return `usage: npm run ${name} -- <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nnpm run ${name} -- <command> --help for a command's options (--debug: the stack of an internal error)\n`;
  };
  return {
    name,
    commands,
    help,
    commandHelp: (command) => `${command.summary}\n\nusage: ${command.usage}\n`,
    unknownCommand: (command) => `unknown command "${command}"\n${help()}`,
    usageError: (_command, command, message) => `${message}\nusage: ${command.usage}\n`,
    ...(expected && { expected }),
  };
}

/** Runs `argv` (without node and the script) as `program` says; resolves with the exit status. */
export async function runProgram(program: Program, argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is a usage error: the help goes where errors go.
    process.stderr.write(program.help());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(program.help());
    return 0;
  }
  const command = Object.hasOwn(program.commands, name) ? program.commands[name] : undefined;
  if (!command) {
    process.stderr.write(program.unknownCommand(name));
    return 2;
  }
  const options: Options = { ...program.common, ...command.options, ...ALWAYS };
  let debug = rest.includes('--debug');
  try {
    const { values, positionals, tokens } = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true, tokens: true });
    onceEach(tokens, options, program.listOptions);
    debug = values.debug === true;
    if (values.help) {
      process.stdout.write(program.commandHelp(command));
      return 0;
    }
    return await command.run(values, positionals);
  } catch (e) {
    const status = program.expected?.(e, name);
    if (status !== undefined) return status;
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(program.usageError(name, command, (e as Error).message));
      return 2;
    }
    // A bug: one line, so that it is read; the stack is for whoever debugs it.
    const detail = debug ? ((e as Error).stack ?? String(e)) : `${firstLine(e)} (run again with --debug for the stack)`;
    process.stderr.write(`${program.name} ${name}: internal error: ${detail}\n`);
    return 3;
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.split('\n')[0]!;
}
