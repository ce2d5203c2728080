import jsonata from 'jsonata';
import { nodesOfType } from './ast.ts';
import type { AstNode } from './ast.ts';
import { NEEDS_JSONATA, plainPathOf, plainPathOfText, walkPlainPath } from './fast-path.ts';
import { builtinsReady, installBoundedBuiltins, SizeLimitError } from './bounded-builtins.ts';
import { LinearRegExp, linearRegexProblem } from './linear-regex.ts';
import { toPlainJson } from './plain-value.ts';
import { collectReferences, referencesOfPlainPath } from './references.ts';
import type { References } from './references.ts';
import { DEFAULT_EXPRESSION_LIMITS, ExpressionError } from './types.ts';
import type { ExpressionLimits, ExpressionScope } from './types.ts';

/** A parsed expression, shared by every template with the same source text. */
export interface ParsedExpression {
  readonly source: string;
  readonly program: jsonata.Expression;
  /** The keys of a pure dotted path, walked without JSONata (see fast-path.ts). */
  readonly plainPath: readonly string[] | undefined;
  readonly references: { readonly roots: ReadonlySet<string>; readonly nodes: ReadonlySet<string>; readonly paths: readonly (readonly string[])[] };
}

/** One use of a parsed expression at a param path, ready to evaluate many times. */
export interface CompiledExpression {
  readonly path: string;
  readonly parsed: ParsedExpression;
}

const CACHE_LIMIT = 5_000;
const cache = new Map<string, ParsedExpression>();

/** JSONata looks these up in the environment on entry to and exit from every evaluation step. */
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit');

/**
 * The binding carrying an evaluation's budget. The space makes it a name no JSONata source can
 * write (`$a b` is two tokens), so an expression cannot read or rebind it.
 */
const BUDGET_BINDING = 'switchboard budget';

/** Step types that invoke a function: their nesting is the recursion depth that is limited. */
const CALL_TYPES = new Set(['function', 'apply']);

/**
 * Parses a bare JSONata expression (no braces) once; identical sources share one parse through a
 * bounded cache. Throws EXPRESSION_SYNTAX naming `path`, with JSONata's position (just past the
 * offending token) in the trimmed source.
 */
export function compileExpression(text: string, path = ''): CompiledExpression {
  return { path, parsed: parseExpression(text.trim(), path) };
}

function parseExpression(source: string, path: string): ParsedExpression {
  const cached = cache.get(source);
  if (cached) {
    cache.delete(source);
    cache.set(source, cached);
    return cached;
  }
  const parsed = parseUncached(source, path);
  cache.set(source, parsed);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return parsed;
}

function parseUncached(source: string, path: string): ParsedExpression {
  if (source === '') throw new ExpressionError('EXPRESSION_SYNTAX', path, withPath(path, 'empty expression in "{{ }}"'), 0);
  const plainPath = plainPathOfText(source);
  if (plainPath) return plainPathParsed(source, plainPath);
  let program: jsonata.Expression;
  try {
    program = jsonata(source, JSONATA_OPTIONS);
  } catch (error) {
    const { message, position } = describeJsonataError(error);
    throw new ExpressionError('EXPRESSION_SYNTAX', path, withPath(path, `${message}${atPosition(position)} of "${excerpt(source)}"`), position);
  }
  const ast = program.ast() as unknown as AstNode;
  refuseBacktrackingRegexes(ast, source, path);
  const references = { roots: new Set<string>(), nodes: new Set<string>(), paths: [] } satisfies References;
  collectReferences(ast, references);
  return guardedOnFirstUse(source, plainPathOf(ast), references, () => program);
}

/**
 * A plain dotted path, known from its text: JSONata parses it only if an evaluation needs it (an
 * array on the way, see walkPlainPath), which most never do.
 */
function plainPathParsed(source: string, plainPath: readonly string[]): ParsedExpression {
  return guardedOnFirstUse(source, plainPath, referencesOfPlainPath(plainPath), () => jsonata(source, JSONATA_OPTIONS));
}

/**
 * The parsed expression whose program gets its guards when first evaluated: validation reads only
 * the AST, and guarding parses a signature per bounded built-in (a tenth of a cold `validate`).
 */
