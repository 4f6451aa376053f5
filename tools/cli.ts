#!/usr/bin/env -S node --import=tsx
/**
 * rfcdoc command line. Every command is a thin edge around the pipeline's
 * pure stages: it parses arguments, runs stages, and prints their values and
 * diagnostics once. Exit codes: 0 success, 1 errors found, 2 bad usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocName, type DocName } from './spec/docname.ts';
import { loadDocs, type StoreOptions } from './spec/store.ts';
import { parseRef, resolveRef, spanText } from './spec/refs.ts';
import { lineId } from './spec/paginate.ts';
import { fetchProgress } from './progress.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { SpecDoc } from './spec/document.ts';
import { CHECK_USAGE, COVERAGE_USAGE, runCheck, runCoverage, type CommandEnv } from './annotate/commands.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

class UsageError extends Error {}

interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const COMMON: ParseArgsConfig['options'] = {
  help: { type: 'boolean', short: 'h' },
  cache: { type: 'string' },
  offline: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
};

const COMMON_HELP = `Common options:
  --cache DIR     the spec cache (default: rfc-cache/ of this project)
  --offline       never fetch from the RFC Editor; use the cache and RFC_MIRROR only
  --timeout MS    network timeout per request (default 30000)
  --json          machine-readable output
  -h, --help      this help
Environment:
  RFC_MIRROR      a directory laid out like the RFC Editor's text-only rsync module
                  (rfcNNNN.txt), or an http(s) base URL, tried before the RFC Editor
  NO_COLOR        no colour in diagnostics`;

const color = () => process.stderr.isTTY === true && !process.env.NO_COLOR;

function printDiagnostics(ds: readonly Diagnostic[]): void {
  for (const d of ds) process.stderr.write(formatDiagnostic(d, color()) + '\n');
}

function storeOptions(values: Record<string, unknown>): StoreOptions {
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout takes a number of milliseconds, not "${values.timeout}"`);
  return {
    cacheDir: (values.cache as string | undefined) ?? join(ROOT, 'rfc-cache'),
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

/** Fetches (as needed) and paginates docs, printing progress and diagnostics. */
async function fetchDocs(names: DocName[], opts: StoreOptions) {
  const progress = fetchProgress(process.stderr, names.length);
  const result = await loadDocs(names, { ...opts, onEvent: (e) => progress.event(e) });
  progress.done();
  printDiagnostics(result.diagnostics);
  return result;
}

async function loadOne(arg: string, values: Record<string, unknown>): Promise<SpecDoc | undefined> {
  const [name] = docNames([arg]);
  const { docs } = await fetchDocs([name!], storeOptions(values));
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
        const json = rows.map((d) => ({ doc: d.label, title: d.title, pages: d.pages, virtual: d.virtual, sha256: d.sha256, size: d.size, sections: d.sections.length }));
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
leaves the previous site as it was.`,
    options: { 'update-lock': { type: 'boolean' }, out: { type: 'string' } },
    async run(values) {
      const { buildSite } = await import('./site/pipeline.ts');
      const tty = process.stderr.isTTY === true;
      const result = await buildSite({
        root: ROOT,
        out: (values.out as string | undefined) ?? 'site',
        store: storeOptions(values),
        onStage: tty ? (s) => process.stderr.write(`\r\x1b[Kbuild: ${s}…`) : undefined,
        progress: tty ? (total) => fetchProgress(process.stderr, total) : undefined,
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
    options: {},
    run: (values, args) => runCheck(args, annotateEnv(values)),
  },
  coverage: {
    summary: "a doc's requirements (BCP 14 key words) and how the tags cover them",
    usage: COVERAGE_USAGE,
    options: { sections: { type: 'string' }, keywords: { type: 'string' } },
    async run(values, args) {
      if (args.length !== 1) throw new UsageError('coverage takes exactly one document');
      const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
      return runCoverage(docNames(args)[0]!, { sections: list(values.sections), keywords: list(values.keywords) }, annotateEnv(values));
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
    async run(values) {
      const port = values.port === undefined ? 8080 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number (0 for any free one), not "${values.port}"`);
      const { serve } = await import('./site/serve.ts');
      const server = await serve({ root: ROOT, store: storeOptions(values), port });
      process.stdout.write(`serving ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
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

function annotateEnv(values: Record<string, unknown>): CommandEnv {
  return {
    root: ROOT,
    store: storeOptions(values),
    json: values.json === true,
    progress: (total) => fetchProgress(process.stderr, total),
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

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`rfcdoc: unknown command "${name}" (see rfcdoc --help)\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { ...COMMON, ...command.options }, allowPositionals: true, strict: true });
    if (values.help) {
      process.stdout.write(`Usage: ${command.usage}\n\n${COMMON_HELP}\n`);
      return 0;
    }
    return await command.run(values, positionals);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rfcdoc ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`rfcdoc ${name}: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
