#!/usr/bin/env -S node --import tsx
/**
 * The SIP reference implementation's command line: `npm run sip -- <command>`.
 * Each command is one entry of COMMANDS; add new ones (uas, call, register,
 * server, ...) there. Exit codes: 0 success, 1 errors (an address that cannot be
 * listened on included: one line naming it and why), 2 bad usage, 3 an
 * internal error (one line; the stack under --debug). Parsing, --help and the
 * exit codes are the shared rules of tools/command.ts.
 */
import { readFileSync } from 'node:fs';
import { parse, SipParseError, badRequestReason, rejectionStatus, StreamFramer, formatUri, type Message } from './syntax/index.ts';
import { serverCommand } from './proxy/commands.ts';
import { registerCommand } from './ua/registerCommand.ts';
import { callCommand, uasCommand } from './media/commands.ts';
import { ListenError } from './transport/layer.ts';
import { protocolProgram, runProgram, UsageError, type Command } from '../../tools/command.ts';

/** The commands, by name. Other layers add theirs here. */
export const COMMANDS: Record<string, Command> = {
  parse: {
    summary: 'parse SIP messages from a file (or - for stdin) and print them as JSON',
    usage: `sip parse [--stream] [--strict] <file|->
  --stream   the file is a TCP byte stream: frame messages by Content-Length
  --strict   also check header fields the core does not need (Date, Expires, Warning)`,
    options: { stream: { type: 'boolean' }, strict: { type: 'boolean' } },
    async run(values, positionals) {
      if (positionals.length !== 1) throw new UsageError('parse takes one file name (or - for stdin)');
      const bytes = readInput(positionals[0]);
      try {
        let messages: Message[];
        if (values.stream) {
          const framer = new StreamFramer();
          messages = framer.push(bytes);
          if (framer.errors.length > 0) throw framer.errors[0];
          if (framer.failure !== undefined) throw framer.failure;
          if (framer.pending > 0) throw new SipParseError('Content-Length', `${framer.pending} octets at the end of the stream are not a whole message`);
        } else {
          messages = [parse(bytes, { strict: values.strict === true })];
        }
        const json = messages.map(messageJson);
        process.stdout.write(JSON.stringify(values.stream ? json : json[0], null, 2) + '\n');
        return 0;
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
        process.stderr.write(`${positionals[0]}: ${e.message}\n  answer: ${rejectionStatus(e)} ${badRequestReason(e)}\n`);
        return 1;
      }
    },
  },
  register: registerCommand,
  server: serverCommand,
  uas: uasCommand,
  call: callCommand,
};

function readInput(name: string): Uint8Array {
  try {
    return readFileSync(name === '-' ? 0 : name);
  } catch (e) {
    throw new UsageError(`cannot read ${name}: ${(e as Error).message}`);
  }
}

/** A message as JSON: Maps as objects, the body as text when it is UTF-8, else base64. */
export function messageJson(m: Message): unknown {
  const body = Buffer.from(m.body);
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  return {
    ...(m.type === 'request'
      ? { method: m.method, requestUri: formatUri(m.requestUri), uri: { ...m.requestUri, params: Object.fromEntries(m.requestUri.params) } }
      : { status: m.status, reason: m.reason }),
    version: m.version,
    headers: m.headers.fields.map((f) => [f.name, f.value]),
    body: isText ? text : undefined,
    bodyBase64: isText ? undefined : body.toString('base64'),
  };
}

const program = protocolProgram('sip', COMMANDS, (e, name) => {
  // A port in use, an address not on this machine: one line, exit 1.
  if (!(e instanceof ListenError)) return undefined;
  process.stderr.write(`sip ${name}: ${e.message}\n`);
  return 1;
});

export function main(argv: string[]): Promise<number> {
  return runProgram(program, argv);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
