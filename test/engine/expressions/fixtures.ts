import type { ExpressionScope } from '../../../engine/expressions/types.ts';

/** A scope with the roots of DESIGN.md §4; pass only the parts a test reads. */
export function makeScope(parts: Partial<ExpressionScope> = {}): ExpressionScope {
  return {
    trigger: {},
    nodes: {},
    vars: {},
    run: { id: 'run-1', started: 1_700_000_000_000, mode: 'run', dryRun: false },
    ...parts,
  };
}

/** True when the value survives a JSON round trip unchanged: no functions, no JSONata flags on arrays. */
export function isPlainJson(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return Object.keys(value).length === value.length && value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}
