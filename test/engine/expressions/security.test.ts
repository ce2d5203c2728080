import { afterAll, describe, it, expect } from 'vitest';
import { compileValue, evaluateValue } from '../../../engine/expressions/template.ts';
import { ExpressionError } from '../../../engine/expressions/types.ts';
import { isPlainJson, makeScope } from './fixtures.ts';

/** Every payload that could run JavaScript tries to set this global; none may. */
const CANARY = '__switchboardPwned';
const canaryCode = `globalThis.${CANARY} = 1; return process`;

const scope = makeScope({
  trigger: { ip: '203.0.113.7', nested: { a: 1 }, list: [{ a: 1 }] },
  nodes: { lookup: { status: 'succeeded', output: { score: 1 } } },
});

/** The result, or the ExpressionError it failed with; anything else thrown fails the test. */
async function attempt(template: string): Promise<{ value?: unknown; error?: ExpressionError }> {
  try {
    return { value: await evaluateValue(compileValue(template, 'params.x'), scope) };
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return { error: error as ExpressionError };
  }
}

/** Harmless: an evaluation error, or a plain JSON value that is not (and holds no) function or process. */
async function expectHarmless(template: string): Promise<void> {
  const { value, error } = await attempt(template);
  if (error) {
    expect(error.code).toBe('EXPRESSION_EVAL');
    return;
  }
  expect(value === undefined || isPlainJson(value), `${template} gave ${String(value)}`).toBe(true);
  expect(value).not.toBe(process);
  expect(value).not.toBe(globalThis);
  expect(JSON.stringify(value ?? null)).not.toMatch(/"(pid|argv|env|versions)"/);
}

afterAll(() => {
  expect((globalThis as Record<string, unknown>)[CANARY]).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
});

describe('JSONata never runs JavaScript', () => {
  it('cannot reach the Function constructor through constructor chains', async () => {
    expect(await attempt(`{{ this.constructor.constructor('${canaryCode}')() }}`)).toEqual({ value: undefined });
    const { error } = await attempt(`{{ $lookup(trigger, 'constructor')('${canaryCode}') }}`);
    expect(error?.message).toMatch(/non-function/);
    await expectHarmless(`{{ trigger.constructor.constructor('${canaryCode}')() }}`);
    await expectHarmless(`{{ $string.constructor('${canaryCode}')() }}`);
    await expectHarmless(`{{ $.constructor.constructor('${canaryCode}')() }}`);
    await expectHarmless(`{{ (function(){ 1 }).constructor('${canaryCode}')() }}`);
    expect((globalThis as Record<string, unknown>)[CANARY]).toBeUndefined();
  });

  it('disables $eval: it would parse run-time text past validation and reference analysis', async () => {
    const { error } = await attempt('{{ $eval("1 + 1") }}');
    expect(error?.code).toBe('EXPRESSION_EVAL');
    expect(error?.message).toContain('$eval is disabled');
    const aliased = await attempt('{{ ($e := $eval; $e("trigger.ip")) }}');
    expect(aliased.error?.message).toContain('$eval is disabled');
    await expectHarmless(`{{ $eval("this.constructor.constructor('${canaryCode}')()") }}`);
  });

  it('has no process, require, global or import', async () => {
    for (const template of [
      '{{ process }}',
      '{{ $process }}',
      '{{ globalThis }}',
      '{{ $globalThis }}',
      '{{ $require("child_process") }}',
      '{{ require("fs") }}',
      '{{ $import("fs") }}',
      '{{ $$.process.env }}',
    ]) {
      await expectHarmless(template);
    }
    expect((await attempt('{{ process }}')).value).toBeUndefined();
  });
});

describe('prototypes are not reachable from expressions', () => {
  it('sees only own properties of the scope and its objects', async () => {
    for (const template of [
      '{{ constructor }}',
      '{{ __proto__ }}',
      '{{ trigger.__proto__ }}',
      '{{ trigger.constructor }}',
      '{{ trigger.constructor.prototype }}',
      '{{ trigger.toString }}',
      '{{ trigger.hasOwnProperty }}',
      '{{ trigger.list.constructor }}',
      '{{ trigger.ip.constructor }}',
      '{{ trigger.nested.__proto__.constructor }}',
      '{{ $lookup(trigger, "constructor") }}',
      '{{ $lookup(trigger, "__proto__") }}',
      '{{ $keys(trigger.__proto__) }}',
    ]) {
      expect((await attempt(template)).value, template).toBeUndefined();
    }
  });

  it('does not expose the insides of JSONata functions', async () => {
    for (const template of [
      '{{ $sum.implementation }}',
      '{{ $lookup($sum, "implementation") }}',
      '{{ $keys($sum) }}',
      '{{ $spread(function() { 1 }) }}',
      '{{ (function() { 1 }).environment }}',
      '{{ $each($sum, function($v, $k) { $k }) }}',
      '{{ $sift(function() { 1 }, function($v) { true }) }}',
      '{{ $merge([function() { 1 }]) }}',
      '{{ $string($sum) }}',
    ]) {
      await expectHarmless(template);
    }
  });

  it('cannot pollute Object.prototype or smuggle a prototype into a result', async () => {
    const built = await attempt('{{ {"__proto__": {"isAdmin": true}, "name": "x"} }}');
    expect((built.value as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(built.value)).toBe(Object.prototype);
    await expectHarmless('{{ $merge([{"__proto__": {"polluted": true}}]) }}');
    await expectHarmless('{{ trigger ~> | $ | {"__proto__": {"polluted": true}} | }}');
    await expectHarmless('{{ trigger.nested ~> | __proto__ | {"polluted": true} | }}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('reads an own "__proto__" key of parsed input as plain data', async () => {
    const hostile = makeScope({ trigger: JSON.parse('{"__proto__": {"isAdmin": true}}') as unknown });
    const value = await evaluateValue(compileValue('{{ trigger.__proto__.isAdmin }}'), hostile);
    expect(value).toBe(true);
    const copied = (await evaluateValue(compileValue('{{ $merge([trigger, {"b": 1}]) }}'), hostile)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(copied.isAdmin).toBeUndefined();
  });
});

describe('evaluation has no side effects', () => {
  it('leaves the scope unchanged by transforms and assignments', async () => {
    const own = makeScope({ trigger: { user: { name: 'alice', admin: false } } });
    const before = JSON.stringify(own);
    const changed = await evaluateValue(compileValue('{{ trigger ~> | user | {"admin": true} | }}'), own);
    expect(changed).toEqual({ user: { name: 'alice', admin: true } });
    await evaluateValue(compileValue('{{ ($trigger := "x"; trigger.user.admin) }}'), own);
    expect(JSON.stringify(own)).toBe(before);
  });
});
