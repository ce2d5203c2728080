import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORBIDDEN_KEYS, parseJsonSafely } from '../../../engine/format/safe-json.ts';
import type { SafeJsonResult } from '../../../engine/format/safe-json.ts';

function refusal(result: SafeJsonResult) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.problem;
}

function value(result: SafeJsonResult): unknown {
  if (!result.ok) throw new Error(`expected a value, got ${result.problem.code}: ${result.problem.message}`);
  return result.value;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** True when the JSON value holds a forbidden key anywhere (JSON.parse keeps them; we refuse). */
function hasForbiddenKey(root: unknown): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object') continue;
    for (const key of Object.keys(item)) {
      if (FORBIDDEN_KEYS.has(key)) return true;
      stack.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

describe('parseJsonSafely: what it accepts', () => {
  it('reads strict JSON from text or UTF-8 bytes into plain objects', () => {
    const text = '{"name":"Café ☕ 😀","n":[1,-0.5,2e3,true,false,null],"nested":{"a":{}}}';
    expect(value(parseJsonSafely(text))).toEqual(JSON.parse(text));
    expect(value(parseJsonSafely(utf8(text)))).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value(parseJsonSafely(text)))).toBe(Object.prototype);
  });

  it('decodes every escape, surrogate pairs included', () => {
    const text = String.raw`"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`;
    expect(value(parseJsonSafely(text))).toBe(JSON.parse(text));
  });

  it('accepts keys that merely look like Object.prototype members', () => {
    expect(value(parseJsonSafely('{"toString":1,"hasOwnProperty":2,"__proto":3}'))).toEqual({
      toString: 1,
      hasOwnProperty: 2,
      __proto: 3,
    });
  });

  it('accepts nesting up to the depth cap and no further', () => {
    expect(value(parseJsonSafely(`${'['.repeat(64)}${']'.repeat(64)}`))).toBeDefined();
    expect(refusal(parseJsonSafely(`${'['.repeat(65)}${']'.repeat(65)}`)).code).toBe('JSON_TOO_DEEP');
    expect(value(parseJsonSafely('[[[]]]', { maxDepth: 3 }))).toEqual([[[]]]);
    expect(refusal(parseJsonSafely('[[[{}]]]', { maxDepth: 3 })).code).toBe('JSON_TOO_DEEP');
  });
});

