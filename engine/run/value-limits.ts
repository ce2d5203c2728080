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
 * Walks a value iteratively (no recursion, so a hostile 100,000-deep value cannot overflow the
 * stack) and stops at the first limit it breaks. Cycles count as infinite depth.
 */
export function checkValueLimits(value: unknown, limits: ValueLimits = DEFAULT_VALUE_LIMITS): LimitViolation | undefined {
  if (typeof value !== 'object' || value === null) return scalarSize(value) > limits.maxBytes ? sizeViolation(limits) : undefined;
  let bytes = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [current, depth] = entry;
    if (typeof current !== 'object' || current === null) {
      bytes += scalarSize(current);
    } else {
      if (depth > limits.maxDepth) {
        return { limit: 'depth', message: `it is nested more than ${limits.maxDepth} deep (the limit, maxDepth)` };
      }
      bytes += 2;
      if (Array.isArray(current)) {
        for (const item of current) stack.push([item, depth + 1]);
      } else {
        for (const key in current) {
          bytes += key.length + 4;
          stack.push([(current as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
    if (bytes > limits.maxBytes) return sizeViolation(limits);
  }
  return undefined;
}

function scalarSize(value: unknown): number {
  return typeof value === 'string' ? value.length + 2 : 8;
}

function sizeViolation(limits: ValueLimits): LimitViolation {
  const mib = limits.maxBytes / (1024 * 1024);
  return { limit: 'size', message: `it is larger than ${Number.isInteger(mib) ? `${mib} MiB` : `${limits.maxBytes} bytes`} (the limit, maxBytes)` };
}
