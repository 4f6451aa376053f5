/**
 * A corpus of RFC texts for robustness tests and benchmarks: `RFC_CORPUS`
 * names a tarball (.tar, .tar.gz, .tgz, .tar.xz, .tar.bz2, unpacked with the
 * system's tar) or a directory; every `rfcNNNN.txt` below it is a member.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface CorpusFile {
  /** File name without `.txt`, e.g. `rfc3261`. */
  name: string;
  bytes: Uint8Array;
}

const TARBALL = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?)$/i;

/** Every `rfc*.txt` of the corpus at `path`, sorted by name. Throws naming the path when it is neither a directory nor a tarball. */
export function readCorpus(path: string): CorpusFile[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new Error(`RFC_CORPUS=${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (stat.isDirectory()) return readDirectory(path);
  if (!TARBALL.test(path)) throw new Error(`RFC_CORPUS=${path}: neither a directory nor a tarball (.tar, .tar.gz, .tar.xz, .tar.bz2)`);
  const dir = mkdtempSync(join(tmpdir(), 'rfcdoc-corpus-'));
  try {
    try {
      execFileSync('tar', ['-xf', path, '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim();
      throw new Error(`RFC_CORPUS=${path}: tar could not unpack it${stderr ? `: ${stderr.split('\n')[0]}` : ''}`);
    }
    return readDirectory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readDirectory(dir: string): CorpusFile[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /^rfc\d+\.txt$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => basename(a).localeCompare(basename(b)) || a.localeCompare(b))
    .map((file) => ({ name: basename(file, '.txt').toLowerCase(), bytes: new Uint8Array(readFileSync(file)) }));
}
