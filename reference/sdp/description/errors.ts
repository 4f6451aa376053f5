/**
 * What a parse reports: an SdpError (the description is refused) or an
 * SdpWarning (accepted, as RFC 8866 lets a parser be tolerant). Both name
 * the rule broken ("RFC8866 §5.2") and where: 1-based line and column of
 * the description.
 *
 * Plumbing: the rules are in the modules that throw these.
 */

export class SdpError extends Error {
  /** The rule broken, e.g. `RFC8866 §5.2` (the o= line), `RFC8866 §9` (the grammar). */
  readonly rule: string;
  /** What was wrong, without the rule or the position. */
  readonly detail: string;
  readonly line: number;
  readonly col: number;

  constructor(rule: string, detail: string, line: number, col: number) {
    super(`${rule}: ${detail}`);
    this.name = 'SdpError';
    this.rule = rule;
    this.detail = detail;
    this.line = line;
    this.col = col;
  }
}

export interface SdpWarning {
  rule: string;
  message: string;
  line: number;
  col: number;
}

/**
 * One `<type>=<value>` line of the description: its type letter, its value,
 * and where it is, so a field parser can point at a column of its value.
 */
export interface FieldLine {
  type: string;
  value: string;
  /** 1-based line number. */
  line: number;
}

/** Column (1-based) of offset `at` into the value of a line: `<type>=` is two columns. */
export const valueCol = (at: number): number => at + 3;

/** Throws the SdpError for `field`, at offset `at` of its value. */
export function fail(rule: string, detail: string, field: FieldLine, at = 0): never {
  throw new SdpError(rule, detail, field.line, valueCol(at));
}

/** Collects warnings during one parse. */
export class Warnings {
  readonly list: SdpWarning[] = [];
  add(rule: string, message: string, line: number, col: number): void {
    this.list.push({ rule, message, line, col });
  }
  at(rule: string, message: string, field: FieldLine, at = 0): void {
    this.add(rule, message, field.line, valueCol(at));
  }
}
