import { RE2JS } from 're2js';

/**
 * Expression regexes run on RE2's linear-time engine (re2js, pure JavaScript), not on V8's
 * backtracking one: a playbook's `/(a+)+$/` against an attacker's 50,000-character subject takes
 * milliseconds instead of hanging the process, where the per-evaluation time limit cannot reach
 * (a native regex cannot be interrupted). The price is RE2's syntax: no backreferences and no
 * lookarounds, which `linearRegexProblem` reports when the expression is parsed.
 */

/** Compiled patterns by JSONata's regex literal: JSONata builds a regex engine per evaluation. */
const patterns = new WeakMap<RegExp, RE2JS>();

function linearPattern(literal: RegExp): RE2JS {
  let pattern = patterns.get(literal);
  if (pattern === undefined) {
    pattern = RE2JS.compile(RE2JS.translateRegExp(literal));
    patterns.set(literal, pattern);
  }
  return pattern;
}

/** RE2's reason a regex literal cannot run in linear time, or undefined when it can. */
export function linearRegexProblem(literal: RegExp): string | undefined {
  try {
    linearPattern(literal);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  }
}

/**
 * What JSONata needs of a RegExp (`lastIndex`, `exec` with the global flag's semantics), matched
 * by RE2. Passed to JSONata as its `RegexEngine`.
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(private readonly literal: RegExp) {
    this.pattern = linearPattern(literal);
  }

  get source(): string {
    return this.literal.source;
  }

  exec(input: string): RegExpExecArray | null {
    const matcher = this.pattern.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const match: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group++) match.push(matcher.group(group) ?? undefined);
    this.lastIndex = matcher.end();
    return Object.assign(match, { index: matcher.start(), input }) as unknown as RegExpExecArray;
  }
}
