import { NodeError } from '../errors.ts';

/**
 * Bounds on what a run accepts into its journal: node outputs, resolved inputs and trigger
 * events. A value past them could not be journalled (JSON.stringify overflows its stack on deep
 * nesting) or would swamp the journal, the canvas and every client, so it is refused up front
 * and the run never acts on something it could not record.
 */
export interface ValueLimits {
  /** Deepest nesting of arrays and objects; real vendor JSON stays under 20. */
  maxDepth: number;
  /** Approximate JSON size in bytes (strings count their length, numbers 8, containers 2). */
  maxBytes: number;
}

/** 64 levels and 16 MiB: far above any vendor answer seen, far below what breaks a journal. */
export const DEFAULT_VALUE_LIMITS: ValueLimits = { maxDepth: 64, maxBytes: 16 * 1024 * 1024 };

/** Which limit a value broke, in words that name the limit. */
export type LimitViolation = { limit: 'depth'; message: string } | { limit: 'size'; message: string };

/**
 * Walks a value and stops at the first limit it breaks. The recursion is cut at `maxDepth`, so a
 * hostile 100,000-deep value cannot overflow the stack; cycles count as infinite depth. Runs on
 * every node output, so it allocates nothing but its one tally.
 */
export function checkValueLimits(value: unknown, limits: ValueLimits = DEFAULT_VALUE_LIMITS): LimitViolation | undefined {
  const tally: Tally = { bytes: 0, tooDeep: false };
  if (!walk(value, 1, limits, tally)) return undefined;
  if (tally.tooDeep) return { limit: 'depth', message: `it is nested more than ${limits.maxDepth} deep (the limit, maxDepth)` };
  return sizeViolation(limits);
}

/** The node error for a value over the limits (`what` names it), or undefined when it is within them. */
export function limitError(value: unknown, limits: ValueLimits, what: string): NodeError | undefined {
  const violation = checkValueLimits(value, limits);
  if (!violation) return undefined;
  return new NodeError(violation.limit === 'depth' ? 'OUTPUT_TOO_DEEP' : 'OUTPUT_TOO_LARGE', `${what} cannot be accepted: ${violation.message}`);
}

interface Tally {
  bytes: number;
  tooDeep: boolean;
}

/** Adds `value` to the tally; true as soon as a limit is broken. */
function walk(value: unknown, depth: number, limits: ValueLimits, tally: Tally): boolean {
  if (typeof value !== 'object' || value === null) {
    tally.bytes += typeof value === 'string' ? value.length + 2 : 8;
    return tally.bytes > limits.maxBytes;
  }
  if (depth > limits.maxDepth) return (tally.tooDeep = true);
  tally.bytes += 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (walk(value[i], depth + 1, limits, tally)) return true;
  } else {
    for (const key in value) {
      tally.bytes += key.length + 4;
      if (walk((value as Record<string, unknown>)[key], depth + 1, limits, tally)) return true;
    }
  }
  return tally.bytes > limits.maxBytes;
}

function sizeViolation(limits: ValueLimits): LimitViolation {
  const mib = limits.maxBytes / (1024 * 1024);
  return { limit: 'size', message: `it is larger than ${Number.isInteger(mib) ? `${mib} MiB` : `${limits.maxBytes} bytes`} (the limit, maxBytes)` };
}
