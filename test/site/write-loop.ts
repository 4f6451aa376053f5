/**
 * A process that writes a site into argv[2] over and over (argv[3] files,
 * version i in every file of write i, what is there kept with --force) and
 * says `ok i` after each. Its own SIGINT / SIGTERM listener only records
 * whether a signal came while writeSite ran: writeSite must then throw
 * Interrupted (printed as JSON, exit 128 + the signal's number, as the CLI
 * does); returning as if nothing happened is reported as `unhandled`.
 * test/site/write.test.ts sends the signals.
 */
import { constants } from 'node:os';
import { Interrupted } from '../../tools/outputs.ts';
import { writeSite } from '../../tools/site/write.ts';

const [out, count] = [process.argv[2]!, Number(process.argv[3])];
let writing = false;
let got: { signal: NodeJS.Signals; during: boolean } | undefined;
for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => void (got ??= { signal: s, during: writing }));
const verdict = (v: object, code: number) => {
  process.stdout.write(JSON.stringify(v) + '\n', () => process.exit(code));
};
for (let i = 1; ; i++) {
  const files = new Map<string, string>();
  for (let n = 0; n < count; n++) files.set(`p/${n % 10}/page${n}.html`, `v${i}`);
  files.set('index.html', `v${i}`);
  try {
    writing = true;
    await writeSite(out, files, { force: true });
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    verdict({ signal: e.signal, completed: e.completed, version: i }, e.exitCode);
    break;
  } finally {
    writing = false;
  }
  if (got?.during) verdict({ unhandled: got.signal, version: i }, 1);
  // Between two writes: the last one is whole, as when the CLI is stopped after its build.
  else if (got) verdict({ signal: got.signal, completed: true, version: i, between: true }, 128 + constants.signals[got.signal]);
  if (got) break;
  process.stdout.write(`ok ${i}\n`);
}
