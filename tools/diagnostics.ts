/**
 * Diagnostics are values: every stage returns them, and only the edge (the
 * CLI, serve's log) prints them, once, compiler-style
 * (`file:line:col: error: message [source:rule]`), as vfile messages are.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** Where: a project-relative file, 1-based line and column. */
  file?: string;
  line?: number;
  col?: number;
  /** Who says so and by which rule (`rfcdoc`, `untagged-stretch`): printed as `[source:rule]`. */
  source?: string;
  rule?: string;
}

export const error = (message: string, at: Partial<Diagnostic> = {}): Diagnostic => ({ ...at, severity: 'error', message });
export const warning = (message: string, at: Partial<Diagnostic> = {}): Diagnostic => ({ ...at, severity: 'warning', message });

export const hasErrors = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === 'error');

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m' };

export function formatDiagnostic(d: Diagnostic, color = false): string {
  const where = d.file ? [d.file, d.line, d.col].filter((x) => x !== undefined).join(':') + ': ' : '';
  const sev = color ? `${COLORS[d.severity]}${d.severity}\x1b[0m` : d.severity;
  const origin = d.source && d.rule ? ` [${d.source}:${d.rule}]` : '';
  return `${where}${sev}: ${d.message}${origin}`;
}
