// @implements RFC8866 (SDP: Session Description Protocol)
/**
 * What a typed attribute's parser is given (attribute.ts dispatches by
 * name), and the two helpers they share: the value a value attribute must
 * have, and an error at a column of it. Plumbing: the rules are each
 * attribute's.
 */
import { fail, Warnings, type FieldLine } from './errors.ts';

/** Where an attribute line is: before the first m= line, or in a media description. */
export type Level = 'session' | 'media';

export interface AttributeInput {
  name: string;
  /** The value after "name:", or undefined for a property attribute. */
  value: string | undefined;
  field: FieldLine;
  /** Offset of the value in the line's value (after "a="). */
  at: number;
  level: Level;
  warnings: Warnings;
}

/** A value attribute's value, or the error that it has none (§5.13: `a=<attribute-name>:<attribute-value>`). */
// @implements RFC8866 P21L35-P21L37
export function valueOf({ name, value, field }: AttributeInput, syntax: string): string {
  if (value === undefined) fail('RFC8866 §9', `a=${name} needs a value: a=${name}:${syntax}`, field);
  return value;
}

/** Fails at an offset of the attribute's value. */
export function failAt(input: AttributeInput, rule: string, detail: string, offset = 0): never {
  return fail(rule, detail, input.field, input.at + offset);
}