function guardedOnFirstUse(
  source: string,
  plainPath: readonly string[] | undefined,
  references: ParsedExpression['references'],
  parse: () => jsonata.Expression,
): ParsedExpression {
  let program: jsonata.Expression | undefined;
  return {
    source,
    plainPath,
    references,
    get program() {
      if (program === undefined) {
        program = parse();
        installGuards(program);
      }
      return program;
    },
  };
}

/** Regexes match in linear time (see linear-regex.ts). */
const JSONATA_OPTIONS = { RegexEngine: LinearRegExp as unknown as RegExpConstructor };

/** A regex RE2 cannot run is refused when the playbook is validated, not when a run reaches it. */
function refuseBacktrackingRegexes(ast: AstNode, source: string, path: string): void {
  // A regex literal needs a slash: most expressions have none, and skip the walk.
  if (!source.includes('/')) return;
  for (const node of nodesOfType(ast, 'regex')) {
    if (!(node.value instanceof RegExp)) continue;
    const problem = linearRegexProblem(node.value);
    if (problem === undefined) continue;
    const position = typeof node.position === 'number' ? node.position : undefined;
    const regex = `regex /${node.value.source}/${atPosition(position)} of "${excerpt(source)}"`;
    const message = `${regex} cannot run in linear time (${problem}): backreferences and lookarounds are not supported`;
    throw new ExpressionError('EXPRESSION_SYNTAX', path, withPath(path, message), position);
  }
}

/** Binds the limit hooks and the `$eval` refusal once per parse; they apply to every evaluation. */
function installGuards(program: jsonata.Expression): void {
  const bind = program.assign as (name: string | symbol, value: unknown) => void;
  bind(ENTRY_HOOK, onEntry);
  bind(EXIT_HOOK, onExit);
  program.registerFunction('eval', refuseEval);
  installBoundedBuiltins(program, (self) => {
    const environment = (self as { environment?: HookEnvironment } | undefined)?.environment;
    return (environment ? budgetOf(environment) : undefined) ?? DEFAULT_EXPRESSION_LIMITS;
  });
}

/**
 * `$eval` parses text at run time: that text escapes validation and reference analysis (hidden
 * upstream dependencies), and `$eval(trigger.subject)` would run attacker-written JSONata.
 */
function refuseEval(): never {
  throw new Error('$eval is disabled in Switchboard expressions: write the expression directly');
}

/**
 * One evaluation's limits and bookkeeping; never shared between evaluations. The deadline is on the
 * monotonic clock: it guards CPU, so neither a system clock change nor a test's fake Date moves it.
 */
interface Budget {
  readonly deadline: number;
  readonly limits: ExpressionLimits;
  readonly maxStringLength: number;
  readonly maxItems: number;
  depth: number;
  tripped?: 'EXPRESSION_TIMEOUT' | 'EXPRESSION_DEPTH' | 'EXPRESSION_SIZE';
  /** What broke a size limit: the kind of step, and the string or list length it reached. */
  oversize?: { step: string; length: number; of: 'string' | 'list' };
}

interface HookStep {
  readonly type: string;
}

interface HookEnvironment {
  readonly base?: object;
  lookup(name: string): unknown;
}

/**
 * Budgets by evaluation frame. The budget is read from the binding once, at the first step, before
 * any user code ran; later steps find it by frame, so nothing an expression does can swap it.
 */
const budgets = new WeakMap<object, Budget>();

function budgetOf(environment: HookEnvironment): Budget | undefined {
  const frame = environment.base;
  const known = frame ? budgets.get(frame) : undefined;
  if (known) return known;
  const bound = environment.lookup(BUDGET_BINDING) as Budget | undefined;
  if (frame && bound) budgets.set(frame, bound);
  return bound;
}

function onEntry(step: HookStep, _input: unknown, environment: HookEnvironment): void {
  const budget = budgetOf(environment);
  if (!budget) return;
  if (performance.now() > budget.deadline) trip(budget, 'EXPRESSION_TIMEOUT');
  if (CALL_TYPES.has(step.type) && ++budget.depth > budget.limits.maxDepth) trip(budget, 'EXPRESSION_DEPTH');
}

/** Every step's result is measured: a string or list past the limits stops the evaluation there. */
function onExit(step: HookStep, _input: unknown, environment: HookEnvironment, result: unknown): void {
  const budget = budgetOf(environment);
  if (!budget) return;
  if (CALL_TYPES.has(step.type)) budget.depth--;
  const of = typeof result === 'string' ? 'string' : Array.isArray(result) ? 'list' : undefined;
  const length = of ? (result as string | unknown[]).length : 0;
  if (of && length > (of === 'string' ? budget.maxStringLength : budget.maxItems)) {
    budget.oversize = { step: step.type, length, of };
    trip(budget, 'EXPRESSION_SIZE');
  }
}

