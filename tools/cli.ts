#!/usr/bin/env -S node --import=tsx
/**
 * rfcdoc command line. Every command is a thin edge around the pipeline's
 * pure stages: it parses arguments, runs stages, and prints their values and
 * diagnostics once. Exit codes: 0 success, 1 errors found, 2 bad usage,
 * 3 an internal error (a bug: one line; the stack under --debug). Parsing,
 * --help and the exit codes are the shared rules of tools/command.ts.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocName, type DocName } from './spec/docname.ts';
import { loadDocs, type StoreOptions } from './spec/store.ts';
import { parseRef, resolveRef, spanText } from './spec/refs.ts';
import { lineId } from './spec/paginate.ts';
import { fetchProgress } from './progress.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { SpecDoc } from './spec/document.ts';
import { checkOutput, Interrupted, OutputRefused } from './outputs.ts';
import { CHECK_USAGE, COVERAGE_USAGE, runCheck, runCoverage, type CommandEnv } from './annotate/commands.ts';
import { PROPOSAL_USAGE, runProposal } from './proposal/commands.ts';
import { DEBUG_HELP, runProgram, showProgress, UsageError, useColor, type Command, type Options, type Program } from './command.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const COMMON: Options = {
  cache: { type: 'string' },
  offline: { type: 'boolean' },
  timeout: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
};

const COMMON_HELP = `Common options:
  --cache DIR     the spec cache (default: rfc-cache/ of this project)
  --offline       never fetch from the RFC Editor; use the cache and RFC_MIRROR only
  --timeout MS    network timeout per request (default 30000)
  --force         write into a non-empty directory rfcdoc did not write (what it
                  holds is kept, never deleted); never into the project's sources
  --json          machine-readable output (errors still go to stderr, as text)
  -h, --help      this help
${DEBUG_HELP}
Every option is given at most once; a list is one comma-separated value.
Environment:
  RFC_MIRROR      a directory laid out like the RFC Editor's text-only rsync module
                  (rfcNNNN.txt), or an http(s) base URL, tried before the RFC Editor
  NO_COLOR        no colour in diagnostics`;

function printDiagnostics(ds: readonly Diagnostic[]): void {
  for (const d of ds) process.stderr.write(formatDiagnostic(d, useColor(process.stderr)) + '\n');
}

/** The longest timer Node keeps (a larger delay fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A whole number written in decimal digits, within [min, max]; undefined when absent. */
function integerOption(values: Record<string, unknown>, name: string, min: number, max: number, what: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${name} takes ${what}, not "${v}"`);
  return n;
}

function storeOptions(values: Record<string, unknown>): StoreOptions {
  const timeout = integerOption(values, 'timeout', 1, MAX_TIMEOUT_MS, `a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  const cacheDir = (values.cache as string | undefined) ?? join(ROOT, 'rfc-cache');
  checkOutput(ROOT, cacheDir, 'cache', values.force === true);
  return {
    cacheDir,
    mirror: process.env.RFC_MIRROR || undefined,
    offline: values.offline === true,
    timeoutMs: timeout,
    updateLock: values['update-lock'] === true,
    rfcEditor: process.env.RFCDOC_RFC_EDITOR || undefined,
    draftArchive: process.env.RFCDOC_DRAFT_ARCHIVE || undefined,
  };
}

