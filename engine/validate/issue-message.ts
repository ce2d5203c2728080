import type * as z from 'zod';
import type { PathSegment } from './problems.ts';

/**
 * One readable line for a zod issue, naming the field and the offending value
 * (`nodes[0].name must be a string, not 42`), shared by the file loader and the param checks.
 */
export function describeIssue(issue: z.core.$ZodIssue, subject: string, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `${subject} is required`;
      return `${subject} must be ${article(issue.expected)}, not ${describeValue(value)}`;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
      if (value === '') return `${subject} is empty; ${bound} ${bound.endsWith(' 1') ? 'character' : 'characters'}`;
      if (typeof value === 'string') return `${subject} is ${value.length} characters long; ${bound}`;
      if (Array.isArray(value)) return `${subject} has ${value.length} items; ${bound}`;
      return `${subject} is ${describeValue(value)}; ${bound}`;
    }
    case 'invalid_format': {
      const rule = issue.message.replace(/^Invalid string: /, '');
      return /^(?:must|is) /.test(rule)
        ? `${subject} ${describeValue(value)} ${rule}`
        : `${subject} ${describeValue(value)} is not a valid ${issue.format}`;
    }
    case 'invalid_value':
      return `${subject} is ${describeValue(value)}; expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    default:
      return `${subject}: ${issue.message}`;
  }
}

/** A short, safe rendering of a value for messages (long strings are cut). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The value at `segments` inside `root`, own properties only; undefined when absent. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function article(type: string): string {
  if (type === 'int') return 'a whole number';
  if (type === 'record') return 'an object';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
