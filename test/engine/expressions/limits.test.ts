import { describe, it, expect } from 'vitest';
import { compileValue, evaluateValue } from '../../../engine/expressions/template.ts';
import { DEFAULT_EXPRESSION_LIMITS, ExpressionError } from '../../../engine/expressions/types.ts';
import type { ExpressionLimits, ExpressionScope } from '../../../engine/expressions/types.ts';
import { makeScope } from './fixtures.ts';

const RECURSE = '{{ ($down := function($n) { $n = 0 ? 0 : 1 + $down($n - 1) }; $down(trigger.n)) }}';

async function outcome(template: string, scope: ExpressionScope, limits?: ExpressionLimits): Promise<{ value?: unknown; error?: ExpressionError; ms: number }> {
  const started = Date.now();
  try {
    const value = await evaluateValue(compileValue(template, 'params.x'), scope, limits);
    return { value, ms: Date.now() - started };
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return { error: error as ExpressionError, ms: Date.now() - started };
  }
}

describe('depth limit', () => {
  it('stops runaway recursion with EXPRESSION_DEPTH, quickly', async () => {
    const { error, ms } = await outcome('{{ ($x := function() { 1 + $x() }; $x()) }}', makeScope());
    expect(error?.code).toBe('EXPRESSION_DEPTH');
    expect(error?.path).toBe('params.x');
    expect(error?.message).toContain(`more than ${DEFAULT_EXPRESSION_LIMITS.maxDepth} function calls`);
    expect(ms).toBeLessThan(500);
  });

  it('counts nested function calls, so honest recursion within the limit works', async () => {
    const { value } = await outcome(RECURSE, makeScope({ trigger: { n: 150 } }));
    expect(value).toBe(150);
    const { error } = await outcome(RECURSE, makeScope({ trigger: { n: 150 } }), { timeoutMs: 1_000, maxDepth: 100 });
    expect(error?.code).toBe('EXPRESSION_DEPTH');
  });
});

describe('time limit', () => {
  it('stops an endless tail-recursive loop (which JSONata runs without growing the stack)', async () => {
    const { error, ms } = await outcome('{{ ($x := function() { $x() }; $x()) }}', makeScope(), { timeoutMs: 100, maxDepth: 200 });
    expect(error?.code).toBe('EXPRESSION_TIMEOUT');
    expect(error?.message).toMatch(/^params\.x: .* ran longer than 100 ms$/);
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(ms).toBeLessThan(1_000);
  });

  it('stops a heavy loop over a huge range', async () => {
    const { error, ms } = await outcome('{{ $sum([1..1000000].($ * 2)) }}', makeScope(), { timeoutMs: 50, maxDepth: 200 });
    expect(error?.code).toBe('EXPRESSION_TIMEOUT');
    expect(ms).toBeLessThan(1_500);
  });

  it('leaves JSONata\'s own range cap in place', async () => {
    const { error } = await outcome('{{ [1..100000000] }}', makeScope());
    expect(error?.code).toBe('EXPRESSION_EVAL');
    expect(error?.message).toContain('must not exceed 1e7');
  });
});

describe('limits are per evaluation', () => {
  it('keeps the depth of concurrent evaluations of one compiled expression apart', async () => {
    const compiled = compileValue(RECURSE);
    const scopes = Array.from({ length: 8 }, () => makeScope({ trigger: { n: 150 } }));
    const results = await Promise.all(scopes.map((scope) => evaluateValue(compiled, scope)));
    expect(results).toEqual(Array(8).fill(150));
  });

  it('fails only the evaluation that overruns, not one running beside it', async () => {
    const compiled = compileValue(RECURSE);
    const [deep, shallow] = await Promise.allSettled([
      evaluateValue(compiled, makeScope({ trigger: { n: 1_000 } })),
      evaluateValue(compiled, makeScope({ trigger: { n: 10 } })),
    ]);
    expect(deep.status === 'rejected' && (deep.reason as ExpressionError).code).toBe('EXPRESSION_DEPTH');
    expect(shallow).toEqual({ status: 'fulfilled', value: 10 });
  });

  it('applies each call\'s own time limit to a shared compiled expression', async () => {
    const compiled = compileValue('{{ $count([1..200000].($ + 1)) }}');
    const [short, long] = await Promise.allSettled([
      evaluateValue(compiled, makeScope(), { timeoutMs: 10, maxDepth: 200 }),
      evaluateValue(compiled, makeScope(), { timeoutMs: 15_000, maxDepth: 200 }),
    ]);
    expect(short.status === 'rejected' && (short.reason as ExpressionError).code).toBe('EXPRESSION_TIMEOUT');
    expect(long).toEqual({ status: 'fulfilled', value: 200_000 });
  });

  it('leaves nothing behind: the same expression evaluates normally after tripping', async () => {
    const compiled = compileValue(RECURSE);
    await expect(evaluateValue(compiled, makeScope({ trigger: { n: 5_000 } }))).rejects.toMatchObject({ code: 'EXPRESSION_DEPTH' });
    await expect(evaluateValue(compiled, makeScope({ trigger: { n: 3 } }))).resolves.toBe(3);
  });
});

