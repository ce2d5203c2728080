import jsonata from 'jsonata';

/** The size limits a wrapper enforces: an evaluation's `maxStringLength` and `maxItems`. */
export interface SizeLimits {
  maxStringLength: number;
  maxItems: number;
}

type Builtin = (this: unknown, ...args: unknown[]) => unknown;

/** A bounded stand-in: gets JSONata's own implementation, `this`, the arguments and the limits. */
type Wrapper = (original: Builtin, self: unknown, args: unknown[], limits: SizeLimits) => unknown;

/**
 * The built-ins that one call can make far larger, or far slower, than their inputs, where the
 * per-step time check cannot interrupt them: each runs through a wrapper that refuses a result
 * past the limits before making it, or does the same work in linear time.
 */
const WRAPPERS: Record<string, { signature: string; wrap: Wrapper }> = {
  // `$pad("", 60000000)`: one call of seconds and gigabytes.
  pad: { signature: '<s-ns?:s>', wrap: refusingLonger('$pad', padLength) },
  join: { signature: '<a<s>s?:s>', wrap: refusingLonger('$join', joinLength) },
  replace: { signature: '<s-(sf)(sf)n?:s>', wrap: refusingLonger('$replace', replaceLength) },
  // A match or a piece per character of a 10 M text: millions of objects before any step ends.
  match: { signature: '<s-f<s:o>n?:a<o>>', wrap: limitingCount(2) },
  split: { signature: '<s-(sf)n?:a<s>>', wrap: limitingCount(2) },
  // JSONata's default sort is an awaited merge sort that copies the rest of the list per element.
  sort: { signature: '<af?:a>', wrap: sortNatively },
  // JSONata compares every item with every kept one: quadratic.
  distinct: { signature: '<x:x>', wrap: distinctByKey },
};

type Name = keyof typeof WRAPPERS;

/** JSONata's own implementations, read once from a bare evaluation of `[$pad, $join, …]`. */
let originals: Record<Name, Builtin> | undefined;
let loading: Promise<void> | undefined;

/** Resolves once the originals are known; evaluations await it (once) before their first step. */
export function builtinsReady(): Promise<void> | undefined {
  if (originals) return undefined;
  loading ??= (async () => {
    const names = Object.keys(WRAPPERS);
    const refs = (await jsonata(`[${names.map((n) => `$${n}`).join(', ')}]`).evaluate({})) as Array<{ implementation: Builtin }>;
    originals = Object.fromEntries(names.map((name, i) => [name, refs[i]!.implementation]));
  })();
  return loading;
}

/** Thrown by a wrapper; the evaluation reports it as EXPRESSION_SIZE naming the built-in. */
export class SizeLimitError extends Error {
  constructor(
    readonly what: string,
    readonly length: number,
  ) {
    super('EXPRESSION_SIZE');
  }
}

/** Registers the bounded wrappers on a parsed program; `limitsOf` reads the evaluation's limits. */
export function installBoundedBuiltins(program: jsonata.Expression, limitsOf: (self: unknown) => SizeLimits): void {
  for (const [name, { signature, wrap }] of Object.entries(WRAPPERS)) {
    program.registerFunction(
      name,
      function (this: unknown, ...args: unknown[]) {
        return wrap(originals![name]!, this, args, limitsOf(this));
      },
      signature,
    );
  }
}

function refusingLonger(name: string, bound: (args: unknown[]) => number): Wrapper {
  return (original, self, args, limits) => {
    const length = bound(args);
    if (length > limits.maxStringLength) throw new SizeLimitError(name, length);
    return original.apply(self, args);
  };
}

/** Passes a count limit one past `maxItems` when none was given: a longer list then trips the step check. */
function limitingCount(limitIndex: number): Wrapper {
  return (original, self, args, limits) => {
    const given = args[limitIndex];
    const cap = limits.maxItems + 1;
    const next = [...args];
    next[limitIndex] = typeof given === 'number' ? Math.min(given, cap) : cap;
    return original.apply(self, next);
  };
}

/** Numbers or strings without a comparator sort natively (stable, as JSONata's merge sort is). */
function sortNatively(original: Builtin, self: unknown, args: unknown[]): unknown {
  const [list, comparator] = args;
  if (comparator !== undefined || !Array.isArray(list) || list.length <= 1) return original.apply(self, args);
  const numbers = list.every((v) => typeof v === 'number');
  if (!numbers && !list.every((v) => typeof v === 'string')) return original.apply(self, args);
  return [...(list as Array<number | string>)].sort((a, b) => (a > b ? 1 : a < b ? -1 : 0));
}

/** Below this a list keeps JSONata's own `$distinct`; above, the linear one. */
const SMALL_LIST = 1_000;

/** `$distinct` in linear time: items compared as JSONata's deep equality does, by a canonical key. */
function distinctByKey(original: Builtin, self: unknown, args: unknown[]): unknown {
  const [list] = args;
  if (!Array.isArray(list) || list.length <= SMALL_LIST || list.some((v) => typeof v === 'function')) return original.apply(self, args);
  const seen = new Set<string>();
  const kept = list.filter((value) => {
    const key = canonicalKey(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if ((list as { sequence?: boolean }).sequence === true) Object.assign(kept, { sequence: true });
  return kept;
}

/** Equal keys exactly when JSONata's deep equality holds: same type and value, objects' keys in any order. */
function canonicalKey(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `${typeof value}:${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalKey(record[key])}`)
    .join(',')}}`;
}

function padLength([str, width]: unknown[]): number {
  return Math.max(typeof str === 'string' ? str.length : 0, Math.abs(Math.trunc(Number(width) || 0)));
}

function joinLength([strs, separator]: unknown[]): number {
  if (!Array.isArray(strs)) return 0;
  let total = typeof separator === 'string' ? separator.length * Math.max(0, strs.length - 1) : 0;
  for (const s of strs) total += typeof s === 'string' ? s.length : 0;
  return total;
}

/**
 * At most one replacement per match and a match per position (a regex may match the empty
 * string), so a text of n characters grows to at most n + (n + 1) · |replacement|. A string
 * pattern's matches are counted exactly, so ordinary replacements are never refused.
 */
function replaceLength([str, pattern, replacement]: unknown[]): number {
  if (typeof str !== 'string' || typeof replacement !== 'string') return typeof str === 'string' ? str.length : 0;
  const matches = typeof pattern === 'string' && pattern !== '' ? str.split(pattern).length - 1 : str.length + 1;
  return str.length + matches * Math.max(0, replacement.length - (typeof pattern === 'string' ? pattern.length : 0));
}
