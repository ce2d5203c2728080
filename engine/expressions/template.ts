import { compileExpression, evaluateCompiled } from './expression.ts';
import type { CompiledExpression } from './expression.ts';
import type { References } from './references.ts';
import { setOwn, stringifyForTemplate } from './plain-value.ts';
import { mayHoldTemplate, scanTemplate, TemplateScanError } from './scan.ts';
import type { ScannedTemplate } from './scan.ts';
import { DEFAULT_EXPRESSION_LIMITS, ExpressionError } from './types.ts';
import type { ExpressionLimits, ExpressionScope } from './types.ts';

export { compileExpression, evaluateExpression } from './expression.ts';
export type { CompiledExpression, ParsedExpression } from './expression.ts';

/**
 * A param value with its templates parsed: evaluate it many times with `evaluateValue`.
 * `literal` is a value without templates, returned as is.
 */
export type CompiledValue =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'typed'; readonly expression: CompiledExpression }
  | { readonly kind: 'text'; readonly path: string; readonly parts: readonly (string | CompiledExpression)[] }
  | { readonly kind: 'array'; readonly items: readonly CompiledValue[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, CompiledValue])[] };

/**
 * Parses every template in a JSON value once (DESIGN.md §4). A string that is exactly `{{ expr }}`
 * (whitespace around allowed) yields the typed result; other strings with `{{ }}` interpolate;
 * `\{{` is a literal `{{`. Object keys are never templates. Throws the first EXPRESSION_SYNTAX.
 */
export function compileValue(value: unknown, path = ''): CompiledValue {
  return compileNode(value, path, undefined);
}

/** Every syntax error in a value, so the validator can show them all at once. */
export function checkValue(value: unknown, path = ''): ExpressionError[] {
  const errors: ExpressionError[] = [];
  compileNode(value, path, errors);
  return errors;
}

/** True when the value holds no template: evaluateValue returns it as is, without copying. */
export function isStaticValue(compiled: CompiledValue): boolean {
  return compiled.kind === 'literal';
}

/**
 * The scope roots and upstream node ids the value's templates read, from JSONata's AST: the
 * executor and validator use them for ordering and "unknown node" errors.
 */
export function referencesOf(compiled: CompiledValue): References {
  const found: References = { roots: new Set<string>(), nodes: new Set<string>(), paths: [] };
  for (const expression of expressionsOf(compiled)) {
    for (const root of expression.parsed.references.roots) found.roots.add(root);
    for (const node of expression.parsed.references.nodes) found.nodes.add(node);
    found.paths.push(...expression.parsed.references.paths);
  }
  return found;
}

/**
 * Resolves every template against the scope. Typed `{{ }}` results are plain JSON (JSONata
 * sequences unwrapped as JSONata does); an undefined result is dropped from objects, null in arrays
 * and undefined at the top, as JSON.stringify does; in text it is ''. Failures are ExpressionErrors
 * (EXPRESSION_EVAL, _TIMEOUT or _DEPTH) naming the param path; expressions run in document order.
 * Results share static params and upstream outputs by reference: treat them as read-only.
 */
export function evaluateValue(
  compiled: CompiledValue,
  scope: ExpressionScope,
  limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS,
): Promise<unknown> {
  try {
    const result = evaluateNode(compiled, scope, limits);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

function compileNode(value: unknown, path: string, errors: ExpressionError[] | undefined): CompiledValue {
  if (typeof value === 'string') return compileString(value, path, errors);
  if (Array.isArray(value)) return compileArray(value, path, errors);
  if (isPlainObject(value)) return compileObject(value, path, errors);
  return { kind: 'literal', value };
}

function compileString(text: string, path: string, errors: ExpressionError[] | undefined): CompiledValue {
  if (!mayHoldTemplate(text)) return { kind: 'literal', value: text };
  let scanned: ScannedTemplate;
  try {
    scanned = scanTemplate(text);
  } catch (error) {
    if (!(error instanceof TemplateScanError)) throw error;
    return failed([new ExpressionError('EXPRESSION_SYNTAX', path, prefixed(path, error.message), error.offset)], errors, text);
  }
  const parts: (string | CompiledExpression)[] = [];
  const problems: ExpressionError[] = [];
  for (const part of scanned.parts) {
    if (part.kind === 'text') parts.push(part.text);
    else parts.push(...compilePart(part.source, path, problems, errors));
  }
  if (problems.length > 0) return failed(problems, errors, text);
  const expressions = parts.filter((part): part is CompiledExpression => typeof part !== 'string');
  const [only] = expressions;
  if (scanned.typed && only) return { kind: 'typed', expression: only };
  if (!only) return { kind: 'literal', value: parts.join('') };
  return { kind: 'text', path, parts };
}

/** The compiled expression, or nothing when it failed and errors are being collected. */
function compilePart(source: string, path: string, problems: ExpressionError[], errors: ExpressionError[] | undefined): CompiledExpression[] {
  try {
    return [compileExpression(source, path)];
  } catch (error) {
    if (!(error instanceof ExpressionError) || !errors) throw error;
    problems.push(error);
    return [];
  }
}

/** Throws the first error when compiling, or records them all and stands in a literal when checking. */
function failed(problems: readonly ExpressionError[], errors: ExpressionError[] | undefined, text: string): CompiledValue {
  if (!errors) throw problems[0];
  errors.push(...problems);
  return { kind: 'literal', value: text };
}

function compileArray(array: readonly unknown[], path: string, errors: ExpressionError[] | undefined): CompiledValue {
  const items = array.map((item, index) => compileNode(item, `${path}[${index}]`, errors));
  if (items.every((item, index) => item.kind === 'literal' && item.value === array[index])) return { kind: 'literal', value: array };
  if (items.every(isLiteral)) return { kind: 'literal', value: items.map((item) => item.value) };
  return { kind: 'array', items };
}

function compileObject(object: Record<string, unknown>, path: string, errors: ExpressionError[] | undefined): CompiledValue {
  const entries = Object.keys(object).map((key) => [key, compileNode(object[key], childPath(path, key), errors)] as const);
  if (entries.every(([key, item]) => item.kind === 'literal' && item.value === object[key])) return { kind: 'literal', value: object };
  if (entries.every(([, item]) => isLiteral(item))) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of entries) setOwn(copy, key, (item as { value: unknown }).value);
    return { kind: 'literal', value: copy };
  }
  return { kind: 'object', entries };
}

