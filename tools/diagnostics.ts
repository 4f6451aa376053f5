/**
 * Diagnostics are values: every stage returns them, and only the CLI prints
 * them, once, at the edge, compiler-style (`file:line:col: error: message`).
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  col?: number;
}

export const error = (message: string, at: Partial<Diagnostic> = {}): Diagnostic => ({ ...at, severity: 'error', message });
export const warning = (message: string, at: Partial<Diagnostic> = {}): Diagnostic => ({ ...at, severity: 'warning', message });

export const hasErrors = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === 'error');

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m' };

export function formatDiagnostic(d: Diagnostic, color = false): string {
  const where = d.file ? [d.file, d.line, d.col].filter((x) => x !== undefined).join(':') + ': ' : '';
  const sev = color ? `${COLORS[d.severity]}${d.severity}\x1b[0m` : d.severity;
  return `${where}${sev}: ${d.message}`;
}