describe('size limits', () => {
  it('stops a range past maxItems at that step, before $string turns it into tens of MB', async () => {
    const { error } = await outcome('{{ $string([1..5000000]) }}', makeScope());
    expect(error?.code).toBe('EXPRESSION_SIZE');
    expect(error?.message).toContain('a list of 5000000 items; the limit is 1000000 (maxItems)');
  });

  it('refuses $pad, $join and $replace results past maxStringLength before making them', async () => {
    const pad = await outcome('{{ $pad("", 60000000, "x") }}', makeScope());
    expect(pad.error?.message).toContain('$pad would make 60000000 characters; the limit is 10000000 (maxStringLength)');
    const small = { timeoutMs: 1_000, maxDepth: 200, maxStringLength: 100 };
    expect((await outcome('{{ $join(["aaaa", "bbbb"], $pad("", 99, "-")) }}', makeScope(), small)).error?.message).toContain('$join would make 107 characters');
    expect((await outcome('{{ $replace("aaaa", "a", $pad("", 40, "-")) }}', makeScope(), small)).error?.message).toContain('$replace would make 160 characters');
  });

  it('stops a string doubled by recursion at the step that passes the limit', async () => {
    const { error } = await outcome('{{ ($f := function($s, $n) { $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("x", 40))) }}', makeScope());
    expect(error?.code).toBe('EXPRESSION_SIZE');
    expect(error?.message).toContain('(maxStringLength)');
  });

  it('leaves ordinary uses of the bounded built-ins alone', async () => {
    expect((await outcome('{{ $pad("7", -3, "0") }}', makeScope())).value).toBe('007');
    expect((await outcome('{{ $join(["a", "b"], ", ") }}', makeScope())).value).toBe('a, b');
    expect((await outcome('{{ $replace("203.0.113.7", ".", "[.]") }}', makeScope())).value).toBe('203[.]0[.]113[.]7');
    expect((await outcome('{{ $replace("Mr Smith", /(\\w+)\\s(\\w+)/, "$2 $1") }}', makeScope())).value).toBe('Smith Mr');
    expect((await outcome('{{ $count([1..100000]) }}', makeScope())).value).toBe(100000);
  });
});

describe('built-ins that one call could make slow', () => {
  it('sorts a million numbers natively instead of JSONata\'s quadratic merge sort, with the same order', async () => {
    // A generous time limit: the test is about order and completion, not how busy the machine is.
    const roomy = { timeoutMs: 60_000, maxDepth: 200 };
    expect((await outcome('{{ $sort($reverse([0..999999]))[0] }}', makeScope(), roomy)).value).toBe(0);
    expect((await outcome('{{ $sort($reverse([0..999999]))[-1] }}', makeScope(), roomy)).value).toBe(999999);
    expect((await outcome('{{ $sort(["b", "a", "c", "a"]) }}', makeScope())).value).toEqual(['a', 'a', 'b', 'c']);
    expect((await outcome('{{ $sort([3, 1, 2], function($l, $r) { $l < $r }) }}', makeScope())).value).toEqual([3, 2, 1]);
    expect((await outcome('{{ $sort([1, "a"]) }}', makeScope())).error?.code).toBe('EXPRESSION_EVAL');
  });

  it('finds distinct items of a long list in linear time, equal as JSONata\'s deep equality says', async () => {
    // Building the lists takes one step per item: a generous time limit keeps a busy machine from timing them out.
    const roomy = { timeoutMs: 60_000, maxDepth: 200 };
    expect((await outcome('{{ $count($distinct([1..200000].($ % 1000))) }}', makeScope(), roomy)).value).toBe(1000);
    const objects = '{{ $distinct([1..3000].({"k": $ % 3, "same": true})) }}';
    expect((await outcome(objects, makeScope(), roomy)).value).toEqual([
      { k: 1, same: true },
      { k: 2, same: true },
      { k: 0, same: true },
    ]);
    expect((await outcome('{{ $distinct([{"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 2}]) }}', makeScope())).value).toEqual([{ a: 1, b: 2 }, { a: 2 }]);
  });

  it('stops $split and $match at one past maxItems instead of making millions of pieces first', async () => {
    const small = { timeoutMs: 1_000, maxDepth: 200, maxItems: 100 };
    const split = await outcome('{{ $count($split($pad("", 5000, "a"), "")) }}', makeScope(), small);
    expect(split.error?.message).toContain('a list of 101 items; the limit is 100 (maxItems)');
    const match = await outcome('{{ $count($match($pad("", 5000, "a"), /a/)) }}', makeScope(), small);
    expect(match.error?.code).toBe('EXPRESSION_SIZE');
    expect((await outcome('{{ $split("a,b,c", ",") }}', makeScope(), small)).value).toEqual(['a', 'b', 'c']);
  });
});
