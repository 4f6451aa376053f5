/**
 * The import graph of a source tree and the two checks the layering test
 * makes on it: cycles, and imports that point up a declared layer order.
 * Pure functions over a graph, so that a tiny synthetic graph can prove each
 * check fails when it should (layering.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { specifiers } from '../../tools/proposal/imports.ts';

// The specifiers of a module (comments blanked first): shared with rfcdoc proposal check --suite affected.
export { specifiers };

/** One import (or export-from, or dynamic import) of a relative specifier. */
export interface Edge {
  /** Importing file, relative to the root, with `/`. */
  from: string;
  /** 1-based line of the specifier. */
  line: number;
  /** The specifier as written. */
  specifier: string;
  /** The imported file, relative to the root, with `/`. */
  to: string;
}

/** Every module (.ts, .mjs) under `dirs` (relative to root), with `/` separators. */
export function moduleFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      // Installed packages (tools/bench/typedoc/node_modules) are not this project's layers.
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && /\.(ts|mjs)$/.test(e.name)) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out.sort();
}

/** The edges of `files` to other files (relative specifiers only; packages and `node:` are not layers). */
export function importGraph(root: string, files: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  for (const from of files) {
    for (const { specifier, line } of specifiers(readFileSync(join(root, from), 'utf8'))) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      edges.push({ from, line, specifier, to: posix.normalize(posix.join(dirname(from), specifier)) });
    }
  }
  return edges;
}

/**
 * Each import cycle once, as the path of files around it (first file repeated
 * at the end). Tarjan's strongly connected components; within one, the path is
 * a shortest cycle through its first file, so the report is short and real.
 */
export function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      const selfLoop = (next.get(v) ?? []).includes(v);
      if (c.length > 1 || selfLoop) components.push(c.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => shortestCycle(c[0]!, new Set(c), next));
}

/** A shortest path from `start` back to itself inside `members` (breadth-first). */
function shortestCycle(start: string, members: Set<string>, next: Map<string, string[]>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of next.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * A layer: the files it holds (a folder ending in `/`, or one file), and the
 * layers directly below it that it may import. A layer may import itself and,
 * through `below`, everything below those (the order is transitive).
 */
export interface Layer {
  name: string;
  holds: readonly string[];
  below: readonly string[];
}

/** An import a layer order does not allow, allowed anyway until fixed: the importing file and the imported layer. */
export interface KnownException {
  from: string;
  to: string;
  why: string;
}

/** The layer holding a file: the longest matching folder or file wins (tools/bench/ inside tools/). */
function layerOf(file: string, layers: readonly Layer[]): Layer | undefined {
  let best: Layer | undefined;
  let bestLength = -1;
  for (const l of layers) {
    for (const h of l.holds) {
      const match = h.endsWith('/') ? file.startsWith(h) : file === h;
      if (match && h.length > bestLength) {
        best = l;
        bestLength = h.length;
      }
    }
  }
  return best;
}

/** Throws when a `below` names no layer or the order itself has a cycle: the data is checked too. */
function allowedBelow(layers: readonly Layer[]): Map<string, Set<string>> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const memo = new Map<string, Set<string>>();
  const reach = (name: string, path: string[]): Set<string> => {
    if (path.includes(name)) throw new Error(`the layer order has a cycle: ${[...path, name].join(' → ')}`);
    const known = memo.get(name);
    if (known) return known;
    const layer = byName.get(name);
    if (!layer) throw new Error(`layer ${path.at(-1)} names "${name}" below it, which is no layer`);
    const set = new Set<string>([name]);
    for (const b of layer.below) for (const x of reach(b, [...path, name])) set.add(x);
    memo.set(name, set);
    return set;
  };
  for (const l of layers) reach(l.name, []);
  return memo;
}

/**
 * Each import the order forbids, as `file:line imports X (layer A may not
 * import layer B)`, and each file no layer holds. `exceptions` are listed
 * apart (`known`), so they stay visible without failing.
 */
export function upwardImports(
  edges: readonly Edge[],
  layers: readonly Layer[],
  exceptions: readonly KnownException[] = [],
): { violations: string[]; known: string[]; unplaced: string[] } {
  const allowed = allowedBelow(layers);
  const violations: string[] = [];
  const known: string[] = [];
  const unplaced = new Set<string>();
  for (const e of edges) {
    const a = layerOf(e.from, layers);
    const b = layerOf(e.to, layers);
    if (!a) unplaced.add(e.from);
    if (!b) unplaced.add(e.to);
    if (!a || !b || allowed.get(a.name)!.has(b.name)) continue;
    const message = `${e.from}:${e.line} imports ${e.specifier} (layer ${a.name} may not import layer ${b.name})`;
    if (exceptions.some((x) => x.from === e.from && x.to === b.name)) known.push(message);
    else violations.push(message);
  }
  return { violations, known, unplaced: [...unplaced].sort() };
}
