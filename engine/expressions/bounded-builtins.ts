import jsonata from 'jsonata';

/**
 * The built-ins that can make a value far larger than their inputs in one step, where the
 * per-step time check cannot interrupt them (`$pad("", 60000000)` is one call of seconds and
 * gigabytes). Each is replaced by a wrapper that refuses, before calling JSONata's own
 * implementation, a result longer than the evaluation's `maxLength`.
 */
const AMPLIFIERS = {
  pad: '<s-ns?:s>',
  join: '<a<s>s?:s>',
  replace: '<s-(sf)(sf)n?:s>',
} as const;

type Builtin = (this: unknown, ...args: unknown[]) => unknown;
type Name = keyof typeof AMPLIFIERS;

/** JSONata's own implementations, read once from a bare evaluation of `[$pad, $join, $replace]`. */
let originals: Record<Name, Builtin> | undefined;
let loading: Promise<void> | undefined;

/** Resolves once the originals are known; evaluations await it (once) before their first step. */
export function builtinsReady(): Promise<void> | undefined {
  if (originals) return undefined;
  loading ??= (async () => {
    const refs = (await jsonata(`[${Object.keys(AMPLIFIERS).map((n) => `$${n}`).join(', ')}]`).evaluate({})) as Array<{ implementation: Builtin }>;
    const names = Object.keys(AMPLIFIERS) as Name[];
    originals = Object.fromEntries(names.map((name, i) => [name, refs[i]!.implementation])) as Record<Name, Builtin>;
  })();
  return loading;
}

/** Thrown by a wrapper; the evaluation reports it as EXPRESSION_SIZE naming the built-in. */
export class SizeLimitError extends Error {
  constructor(readonly what: string, readonly length: number) {
    super('EXPRESSION_SIZE');
  }
}

/** The longest result a wrapper lets through; `maxLengthOf` reads it from the evaluation. */
type LengthLimit = (self: unknown) => number;

/** Registers the bounded wrappers on a parsed program. */
export function installBoundedBuiltins(program: jsonata.Expression, maxLengthOf: LengthLimit): void {
  const guard = (name: Name, bound: (args: unknown[]) => number): Builtin =>
    function (this: unknown, ...args: unknown[]) {
      const length = bound(args);
      if (length > maxLengthOf(this)) throw new SizeLimitError(`$${name}`, length);
      return originals![name].apply(this, args);
    };
  program.registerFunction('pad', guard('pad', padLength), AMPLIFIERS.pad);
  program.registerFunction('join', guard('join', joinLength), AMPLIFIERS.join);
  program.registerFunction('replace', guard('replace', replaceLength), AMPLIFIERS.replace);
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