describe('parseJsonSafely: what it refuses, and where', () => {
  const cases: [label: string, input: string | Uint8Array, code: string, line: number, column: number][] = [
    ['an empty file', '', 'JSON_SYNTAX', 1, 1],
    ['a truncated file (at the end)', '{\n  "a": [1, 2', 'JSON_SYNTAX', 2, 13],
    ['an unterminated string (at its quote)', '{\n  "a": "abc', 'JSON_SYNTAX', 2, 8],
    ['trailing garbage', '{"a": 1}\n}', 'JSON_SYNTAX', 2, 1],
    ['NaN', '{"a": NaN}', 'JSON_SYNTAX', 1, 7],
    ['Infinity', '[Infinity]', 'JSON_SYNTAX', 1, 2],
    ['-Infinity', '[-Infinity]', 'JSON_SYNTAX', 1, 2],
    ['undefined', '[undefined]', 'JSON_SYNTAX', 1, 2],
    ['a raw control character in a string', '{"a": "x\u0001y"}', 'JSON_SYNTAX', 1, 9],
    ['a raw tab in a string', '"a\tb"', 'JSON_SYNTAX', 1, 3],
    ['a comment', '{\n// no\n}', 'JSON_SYNTAX', 2, 1],
    ['a trailing comma in an object', '{"a": 1,\n}', 'JSON_SYNTAX', 2, 1],
    ['a trailing comma in an array', '[1,]', 'JSON_SYNTAX', 1, 4],
    ['single quotes', "{'a': 1}", 'JSON_SYNTAX', 1, 2],
    ['a leading zero', '[01]', 'JSON_SYNTAX', 1, 2],
    ['a bare decimal point', '[1.]', 'JSON_SYNTAX', 1, 4],
    ['a plus sign', '[+1]', 'JSON_SYNTAX', 1, 2],
    ['hex numbers', '[0x10]', 'JSON_SYNTAX', 1, 3],
    ['an unknown escape', '"\\x41"', 'JSON_SYNTAX', 1, 2],
    ['a short \\u escape', '"\\u00"', 'JSON_SYNTAX', 1, 2],
    ['a missing colon', '{"a" 1}', 'JSON_SYNTAX', 1, 6],
    ['a bare word', '{"a": yes}', 'JSON_SYNTAX', 1, 7],
    ['CRLF line ends, counted once', '{\r\n"a":\r\n}', 'JSON_SYNTAX', 3, 1],
    ['a lone high surrogate escape', '["\\ud800"]', 'JSON_ENCODING', 1, 3],
    ['a lone low surrogate escape', '["\\udc00x"]', 'JSON_ENCODING', 1, 3],
    ['a raw lone surrogate in text', '["a\ud800"]', 'JSON_ENCODING', 1, 4],
    ['a byte-order mark in text', '\ufeff{}', 'JSON_ENCODING', 1, 1],
    ['__proto__', '{"a": [{"__proto__": {"polluted": true}}]}', 'JSON_FORBIDDEN_KEY', 1, 9],
    ['constructor', '{\n  "constructor": {}\n}', 'JSON_FORBIDDEN_KEY', 2, 3],
    ['prototype', '{"prototype": 1}', 'JSON_FORBIDDEN_KEY', 1, 2],
    ['a duplicate key (at the second)', '{\n  "id": "a",\n  "id": "b"\n}', 'JSON_DUPLICATE_KEY', 3, 3],
    ['a duplicate key spelt with an escape', '{"id": 1, "\\u0069d": 2}', 'JSON_DUPLICATE_KEY', 1, 11],
  ];

  it.each(cases)('refuses %s', (_label, input, code, line, column) => {
    const problem = refusal(parseJsonSafely(input));
    expect(problem).toMatchObject({ severity: 'error', code, line, column });
    expect(problem.message).not.toMatch(/\n/);
  });

  it('names the path of the value being read', () => {
    expect(refusal(parseJsonSafely('{"nodes": [{"id": "a"}, {"id": "b", "id": "c"}]}')).path).toBe('nodes[1].id');
    expect(refusal(parseJsonSafely('{"nodes": [1, 2, NaN]}')).path).toBe('nodes[2]');
  });

  it('says why a duplicate key is refused', () => {
    expect(refusal(parseJsonSafely('{"url": "a", "url": "b"}')).message).toBe(
      'key "url" appears twice in the same object; only one value can be meant',
    );
  });

  it('never pollutes Object.prototype, whatever it is given', () => {
    parseJsonSafely('{"__proto__": {"polluted": true}}');
    parseJsonSafely('{"constructor": {"prototype": {"polluted": true}}}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parseJsonSafely: encodings', () => {
  const text = '{"name": "triage"}';

  it('refuses a UTF-8 byte-order mark', () => {
    const problem = refusal(parseJsonSafely(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)])));
    expect(problem).toMatchObject({ code: 'JSON_ENCODING', line: 1, column: 1 });
    expect(problem.message).toContain('UTF-8 byte-order mark');
  });

  it.each([
    ['UTF-16LE', [0xff, 0xfe], 'utf16le'],
    ['UTF-16BE', [0xfe, 0xff], 'utf16be'],
  ] as const)('names %s, with or without a byte-order mark', (name, bom, encoding) => {
    const bytes = encoding === 'utf16le' ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'utf16le').swap16();
    expect(refusal(parseJsonSafely(new Uint8Array([...bom, ...bytes]))).message).toContain(name);
    expect(refusal(parseJsonSafely(new Uint8Array(bytes))).message).toContain(name);
  });

  it('names UTF-32', () => {
    expect(refusal(parseJsonSafely(new Uint8Array([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0, 0x7d, 0, 0, 0]))).message).toContain('UTF-32LE');
  });

  it('refuses invalid UTF-8 at its line and column, suggesting Latin-1', () => {
    const bytes = new Uint8Array([...utf8('{\n  "name": "caf'), 0xe9, ...utf8('"\n}')]);
    const problem = refusal(parseJsonSafely(bytes));
    expect(problem).toMatchObject({ code: 'JSON_ENCODING', line: 2, column: 15 });
    expect(problem.message).toContain('Latin-1');
  });

  it.each([
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a stray continuation byte', [0x80]],
  ])('refuses %s', (_label, bad) => {
    const bytes = new Uint8Array([0x22, ...bad, 0x22]);
    expect(refusal(parseJsonSafely(bytes))).toMatchObject({ code: 'JSON_ENCODING', line: 1, column: 2 });
  });
});

