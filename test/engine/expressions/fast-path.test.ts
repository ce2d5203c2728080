import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import jsonata from 'jsonata';
import { compileExpression, evaluateExpression } from '../../../engine/expressions/expression.ts';
import { JSONATA_NAME_KEYWORDS, NEEDS_JSONATA, plainPathOf, plainPathOfText, walkPlainPath } from '../../../engine/expressions/fast-path.ts';
import { collectReferences, referencesOfPlainPath } from '../../../engine/expressions/references.ts';
import type { AstNode } from '../../../engine/expressions/ast.ts';
import { toPlainJson } from '../../../engine/expressions/plain-value.ts';
import type { ExpressionScope } from '../../../engine/expressions/types.ts';
import { isPlainJson } from './fixtures.ts';

const PLAYBOOKS = fileURLToPath(new URL('../../../playbooks/', import.meta.url));

const KEYS = ['a', 'b', 'c', 'constructor', '__proto__'] as const;

/** Builds objects the way JSON.parse does: `__proto__` is an own key, not the prototype. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

const { json } = fc.letrec<{ json: unknown; object: Record<string, unknown> }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, 1, -2.5, '', 'x'),
    tie('object'),
    fc.array(tie('json'), { maxLength: 3 }),
  ),
  object: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('json')), { maxLength: 4 }).map(objectOf),
}));

const rootObject = fc.array(fc.tuple(fc.constantFrom(...KEYS), json), { minLength: 1, maxLength: 4 }).map(objectOf);
const path = fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 4 });
const prefix = fc.constantFrom('', '$.', '$$.');

function sourceOf(prefixText: string, keys: readonly string[]): string {
  return prefixText + keys.map((key) => `\`${key}\``).join('.');
}

async function jsonataResult(source: string, input: unknown): Promise<unknown> {
  return toPlainJson(await jsonata(source).evaluate(input));
}

describe('recognising a pure dotted path', () => {
  function keysOf(source: string): readonly string[] | undefined {
    return plainPathOf(jsonata(source).ast() as unknown as AstNode);
  }

  it('accepts names joined by dots, optionally after $ or $$', () => {
    expect(keysOf('nodes.lookup.output.data.score')).toEqual(['nodes', 'lookup', 'output', 'data', 'score']);
    expect(keysOf('trigger')).toEqual(['trigger']);
    expect(keysOf('$$.trigger.ip')).toEqual(['trigger', 'ip']);
    expect(keysOf('nodes.`check-url`.output')).toEqual(['nodes', 'check-url', 'output']);
  });

  it('refuses anything JSONata evaluates differently: filters, [], wildcards, functions, variables', () => {
    for (const source of ['a[0]', 'a.b[]', 'a.*', 'a.$count(b)', '$x.a', '$', 'a{b: c}', 'a^(b)', 'a@$x.b', 'a#$i.b', '**.a', 'a.b.%', '"a"', 'a + b']) {
      expect(keysOf(source), source).toBeUndefined();
    }
  });
});

describe('walking a pure dotted path', () => {
  it('reads own properties only, and stops at primitives', () => {
    const data = { a: { b: 'x' }, s: 'text' };
    expect(walkPlainPath(data, ['a', 'b'])).toBe('x');
    expect(walkPlainPath(data, ['a', 'missing'])).toBeUndefined();
    expect(walkPlainPath(data, ['s', 'length'])).toBeUndefined();
    expect(walkPlainPath(data, ['a', 'constructor'])).toBeUndefined();
    expect(walkPlainPath(data, ['toString'])).toBeUndefined();
  });

  it('returns a final array as is, and hands an array along the way to JSONata', () => {
    const list = [{ b: 1 }, { b: 2 }];
    expect(walkPlainPath({ a: list }, ['a'])).toBe(list);
    expect(walkPlainPath({ a: list }, ['a', 'b'])).toBe(NEEDS_JSONATA);
  });

  it('gives exactly what JSONata gives, for random JSON and random paths', async () => {
    await fc.assert(
      fc.asyncProperty(rootObject, prefix, path, async (input, prefixText, keys) => {
        const fast = walkPlainPath(input, keys);
        fc.pre(fast !== NEEDS_JSONATA);
        const expected = await jsonataResult(sourceOf(prefixText, keys), input);
        expect(fast).toStrictEqual(expected);
        if (typeof fast === 'object' && fast !== null) expect(fast).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decides most random paths itself', () => {
    const samples = fc.sample(fc.tuple(rootObject, path), { numRuns: 1_000, seed: 7 });
    const decided = samples.filter(([input, keys]) => walkPlainPath(input, keys) !== NEEDS_JSONATA).length;
    expect(decided).toBeGreaterThan(500);
  });
});

describe('evaluateExpression with the fast path', () => {
  it('agrees with JSONata on every path, falling back where the walk cannot decide', async () => {
    await fc.assert(
      fc.asyncProperty(rootObject, prefix, path, async (input, prefixText, keys) => {
        const source = sourceOf(prefixText, keys);
        const compiled = compileExpression(source);
        expect(compiled.parsed.plainPath).toEqual(keys);
        const actual = await evaluateExpression(compiled, input as unknown as ExpressionScope);
        expect(actual).toStrictEqual(await jsonataResult(source, input));
        expect(actual === undefined || isPlainJson(actual)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('maps over arrays and flattens them as JSONata does', async () => {
    const scope = { trigger: { items: [{ tags: ['a', 'b'] }, { tags: ['c'] }, { tags: [] }, {}] } } as unknown as ExpressionScope;
    const tags = await evaluateExpression(compileExpression('trigger.items.tags'), scope);
    expect(tags).toEqual(['a', 'b', 'c']);
    expect(isPlainJson(tags)).toBe(true);
    expect(await evaluateExpression(compileExpression('trigger.items[0].tags'), scope)).toEqual(['a', 'b']);
  });
});

describe('when JSONata runs', () => {
  it('is skipped for a pure path over objects, and used once the path meets an array', async () => {
    const compiled = compileExpression('trigger.items.url');
    const evaluate = vi.spyOn(compiled.parsed.program, 'evaluate');
    try {
      const objects = { trigger: { items: { url: 'u' } } } as unknown as ExpressionScope;
      expect(await evaluateExpression(compiled, objects)).toBe('u');
      expect(evaluate).not.toHaveBeenCalled();
      const arrays = { trigger: { items: [{ url: 'u1' }, { url: 'u2' }] } } as unknown as ExpressionScope;
      expect(await evaluateExpression(compiled, arrays)).toEqual(['u1', 'u2']);
      expect(evaluate).toHaveBeenCalledTimes(1);
    } finally {
      evaluate.mockRestore();
    }
  });
});

describe('plain results', () => {
  it('strips JSONata sequence flags and unwraps singletons like JSONata', async () => {
    const input = { list: [{ v: 1 }, { v: 2 }], one: [{ v: 3 }] };
    for (const source of ['list.v', 'one.v', 'list.v[]', '[list.v, one.v]', '{"k": list.v}', 'list.{"v": v}', '$append(list.v, 9)']) {
      const raw: unknown = await jsonata(source).evaluate(input);
      const plain = toPlainJson(raw);
      expect(plain, source).toStrictEqual(JSON.parse(JSON.stringify(raw)));
      expect(isPlainJson(plain), source).toBe(true);
    }
    expect(toPlainJson(await jsonata('one.v').evaluate(input))).toBe(3);
  });

  it('returns unchanged values by identity', () => {
    const value = { a: [1, { b: 'c' }], d: null };
    expect(toPlainJson(value)).toBe(value);
  });
});

describe('plainPathOfText: a plain path read without JSONata agrees with the parser', () => {
  const shipped = fs
    .readdirSync(PLAYBOOKS)
    .flatMap((name) => [...fs.readFileSync(join(PLAYBOOKS, name), 'utf8').matchAll(/\{\{\s*(.*?)\s*\}\}/g)].map((match) => JSON.parse(`"${match[1]}"`) as string));
  const edges = ['trigger', '$$.trigger.ip', '$.a', '$$', '$', 'a..b', 'a.b[0]', '$x.a', 'a.and', 'nodes.in.x', 'a.true', '_a.b_2', 'a .b', 'a.`b c`', 'a.null'];

  it.each([...new Set([...shipped, ...edges])])('%s', (source) => {
    const fromText = plainPathOfText(source);
    if (fromText === undefined) return;
    const ast = jsonata(source).ast() as unknown as AstNode;
    expect(fromText).toEqual(plainPathOf(ast));
    const references = { roots: new Set<string>(), nodes: new Set<string>(), paths: [] as Array<readonly string[]> };
    collectReferences(ast, references);
    expect(referencesOfPlainPath(fromText)).toEqual(references);
  });

  it('reads most shipped templates from their text, and leaves operators, filters and variables to the parser', () => {
    expect(shipped.filter((source) => plainPathOfText(source) !== undefined).length).toBeGreaterThan(shipped.length / 2);
    expect(plainPathOfText('$$.trigger.ip')).toEqual(['trigger', 'ip']);
    for (const source of ['a.b[0]', '$x.a', 'a.and', 'a.true', '$$', 'a & b']) expect(plainPathOfText(source)).toBeUndefined();
  });

  it.each([...JSONATA_NAME_KEYWORDS])('leaves a path holding the reserved word %s to the parser', (keyword) => {
    for (const source of [`a.${keyword}`, `${keyword}.a`, `$$.a.${keyword}`]) expect(plainPathOfText(source)).toBeUndefined();
  });

  it('still evaluates through JSONata when the path meets an array', async () => {
    const compiled = compileExpression('nodes.list.output.name');
    const scope = { nodes: { list: { output: [{ name: 'a' }, { name: 'b' }] } } } as unknown as ExpressionScope;
    await expect(evaluateExpression(compiled, scope)).resolves.toEqual(['a', 'b']);
  });
});