function docNames(args: string[]): DocName[] {
  return args.map((a) => {
    try {
      return parseDocName(a);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
}

/** Fetch progress on stderr: a rewritten line on a terminal, else a line per document fetched. */
const progressOnStderr = (total: number) => fetchProgress(process.stderr, total, showProgress(process.stderr));

/** Fetches (as needed) and paginates docs, printing progress and diagnostics. */
async function fetchDocs(names: DocName[], opts: StoreOptions) {
  const progress = progressOnStderr(names.length);
  const result = await loadDocs(names, { ...opts, onEvent: (e) => progress.event(e) });
  progress.done();
  printDiagnostics(result.diagnostics);
  return result;
}

async function loadOne(arg: string, values: Record<string, unknown>): Promise<SpecDoc | undefined> {
  const [name] = docNames([arg]);
  // quote and sections only read: a document nothing cites is not pinned in lock.json by looking at it.
  const { docs } = await fetchDocs([name!], { ...storeOptions(values), pinNew: false });
  return docs.get(name!.id);
}

const commands: Record<string, Command> = {
  fetch: {
    summary: 'fetch and paginate documents into the cache',
    usage: `rfcdoc fetch <doc>... [--update-lock]

A doc is RFC3261, rfc3261, "RFC 3261" or draft-<name>-NN. Sources, in order:
the cache, RFC_MIRROR, the RFC Editor (drafts: the IETF draft archive).
A text that differs from rfc-cache/lock.json is refused unless --update-lock.`,
    options: { 'update-lock': { type: 'boolean' } },
    async run(values, args) {
      if (args.length === 0) throw new UsageError('fetch needs at least one document name');
      const names = docNames(args);
      const { docs, diagnostics } = await fetchDocs(names, storeOptions(values));
      const rows = names.filter((n) => docs.has(n.id)).map((n) => docs.get(n.id)!);
      if (values.json) {
        const json = rows.map((d) => ({ doc: d.label, title: d.title, ...d.relations, pages: d.pages, virtual: d.virtual, sha256: d.sha256, size: d.size, sections: d.sections.length, strays: d.strays.length }));
        process.stdout.write(JSON.stringify(json, null, 2) + '\n');
      } else {
        for (const d of rows) process.stdout.write(`${d.label}\t${d.pages} pages\t${d.sections.length} sections\t${d.title}\n`);
      }
      return hasErrors(diagnostics) ? 1 : 0;
    },
  },
  quote: {
    summary: 'print the text of a doc at the given refs',
    usage: `rfcdoc quote <doc> <ref>...

A ref is PnLm-PnLm, PnLm, "section 17.1.1" or §17.1.1; several may be
comma-separated. Prints the kept lines from begin to end, right-trimmed.
With --json: an array of {doc, ref, text, begin, end}.`,
    options: {},
    async run(values, args) {
      if (args.length < 2) throw new UsageError('quote needs a document and at least one ref');
      const doc = await loadOne(args[0]!, values);
      if (!doc) return 1;
      const out: { doc: string; ref: string; text: string; begin: string; end: string }[] = [];
      const errors: Diagnostic[] = [];
      for (const arg of joinSectionWords(args.slice(1))) {
        for (const text of arg.split(',')) {
          try {
            const ref = parseRef(text);
            const span = resolveRef(doc, ref);
            out.push({ doc: doc.label, ref: ref.text, text: spanText(doc, span), begin: lineId(doc.lines[span.begin]!), end: lineId(doc.lines[span.end]!) });
          } catch (e) {
            errors.push({ severity: 'error', message: (e as Error).message });
          }
        }
      }
      printDiagnostics(errors);
      if (values.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else process.stdout.write(out.map((q) => q.text + '\n').join(''));
      return errors.length ? 1 : 0;
    },
  },
  build: {
    summary: 'fetch every cited document, check every tag and write the annotated site',
    usage: `rfcdoc build [--out DIR]

Fetches (cache, RFC_MIRROR, RFC Editor) every document a tag under reference/
or test/ cites, resolves every tag, and writes the site (default: site/): an
index, a page per source file with each tag shown as the text it cites, a page
per cited document, map.json and a search index. Any error stops the build and
leaves the previous site as it was.

A relative DIR is relative to the working directory. The site is marked
(.rfcdoc-site, listing the files it wrote) so that a later build may replace
it. Refused (exit 2): the project's root or sources (reference/, tools/,
test/, ...), anything containing them, a file, and a non-empty directory
rfcdoc did not write unless --force; with --force what is there is kept
(never deleted), and only what an earlier build wrote is replaced. DIR and
--cache are never the same directory nor one inside the other.

One build at a time writes DIR (a lock beside it, .site.lock for site/; refused
while another holds it); what a killed build left there is recovered first. Ctrl-C
while the site is written rolls the write back, or, once the new site is
being swapped in, finishes it; then exit 130 (SIGTERM: 143).`,
    options: { 'update-lock': { type: 'boolean' }, out: { type: 'string' } },
    async run(values, args) {
      noPositionals('build', args, '--out DIR');
      const { buildSite } = await import('./site/pipeline.ts');
      const tty = showProgress(process.stderr);
      const result = await buildSite({
        root: ROOT,
        // A relative --out is relative to where the user is, as --cache is.
        out: values.out === undefined ? join(ROOT, 'site') : resolve(values.out as string),
        outAsGiven: values.out as string | undefined,
        force: values.force === true,
        store: storeOptions(values),
        onStage: tty ? (s) => process.stderr.write(`\r\x1b[Kbuild: ${s}…`) : undefined,
        progress: tty ? progressOnStderr : undefined,
      });
      if (tty) process.stderr.write('\r\x1b[K');
      printDiagnostics(result.diagnostics);
      if (values.json) process.stdout.write(JSON.stringify({ ok: result.ok, files: result.files?.size ?? 0, ms: Math.round(result.ms), diagnostics: result.diagnostics }, null, 2) + '\n');
      process.stderr.write(result.summary + '\n');
      return result.ok ? 0 : 1;
    },
  },
  check: {
    summary: 'check every tag under reference/ and test/ (or the given paths)',
    usage: CHECK_USAGE,
    options: { strict: { type: 'boolean' } },
    run: (values, args) => runCheck(args, annotateEnv(values), { strict: values.strict === true }),
  },
  coverage: {
    summary: "a doc's requirements (BCP 14 key words) and how the tags cover them",
    usage: COVERAGE_USAGE,
    options: { sections: { type: 'string' }, keywords: { type: 'string' } },
    async run(values, args) {
      if (args.length !== 1) throw new UsageError('coverage takes exactly one document');
      const list = (name: string) => {
        const v = values[name];
        if (v === undefined) return undefined;
        const items = String(v).split(',').map((x) => x.trim());
        if (items.some((x) => x === '')) throw new UsageError(`--${name} takes a comma-separated list with nothing empty in it, not "${v}"`);
        return items;
      };
      return runCoverage(docNames(args)[0]!, { sections: list('sections'), keywords: list('keywords') }, annotateEnv(values));
    },
  },
  serve: {
    summary: 'serve the site on loopback, rebuilding and reloading as sources change',
    usage: `rfcdoc serve [--port N]

Builds the site in memory and serves it on http://127.0.0.1:8080/ (--port 0
picks a free port). Watches reference/, test/ and README.md: a change rebuilds
what it touches (only changed files are highlighted again) and reloads the
page. A broken edit shows its diagnostics over the page and here, and the last
good site stays served. Ctrl-C stops.`,
    options: { port: { type: 'string' } },
    async run(values, args) {
      noPositionals('serve', args, '--port N');
      const port = integerOption(values, 'port', 0, 65535, 'a port number from 0 (any free one) to 65535') ?? 8080;
      const { serve, ListenError } = await import('./site/serve.ts');
      let server;
      try {
        server = await serve({ root: ROOT, store: storeOptions(values), port, debug: values.debug === true });
      } catch (e) {
        // A port in use is the machine's state, not a bug: said plainly, exit 1.
        if (!(e instanceof ListenError)) throw e;
        process.stderr.write(`rfcdoc serve: ${(e as Error).message}\n`);
        return 1;
      }
      process.stdout.write(`serving ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    },
  },
  proposal: {
    summary: 'extensions proposed as patches: list, check, apply, new, stats',
    usage: PROPOSAL_USAGE,
    options: { suite: { type: 'string' }, 'all-together': { type: 'boolean' }, choose: { type: 'string' }, to: { type: 'string' } },
    run(values, args) {
      const tty = showProgress(process.stderr);
      return runProposal(values, args, {
        ...annotateEnv(values),
        onStage: tty ? (s) => process.stderr.write(`\r\x1b[Kproposal: ${s}…`) : undefined,
        doneStages: tty ? () => process.stderr.write('\r\x1b[K') : undefined,
      });
    },
  },
  sections: {
    summary: "list a doc's sections: number, range, title",
    usage: `rfcdoc sections <doc>

Prints one section a line: number, range (PnLm-PnLm) and title. --json: an array.`,
    options: {},
    async run(values, args) {
      if (args.length !== 1) throw new UsageError('sections takes exactly one document');
      const doc = await loadOne(args[0]!, values);
      if (!doc) return 1;
      const rows = doc.sections.map((s) => ({
        number: s.number,
        title: s.title,
        begin: lineId(doc.lines[s.begin]!),
        end: lineId(doc.lines[s.end]!),
      }));
      if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else process.stdout.write(rows.map((r) => `${r.number}\t${r.begin}-${r.end}\t${r.title}\n`).join(''));
      if (doc.footerMismatches.length) {
        const list = doc.footerMismatches.map((m) => `page ${m.page} is printed [Page ${m.printed}]`).join(', ');
        printDiagnostics([{ severity: 'warning', message: `${doc.label}: ${list}` }]);
      }
      return 0;
    },
  },
};

/** A command that takes no positional arguments says so (a stray word is often a forgotten option name). */
function noPositionals(command: string, args: string[], hint: string): void {
  if (args.length) throw new UsageError(`${command} takes no arguments, not "${args[0]}" (options: ${hint}; see rfcdoc ${command} --help)`);
}

function annotateEnv(values: Record<string, unknown>): CommandEnv {
  return {
    root: ROOT,
    store: storeOptions(values),
    json: values.json === true,
    progress: progressOnStderr,
    printDiagnostics,
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  };
}

/** `section 17.1.1` may arrive as two shell words. */
function joinSectionWords(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (/^section$/i.test(args[i]!) && i + 1 < args.length) out.push(`${args[i]} ${args[++i]}`);
    else out.push(args[i]!);
  }
  return out;
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return `rfcdoc — RFCs paginated, quoted, and tied to the code that implements them

Usage: rfcdoc <command> [options]

Commands:
${Object.entries(commands)
  .map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run \`rfcdoc <command> --help\` for a command's options.

${COMMON_HELP}
`;
}

const program: Program = {
  name: 'rfcdoc',
  commands,
  common: COMMON,
  listOptions: ['sections', 'keywords', 'choose'],
  help: mainHelp,
  commandHelp: (command) => `Usage: ${command.usage}\n\n${COMMON_HELP}\n`,
  unknownCommand: (name) => `rfcdoc: unknown command "${name}" (see rfcdoc --help)\n`,
  usageError: (name, _command, message) => `rfcdoc ${name}: ${message}\n`,
  expected(e, name) {
    if (e instanceof Interrupted) {
      process.stderr.write(`rfcdoc ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    // A build refused late has found things worth saying first (warnings, notes); the refusal is a usage error.
    if (e instanceof OutputRefused) {
      printDiagnostics(e.diagnostics);
      process.stderr.write(`rfcdoc ${name}: ${e.message}\n`);
      return 2;
    }
    return undefined;
  },
};

export function main(argv: string[]): Promise<number> {
  return runProgram(program, argv);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
