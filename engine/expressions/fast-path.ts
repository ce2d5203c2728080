import { hasOnlyFields, isAstNode } from './ast.ts';
import type { AstNode } from './ast.ts';
import { isJsonataFunction } from './plain-value.ts';

/** Returned by `walkPlainPath` when only JSONata itself can say what the path yields. */
export const NEEDS_JSONATA: unique symbol = Symbol('needs-jsonata');

const STEP_FIELDS = ['type', 'value', 'position'];

/**
 * The keys of an expression that is a pure dotted path of names (`nodes.lookup.output.score`,
 * `$$.trigger.ip`), or undefined. Such paths are most templates, and walking them directly is
 * two orders of magnitude faster than a JSONata evaluation.
 */
export function plainPathOf(ast: AstNode): readonly string[] | undefined {
  if (ast.type !== 'path' || !hasOnlyFields(ast, ['type', 'steps']) || !ast.steps) return undefined;
  const keys: string[] = [];
  for (const [index, step] of ast.steps.entries()) {
    if (!isAstNode(step) || !hasOnlyFields(step, STEP_FIELDS)) return undefined;
    if (index === 0 && isRootVariable(step) && ast.steps.length > 1) continue;
    if (step.type !== 'name' || typeof step.value !== 'string') return undefined;
    keys.push(step.value);
  }
  return keys.length > 0 ? keys : undefined;
}

/** A dotted path of plain names, optionally from `$` or `$$`: the shape `plainPathOfText` reads. */
const PLAIN_PATH_TEXT = /^(?:\$\$?\.)?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Words JSONata reserves: operators (`and`, `or`, `in`), literals (`true`, `false`, `null`) and
 * `function`. A path holding one is left to JSONata's parser, and a key spelled like one is
 * quoted, since it may not read as a field. The one list of them.
 */
export const JSONATA_NAME_KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/**
 * The keys `plainPathOf` would find in the AST of `source`, read from the text alone, or
 * undefined when only JSONata's parser can tell. Most templates are such paths; skipping the
 * parse for them is what keeps a cold `switchboard validate` quick.
 */
export function plainPathOfText(source: string): readonly string[] | undefined {
  if (!PLAIN_PATH_TEXT.test(source)) return undefined;
  const names = source.split('.');
  const keys = names[0] === '$' || names[0] === '$$' ? names.slice(1) : names;
  return keys.some((key) => JSONATA_NAME_KEYWORDS.has(key)) ? undefined : keys;
}

/** `$` (the context, which at the top is the scope) or `$$` (the scope). */
function isRootVariable(step: AstNode): boolean {
  return step.type === 'variable' && (step.value === '' || step.value === '$');
}

/**
 * Walks own properties of plain objects exactly as JSONata would evaluate the path, or returns
 * NEEDS_JSONATA where JSONata's own rules apply: an array before the last key (JSONata maps over
 * it and flattens) or a value JSONata treats as a function.
 */
export function walkPlainPath(root: unknown, keys: readonly string[]): unknown {
  let value = root;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return typeof value === 'function' ? NEEDS_JSONATA : undefined;
    if (Array.isArray(value) || isJsonataFunction(value)) return NEEDS_JSONATA;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'function') return NEEDS_JSONATA;
  if (typeof value === 'object' && value !== null && (isJsonataSequence(value) || isJsonataFunction(value))) {
    return NEEDS_JSONATA;
  }
  return value;
}

function isJsonataSequence(value: object): boolean {
  return Array.isArray(value) && (value as { sequence?: unknown }).sequence === true;
}