function trip(budget: Budget, code: NonNullable<Budget['tripped']>): never {
  budget.tripped = code;
  throw new Error(code);
}

/**
 * Evaluates a compiled expression against the scope within the limits, returning a plain JSON-like
 * value (see toPlainJson); JSONata's "no result" is undefined.
 */
export async function evaluateExpression(
  compiled: CompiledExpression,
  scope: ExpressionScope,
  limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS,
): Promise<unknown> {
  return evaluateCompiled(compiled, scope, limits);
}

/**
 * Same as evaluateExpression, but synchronous when the fast path decides: templates resolve without
 * a microtask per expression, which is what keeps a thousand-node chain within its budget.
 */
export function evaluateCompiled(compiled: CompiledExpression, scope: ExpressionScope, limits: ExpressionLimits): unknown {
  const { plainPath } = compiled.parsed;
  if (plainPath) {
    const value = walkPlainPath(scope, plainPath);
    if (value !== NEEDS_JSONATA) return value;
  }
  return evaluateWithJsonata(compiled, scope, limits);
}

async function evaluateWithJsonata(compiled: CompiledExpression, scope: ExpressionScope, limits: ExpressionLimits): Promise<unknown> {
  await builtinsReady();
  const budget: Budget = {
    deadline: performance.now() + limits.timeoutMs,
    limits,
    maxStringLength: limits.maxStringLength ?? DEFAULT_EXPRESSION_LIMITS.maxStringLength,
    maxItems: limits.maxItems ?? DEFAULT_EXPRESSION_LIMITS.maxItems,
    depth: 0,
  };
  try {
    const result: unknown = await compiled.parsed.program.evaluate(scope, { [BUDGET_BINDING]: budget });
    return toPlainJson(result);
  } catch (error) {
    throw evaluationError(compiled, budget, error);
  }
}

function evaluationError(compiled: CompiledExpression, budget: Budget, error: unknown): ExpressionError {
  const { path, parsed } = compiled;
  const where = `"${excerpt(parsed.source)}"`;
  if (budget.tripped === 'EXPRESSION_TIMEOUT') {
    return new ExpressionError('EXPRESSION_TIMEOUT', path, withPath(path, `${where} ran longer than ${budget.limits.timeoutMs} ms`));
  }
  if (error instanceof SizeLimitError) {
    return new ExpressionError('EXPRESSION_SIZE', path, withPath(path, `${where}: ${error.what} would make ${error.length} characters; the limit is ${budget.maxStringLength} (maxStringLength)`));
  }
  if (budget.tripped === 'EXPRESSION_SIZE' && budget.oversize) {
    const { step, length, of } = budget.oversize;
    const limit = of === 'string' ? `${length} characters; the limit is ${budget.maxStringLength} (maxStringLength)` : `${length} items; the limit is ${budget.maxItems} (maxItems)`;
    return new ExpressionError('EXPRESSION_SIZE', path, withPath(path, `${where}: a ${step} step made a ${of} of ${limit}`));
  }
  if (budget.tripped === 'EXPRESSION_DEPTH') {
    const limit = budget.limits.maxDepth;
    return new ExpressionError('EXPRESSION_DEPTH', path, withPath(path, `${where} nested more than ${limit} function calls (runaway recursion?)`));
  }
  const { message, position } = describeJsonataError(error);
  return new ExpressionError('EXPRESSION_EVAL', path, withPath(path, `${message} in ${where}`), position);
}

/** JSONata throws plain objects `{ code, message, position, token }` as well as Errors. */
function describeJsonataError(error: unknown): { message: string; position?: number } {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; position?: unknown };
  const raw = typeof fields.message === 'string' && fields.message !== '' ? fields.message : String(error);
  const position = typeof fields.position === 'number' ? fields.position : undefined;
  return { message: oneLine(raw), position };
}

/** ` at position N`, or nothing when JSONata gave no position. */
function atPosition(position: number | undefined): string {
  return position === undefined ? '' : ` at position ${position}`;
}

function withPath(path: string, message: string): string {
  return path === '' ? message : `${path}: ${message}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function excerpt(source: string): string {
  const flat = oneLine(source);
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
