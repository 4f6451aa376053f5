/**
 * Which proposals go together, and in which order: a proposal with what it
 * requires, and the set `--all-together` applies (one per alternatives
 * group). Pure functions of the loaded proposals (already in requires order).
 */
import type { Proposal } from './model.ts';

/** `names` and everything they require, in the loaded (requires) order. */
export function withRequired(all: readonly Proposal[], names: readonly Proposal[]): Proposal[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const keep = new Set<string>();
  const add = (p: Proposal) => {
    if (keep.has(p.name)) return;
    keep.add(p.name);
    for (const r of p.requires) add(byName.get(r)!);
  };
  for (const p of names) add(p);
  return all.filter((p) => keep.has(p.name));
}

export interface Together {
  chosen: Proposal[];
  left: { name: string; why: string }[];
}

/**
 * One proposal per alternatives group: the one `choose` names for it, else
 * the first by name; the others are left out, and so is whatever requires
 * one left out. `choose` is checked by the caller (chooseErrors).
 */
export function together(all: readonly Proposal[], choose: ReadonlyMap<string, string> = new Map()): Together {
  const groups = new Map<string, string>();
  for (const p of [...all].sort((a, b) => a.name.localeCompare(b.name))) {
    if (p.alternatives && !groups.has(p.alternatives)) groups.set(p.alternatives, choose.get(p.alternatives) ?? p.name);
  }
  const chosen: Proposal[] = [];
  const left: Together['left'] = [];
  const out = new Set<string>();
  for (const p of all) {
    const pick = p.alternatives ? groups.get(p.alternatives) : undefined;
    const missing = p.requires.find((r) => out.has(r));
    if (pick !== undefined && pick !== p.name) {
      left.push({ name: p.name, why: `alternative to ${pick} (group ${p.alternatives}; --choose ${p.alternatives}=${p.name} picks it)` });
      out.add(p.name);
    } else if (missing) {
      left.push({ name: p.name, why: `requires ${missing}, which is left out` });
      out.add(p.name);
    } else chosen.push(p);
  }
  return { chosen, left };
}

/** What is wrong with `--choose group=name,...`: a group no proposal is in, a name not in that group. */
export function chooseErrors(all: readonly Proposal[], choose: ReadonlyMap<string, string>): string[] {
  const errors: string[] = [];
  for (const [group, name] of choose) {
    const members = all.filter((p) => p.alternatives === group).map((p) => p.name);
    if (members.length === 0) errors.push(`--choose: no proposal is in an alternatives group "${group}"`);
    else if (!members.includes(name)) errors.push(`--choose: group ${group} holds ${members.join(', ')}, not "${name}"`);
  }
  return errors;
}