function isLiteral(compiled: CompiledValue): compiled is Extract<CompiledValue, { kind: 'literal' }> {
  return compiled.kind === 'literal';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const SIMPLE_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `params.headers.X-Api-Key`, or `params.headers["a.b"]` when the key needs quoting. */
function childPath(path: string, key: string): string {
  if (!SIMPLE_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

function prefixed(path: string, message: string): string {
  return path === '' ? message : `${path}: ${message}`;
}

function* expressionsOf(compiled: CompiledValue): Generator<CompiledExpression> {
  switch (compiled.kind) {
    case 'literal':
      return;
    case 'typed':
      yield compiled.expression;
      return;
    case 'text':
      for (const part of compiled.parts) if (typeof part !== 'string') yield part;
      return;
    case 'array':
      for (const item of compiled.items) yield* expressionsOf(item);
      return;
    case 'object':
      for (const [, item] of compiled.entries) yield* expressionsOf(item);
      return;
  }
}

/** The value, or a promise of it once an expression needs JSONata; fast paths stay synchronous. */
function evaluateNode(compiled: CompiledValue, scope: ExpressionScope, limits: ExpressionLimits): unknown {
  switch (compiled.kind) {
    case 'literal':
      return compiled.value;
    case 'typed':
      return evaluateCompiled(compiled.expression, scope, limits);
    case 'text':
      return evaluateText(compiled.parts, scope, limits);
    case 'array':
      return evaluateArray(compiled.items, scope, limits);
    case 'object':
      return evaluateObject(compiled.entries, scope, limits);
  }
}

function evaluateText(parts: readonly (string | CompiledExpression)[], scope: ExpressionScope, limits: ExpressionLimits): unknown {
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string | CompiledExpression;
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = evaluateCompiled(part, scope, limits);
    if (value instanceof Promise) return finishText(parts, i, value, text, scope, limits);
    text += stringifyForTemplate(value);
  }
  return text;
}

async function finishText(
  parts: readonly (string | CompiledExpression)[],
  from: number,
  pending: Promise<unknown>,
  prefix: string,
  scope: ExpressionScope,
  limits: ExpressionLimits,
): Promise<string> {
  let text = prefix + stringifyForTemplate(await pending);
  for (let i = from + 1; i < parts.length; i++) {
    const part = parts[i] as string | CompiledExpression;
    text += typeof part === 'string' ? part : stringifyForTemplate(await evaluateCompiled(part, scope, limits));
  }
  return text;
}

function evaluateArray(items: readonly CompiledValue[], scope: ExpressionScope, limits: ExpressionLimits): unknown {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const value = evaluateNode(items[i] as CompiledValue, scope, limits);
    if (value instanceof Promise) return finishArray(items, i, value, out, scope, limits);
    out.push(value === undefined ? null : value);
  }
  return out;
}

async function finishArray(
  items: readonly CompiledValue[],
  from: number,
  pending: Promise<unknown>,
  out: unknown[],
  scope: ExpressionScope,
  limits: ExpressionLimits,
): Promise<unknown[]> {
  for (let i = from; i < items.length; i++) {
    const value = i === from ? await pending : await evaluateNode(items[i] as CompiledValue, scope, limits);
    out.push(value === undefined ? null : value);
  }
  return out;
}

type Entries = readonly (readonly [string, CompiledValue])[];

function evaluateObject(entries: Entries, scope: ExpressionScope, limits: ExpressionLimits): unknown {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i] as readonly [string, CompiledValue];
    const value = evaluateNode(item, scope, limits);
    if (value instanceof Promise) return finishObject(entries, i, value, out, scope, limits);
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}

async function finishObject(
  entries: Entries,
  from: number,
  pending: Promise<unknown>,
  out: Record<string, unknown>,
  scope: ExpressionScope,
  limits: ExpressionLimits,
): Promise<Record<string, unknown>> {
  for (let i = from; i < entries.length; i++) {
    const [key, item] = entries[i] as readonly [string, CompiledValue];
    const value = i === from ? await pending : await evaluateNode(item, scope, limits);
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}
