/**
 * A small CLI on tools/command.ts, run by command.test.ts as a user runs one:
 * `node --import tsx test/command/program.ts <command> ...`. Its commands do
 * just enough to show each shared rule: options and positionals echoed as
 * JSON, a list option that may repeat, a usage error, a bug, an expected failure, a TTY probe.
 */
import { runProgram, showProgress, UsageError, useColor, type Program } from '../../tools/command.ts';

const program: Program = {
  name: 'demo',
  common: { json: { type: 'boolean' } },
  listOptions: ['names'],
  commands: {
    echo: {
      summary: 'print the options and arguments as JSON',
      usage: 'demo echo [--names a,b] [--tag t]... [--flag] [args]',
      options: { names: { type: 'string' }, tag: { type: 'string', multiple: true }, flag: { type: 'boolean' } },
      async run(values, positionals) {
        process.stdout.write(JSON.stringify({ values, positionals }) + '\n');
        return positionals.includes('problem') ? 1 : 0;
      },
    },
    refuse: {
      summary: 'always a usage error',
      usage: 'demo refuse',
      options: {},
      async run() {
        throw new UsageError('refuse refuses');
      },
    },
    crash: {
      summary: 'a bug',
      usage: 'demo crash',
      options: {},
      async run() {
        throw new TypeError('cannot read x of undefined\nsecond line');
      },
    },
    busy: {
      summary: 'the world in the way (not a bug): what expected() handles',
      usage: 'demo busy',
      options: {},
      async run() {
        throw new RangeError('port 1 is in use');
      },
    },
    tty: {
      summary: 'whether colour and progress would be shown on stderr',
      usage: 'demo tty',
      options: {},
      async run() {
        process.stdout.write(JSON.stringify({ color: useColor(process.stderr), progress: showProgress(process.stderr) }) + '\n');
        return 0;
      },
    },
  },
  help: () => 'demo help\n',
  commandHelp: (command) => `usage: ${command.usage}\n`,
  unknownCommand: (name) => `demo: no command "${name}"\n`,
  usageError: (name, command, message) => `demo ${name}: ${message}\nusage: ${command.usage}\n`,
  expected(e, name) {
    if (!(e instanceof RangeError)) return undefined;
    process.stderr.write(`demo ${name}: ${e.message}\n`);
    return 1;
  },
};

process.exitCode = await runProgram(program, process.argv.slice(2));