describe('parseJsonSafely: size', () => {
  it('refuses input over the cap before reading it', () => {
    const bytes = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20);
    expect(refusal(parseJsonSafely(bytes))).toMatchObject({ code: 'JSON_TOO_LARGE', line: 1, column: 1 });
    expect(refusal(parseJsonSafely(bytes)).message).toBe('file is 10 MB; at most 10 MB is read');
    expect(refusal(parseJsonSafely('[1, 2, 3]', { maxBytes: 8 })).code).toBe('JSON_TOO_LARGE');
  });

  it('counts text in UTF-8 bytes, not characters', () => {
    expect(refusal(parseJsonSafely('"éé"', { maxBytes: 5 })).code).toBe('JSON_TOO_LARGE');
    expect(value(parseJsonSafely('"éé"', { maxBytes: 6 }))).toBe('éé');
  });
});

describe('parseJsonSafely: hostile and large input', () => {
  it('survives 100,000 levels of nesting without touching the call stack', () => {
    const deep = `${'{"a":['.repeat(100_000)}${']}'.repeat(100_000)}`;
    expect(parseJsonSafely(deep, { maxDepth: 1_000_000 }).ok).toBe(true);
    expect(refusal(parseJsonSafely(deep)).code).toBe('JSON_TOO_DEEP');
    expect(refusal(parseJsonSafely('['.repeat(100_000))).code).toBe('JSON_TOO_DEEP');
    expect(refusal(parseJsonSafely('['.repeat(100_000), { maxDepth: 1_000_000 })).code).toBe('JSON_SYNTAX');
  });

  it('parses a 5 MB playbook-like file exactly as JSON.parse does, positions tracked', () => {
    const nodes = Array.from({ length: 16_000 }, (_, i) => ({
      id: `node_${i}`,
      type: 'virustotal.url_report@1',
      name: `Check URL ${i} — ünïcode`,
      params: { url: `{{ nodes.node_${i - 1}.output.url }}`, tags: ['a', 'b\n"c"'], limit: i * 1.5, on: i % 2 === 0, none: null },
    }));
    const text = JSON.stringify({ format: 'switchboard/playbook@1', nodes }, null, 2);
    expect(text.length).toBeGreaterThan(5_000_000);
    const bytes = utf8(text);
    expect(parseJsonSafely(bytes, { trackPositions: true }).ok).toBe(true);
    expect(value(parseJsonSafely(bytes))).toEqual(JSON.parse(text));
  });
});

describe('parseJsonSafely: positions', () => {
  const text = '{\n  "nodes": [\n    { "id": "a" },\n    { "id": "b", "retry": { "maxAttempts": 99 } }\n  ]\n}';
  const result = parseJsonSafely(text, { trackPositions: true });
  const positions = result.ok ? result.positions : undefined;

  it('finds members at their key and elements at their start', () => {
    expect(positions?.locate(['nodes', 1, 'retry', 'maxAttempts'])).toEqual({ line: 4, column: 29 });
    expect(positions?.locate(['nodes', 0])).toEqual({ line: 3, column: 5 });
    expect(positions?.locate([])).toEqual({ line: 1, column: 1 });
  });

  it('falls back to the deepest part of the path that exists', () => {
    expect(positions?.locate(['nodes', 0, 'name'])).toEqual({ line: 3, column: 5 });
    expect(positions?.locate(['nodes', 7])).toEqual({ line: 2, column: 3 });
  });

  it('records nothing unless asked', () => {
    const plain = parseJsonSafely(text);
    expect(plain.ok && plain.positions).toBe(undefined);
  });
});

describe('parseJsonSafely: properties', () => {
  it('agrees with JSON.parse on every valid JSON without forbidden or duplicate keys', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom(0, 1, 2, '\t', '\r\n  '), (json, indent) => {
        const text = JSON.stringify(json, null, indent).replace(/\n/g, typeof indent === 'string' ? '\r\n' : '\n');
        fc.pre(!hasForbiddenKey(JSON.parse(text)));
        expect(value(parseJsonSafely(text))).toEqual(JSON.parse(text));
        expect(value(parseJsonSafely(utf8(text)))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on generated JSON text, any Unicode included', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6, stringUnit: 'grapheme' }), (text) => {
        fc.pre(!hasForbiddenKey(JSON.parse(text)));
        expect(value(parseJsonSafely(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text, and what it accepts JSON.parse reads the same', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const result = parseJsonSafely(text);
        if (result.ok) expect(result.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on near-valid JSON (valid text with a splice), and agrees when it accepts', () => {
    const nearValid = fc
      .tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: 'binary-ascii', maxLength: 3 }))
      .map(([text, at, cut, insert]) => {
        const position = at % (text.length + 1);
        return text.slice(0, position) + insert + text.slice(position + cut);
      });
    fc.assert(
      fc.property(nearValid, (text) => {
        const result = parseJsonSafely(text);
        if (result.ok) expect(result.value).toEqual(JSON.parse(text));
        else expect(result.problem.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = parseJsonSafely(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });
});
