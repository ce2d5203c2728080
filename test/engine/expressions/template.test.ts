import { describe, it, expect } from 'vitest';
import {
  checkValue,
  compileExpression,
  compileValue,
  evaluateExpression,
  evaluateValue,
  isStaticValue,
} from '../../../engine/expressions/template.ts';
import { ExpressionError } from '../../../engine/expressions/types.ts';
import { isPlainJson, makeScope } from './fixtures.ts';

const scope = makeScope({
  trigger: { ip: '203.0.113.7', port: 443, tags: ['phish', 'urgent'], items: [{ url: 'https://a.example' }, { url: 'https://b.example' }] },
  nodes: {
    lookup: { status: 'succeeded', output: { data: { score: 87, malicious: true, vendor: null, engines: [{ name: 'x' }] } } },
  },
  vars: { base: 'https://tickets.example' },
});

async function resolve(value: unknown): Promise<unknown> {
  return evaluateValue(compileValue(value, 'params'), scope);
}

async function failure(value: unknown): Promise<ExpressionError> {
  const error: unknown = await resolve(value).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExpressionError);
  return error as ExpressionError;
}

function syntaxError(value: unknown): ExpressionError {
  try {
    compileValue(value, 'params');
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected a syntax error');
}

describe('a string that is exactly {{ expr }} yields the typed result', () => {
  it('keeps numbers, booleans, null, objects and arrays as they are', async () => {
    expect(await resolve('{{ nodes.lookup.output.data.score }}')).toBe(87);
    expect(await resolve('{{ nodes.lookup.output.data.malicious }}')).toBe(true);
    expect(await resolve('{{ nodes.lookup.output.data.vendor }}')).toBeNull();
    expect(await resolve('{{ trigger.tags }}')).toEqual(['phish', 'urgent']);
    expect(await resolve('{{ {"ip": trigger.ip, "n": $count(trigger.tags)} }}')).toEqual({ ip: '203.0.113.7', n: 2 });
  });

  it('allows any whitespace inside and around the braces', async () => {
    expect(await resolve('{{trigger.port}}')).toBe(443);
    expect(await resolve('  {{   trigger.port\n }}  ')).toBe(443);
  });

  it('returns an upstream object by reference rather than copying it', async () => {
    const data = (scope.nodes.lookup?.output as { data: unknown }).data;
    expect(await resolve('{{ nodes.lookup.output.data }}')).toBe(data);
  });

  it('unwraps JSONata sequences into plain arrays, and singletons the way JSONata does', async () => {
    const urls = await resolve('{{ trigger.items.url }}');
    expect(urls).toEqual(['https://a.example', 'https://b.example']);
    expect(isPlainJson(urls)).toBe(true);
    expect(await resolve('{{ trigger.items[0].url }}')).toBe('https://a.example');
    expect(await resolve('{{ trigger.items[0].url[] }}')).toEqual(['https://a.example']);
    expect(isPlainJson(await resolve('{{ trigger.items[0].url[] }}'))).toBe(true);
  });

  it('gives undefined for no result: the key is dropped from objects, null in arrays, undefined at the top', async () => {
    expect(await resolve('{{ trigger.missing }}')).toBeUndefined();
    const object = await resolve({ a: '{{ trigger.missing }}', b: 1 });
    expect(object).toEqual({ b: 1 });
    expect(Object.keys(object as object)).toEqual(['b']);
    expect(await resolve(['{{ trigger.missing }}', 2])).toEqual([null, 2]);
  });

  it('turns function results (lambdas, built-ins) into undefined, never a callable', async () => {
    expect(await resolve('{{ function($x) { $x } }}')).toBeUndefined();
    expect(await resolve('{{ $sum }}')).toBeUndefined();
    expect(await resolve({ f: '{{ $uppercase }}' })).toEqual({});
  });
});

describe('any other string with {{ }} interpolates text', () => {
  it('writes strings as they are and joins the parts', async () => {
    expect(await resolve('{{ vars.base }}/new?ip={{ trigger.ip }}')).toBe('https://tickets.example/new?ip=203.0.113.7');
  });

  it('writes null and undefined as empty text', async () => {
    expect(await resolve('vendor=[{{ nodes.lookup.output.data.vendor }}] x=[{{ trigger.missing }}]')).toBe('vendor=[] x=[]');
  });

  it('writes numbers, booleans, objects and arrays as JSONata $string does', async () => {
    expect(await resolve('score {{ nodes.lookup.output.data.score }} / {{ 0.1 + 0.2 }}')).toBe('score 87 / 0.3');
    expect(await resolve('bad={{ nodes.lookup.output.data.malicious }}')).toBe('bad=true');
    expect(await resolve('tags={{ trigger.tags }}')).toBe('tags=["phish","urgent"]');
    expect(await resolve('first={{ trigger.items[0] }}')).toBe('first={"url":"https://a.example"}');
  });

  it('matches the JSONata concatenation operator', async () => {
    const interpolated = await resolve('{{ trigger.ip }}:{{ trigger.port }} {{ 1/3 }}');
    const concatenated = await evaluateExpression(compileExpression('trigger.ip & ":" & trigger.port & " " & 1/3'), scope);
    expect(interpolated).toBe(concatenated);
  });
});

describe('templates inside objects and arrays', () => {
  it('resolves every template at any depth and keeps the shape and key order', async () => {
    const result = await resolve({
      method: 'POST',
      url: '{{ vars.base }}/api',
      headers: { 'X-Score': '{{ nodes.lookup.output.data.score }}', Accept: 'application/json' },
      body: { indicators: ['{{ trigger.ip }}', 'static', { tags: '{{ trigger.tags }}' }] },
    });
    expect(result).toEqual({
      method: 'POST',
      url: 'https://tickets.example/api',
      headers: { 'X-Score': 87, Accept: 'application/json' },
      body: { indicators: ['203.0.113.7', 'static', { tags: ['phish', 'urgent'] }] },
    });
    expect(Object.keys(result as object)).toEqual(['method', 'url', 'headers', 'body']);
  });

  it('shares static sub-trees of a dynamic value by reference', async () => {
    const params = { url: '{{ trigger.ip }}', options: { retries: 3, codes: [429, 503] } };
    const result = (await resolve(params)) as typeof params;
    expect(result).not.toBe(params);
    expect(result.options).toBe(params.options);
  });

  it('never reads object keys as templates', async () => {
    expect(await resolve({ '{{ trigger.ip }}': 1 })).toEqual({ '{{ trigger.ip }}': 1 });
  });

  it('keeps a "__proto__" key as an own property rather than a prototype', async () => {
    const params = JSON.parse('{"__proto__": "{{ trigger.ip }}", "a": "{{ trigger.port }}"}') as unknown;
    const result = (await resolve(params)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toBe('203.0.113.7');
  });
});

describe('static values', () => {
  it('returns a value without templates as the very same object, every time', async () => {
    const params = { method: 'GET', headers: { Accept: 'json' }, list: [1, 'two', null, { deep: true }], note: 'a }} b' };
    const compiled = compileValue(params);
    expect(isStaticValue(compiled)).toBe(true);
    expect(await evaluateValue(compiled, scope)).toBe(params);
    expect(await evaluateValue(compiled, scope)).toBe(params);
  });

  it('treats primitives and strings without {{ as literals', async () => {
    for (const value of [42, true, null, 'plain text', '']) {
      const compiled = compileValue(value);
      expect(isStaticValue(compiled)).toBe(true);
      expect(await evaluateValue(compiled, scope)).toBe(value);
    }
  });

  it('is not static as soon as one template appears, however deep', () => {
    expect(isStaticValue(compileValue({ a: { b: [1, 'x{{ trigger.ip }}'] } }))).toBe(false);
  });
});

describe('escaping and braces', () => {
  it('reads \\{{ as a literal {{ (and the value stays static)', async () => {
    const compiled = compileValue('use \\{{ trigger.ip }} in the docs');
    expect(isStaticValue(compiled)).toBe(true);
    expect(await evaluateValue(compiled, scope)).toBe('use {{ trigger.ip }} in the docs');
  });

  it('reads \\\\{{ as a literal backslash followed by a template', async () => {
    expect(await resolve('C:\\\\{{ trigger.port }}')).toBe('C:\\443');
  });

  it('keeps other backslashes as they are', async () => {
    expect(await resolve('a\\b {{ trigger.port }}')).toBe('a\\b 443');
  });

  it('finds the closing }} outside JSONata strings, names, comments and object braces', async () => {
    expect(await resolve('{{ "}}" }}')).toBe('}}');
    expect(await resolve("x{{ 'a}}b' }}y")).toBe('xa}}by');
    expect(await resolve('{{ {"a": {"b": 1}} }}')).toEqual({ a: { b: 1 } });
    expect(await resolve('{{ /* }} */ trigger.port }}')).toBe(443);
    expect(await resolve('{{ {"k": "v"}.k }} and {{ trigger.port }}')).toBe('v and 443');
  });

  it('leaves a lone }} alone', async () => {
    expect(await resolve('}} {{ trigger.port }} }}')).toBe('}} 443 }}');
  });
});

describe('syntax errors', () => {
  it('name the param path and JSONata\'s position in the expression', () => {
    const error = syntaxError({ headers: { 'X-Api-Key': 'k', 'X-Ip': '{{ trigger.items[0 }}' } });
    expect(error.code).toBe('EXPRESSION_SYNTAX');
    expect(error.path).toBe('params.headers.X-Ip');
    expect(error.position).toBe(15);
    expect(error.message).toMatch(/^params\.headers\.X-Ip: Expected "\]" before end of expression at position 15 of "trigger\.items\[0"$/);
  });

  it('index array items in the path and quote awkward keys', () => {
    expect(syntaxError({ items: ['ok', 'ok', '{{ a + }}'] }).path).toBe('params.items[2]');
    expect(syntaxError({ 'a.b': '{{ ) }}' }).path).toBe('params["a.b"]');
  });

  it('report an unclosed {{ and an empty {{ }}', () => {
    expect(syntaxError('{{ trigger.ip').message).toMatch(/unclosed "\{\{"/);
    expect(syntaxError('x {{  }} y').message).toMatch(/empty expression/);
  });

  it('stop compileValue at the first, while checkValue reports them all', () => {
    const value = { a: '{{ 1 + }} and {{ foo bar }}', b: ['{{ ok }}', '{{ [ }}'], c: '{{ unclosed' };
    expect(syntaxError(value).path).toBe('params.a');
    const errors = checkValue(value, 'params');
    expect(errors.map((error) => [error.code, error.path])).toEqual([
      ['EXPRESSION_SYNTAX', 'params.a'],
      ['EXPRESSION_SYNTAX', 'params.a'],
      ['EXPRESSION_SYNTAX', 'params.b[1]'],
      ['EXPRESSION_SYNTAX', 'params.c'],
    ]);
    expect(errors[1]?.position).toBe(7);
  });

  it('are none for a valid value', () => {
    expect(checkValue({ a: '{{ trigger.ip }}', b: 'text', c: [1, '{{ $count(trigger.tags) }}'] })).toEqual([]);
  });
});

describe('evaluation errors', () => {
  it('are EXPRESSION_EVAL with the param path and a one-line message', async () => {
    const error = await failure({ body: { count: '{{ trigger.ip + 1 }}' } });
    expect(error.code).toBe('EXPRESSION_EVAL');
    expect(error.path).toBe('params.body.count');
    expect(error.message).toMatch(/^params\.body\.count: .*must evaluate to a number.* in "trigger\.ip \+ 1"$/);
    expect(error.message).not.toContain('\n');
  });

  it('come from interpolated text as well', async () => {
    const error = await failure({ url: 'x/{{ $error("boom") }}' });
    expect(error.path).toBe('params.url');
    expect(error.message).toContain('boom');
  });

  it('report the first failing expression in document order', async () => {
    const error = await failure({ a: '{{ $error("first") }}', b: '{{ $error("second") }}' });
    expect(error.message).toContain('first');
  });
});

describe('compiling is parsing once', () => {
  it('shares one parse between identical templates, whatever the spacing or the path', () => {
    const a = compileExpression('nodes.lookup.output', 'params.a');
    const b = compileExpression('  nodes.lookup.output ', 'params.b');
    expect(a.parsed).toBe(b.parsed);
    expect(a.path).toBe('params.a');
    expect(b.path).toBe('params.b');
  });

  it('evaluates a compiled value many times against different scopes', async () => {
    const compiled = compileValue({ ip: '{{ trigger.ip }}', text: 'n={{ $count(trigger.tags) }}' });
    for (const n of [1, 2, 3]) {
      const tags = Array.from({ length: n }, (_, i) => `t${i}`);
      expect(await evaluateValue(compiled, makeScope({ trigger: { ip: `10.0.0.${n}`, tags } }))).toEqual({ ip: `10.0.0.${n}`, text: `n=${n}` });
    }
  });
});
