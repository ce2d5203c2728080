import { describe, expect, it } from 'vitest';
import { LinearRegExp, linearRegexProblem } from '../../../engine/expressions/linear-regex.ts';
import { compileValue, evaluateValue } from '../../../engine/expressions/template.ts';
import { ExpressionError } from '../../../engine/expressions/types.ts';
import { makeScope } from './fixtures.ts';

/** Every match of `regex` in `input` the way JSONata walks them: exec from lastIndex until null. */
function allMatches(engine: { lastIndex: number; exec(input: string): RegExpExecArray | null }, input: string): unknown[] {
  const found: unknown[] = [];
  for (let match = engine.exec(input); match !== null && found.length < 20; match = engine.exec(input)) {
    found.push({ text: match[0], index: match.index, groups: match.slice(1), lastIndex: engine.lastIndex });
  }
  return found;
}

describe('LinearRegExp', () => {
  // JSONata always adds the global flag to its regex literals.
  const cases: [RegExp, string][] = [
    [/b(c)?/g, 'abcab'],
    [/phish/gi, 'Phishing and PHISH'],
    [/^x$/gm, 'a\nx\nb\nx'],
    [/(\d{4})-(\d\d)/g, 'from 2026-11 to 2027-01'],
    [/[\w.+-]+@[\w-]+\.com/g, 'mail bob@evil.com, eve@ok.com'],
    [/x/g, '😀x😀x'],
    [/(a)|(b)/g, 'ab'],
  ];

  it.each(cases)('finds what the native engine finds: %s in %j (index, groups, lastIndex)', (regex, input) => {
    expect(allMatches(new LinearRegExp(regex), input)).toEqual(allMatches(new RegExp(regex.source, regex.flags), input));
  });

  it('reports no match past the end of the input, and starts over', () => {
    const engine = new LinearRegExp(/a/g);
    engine.lastIndex = 5;
    expect(engine.exec('aa')).toBeNull();
    expect(engine.lastIndex).toBe(0);
  });

  it('keeps the RE2 differences the README states: \\s is ASCII whitespace, . matches \\r', () => {
    expect(new LinearRegExp(/\s/g).exec('\u00a0')).toBeNull();
    expect(new LinearRegExp(/./g).exec('\r')?.[0]).toBe('\r');
  });

  it('matches a catastrophic-backtracking pattern against a long subject in linear time', () => {
    // /(a+)+$/ on 50,000 "a"s and a "!" would not finish on V8's backtracking engine.
    const engine = new LinearRegExp(/(a+)+$/g);
    expect(engine.exec(`${'a'.repeat(50_000)}!`)).toBeNull();
    expect(engine.exec('aaa')?.[0]).toBe('aaa');
  });
});

describe('linearRegexProblem', () => {
  it('accepts what RE2 can run', () => {
    expect(linearRegexProblem(/(a+)+$/g)).toBeUndefined();
    expect(linearRegexProblem(/^(?<year>\d{4})-\d{2}$/gi)).toBeUndefined();
  });

  it('names the construct RE2 cannot run: backreferences and lookarounds', () => {
    expect(linearRegexProblem(/(\w+) \1/g)).toBe('invalid escape sequence: `\\1`');
    expect(linearRegexProblem(/(?=a)b/g)).toContain('(?=');
    expect(linearRegexProblem(/(?<!a)b/g)).toBeDefined();
  });
});

describe('regexes in expressions', () => {
  const scope = makeScope({ trigger: { subject: `${'a'.repeat(50_000)}!`, text: 'Urgent: verify at http://evil.example/login now' } });
  const evaluate = (template: string) => evaluateValue(compileValue(template, 'params.x'), scope);

  it('evaluate through the linear engine: $match, $contains, $replace and $split', async () => {
    expect(await evaluate('{{ $match(trigger.text, /https?:\\/\\/([^\\/]+)/).groups[0] }}')).toBe('evil.example');
    expect(await evaluate('{{ $contains(trigger.text, /URGENT/i) }}')).toBe(true);
    expect(await evaluate("{{ $replace(trigger.text, /e(v)il/, 'g$1od') }}")).toBe('Urgent: verify at http://gvod.example/login now');
    expect(await evaluate('{{ $split("a1b22c", /\\d+/) }}')).toEqual(['a', 'b', 'c']);
  });

  it('cannot hang a run on an attacker-controlled subject', async () => {
    expect(await evaluate('{{ $contains(trigger.subject, /(a+)+$/) }}')).toBe(false);
  });

  it('refuse a backreference when the expression is compiled, naming the param and the regex', () => {
    const refuse = () => compileValue('{{ $contains(trigger.text, /(\\w+) \\1/) }}', 'params.value');
    expect(refuse).toThrow(ExpressionError);
    try {
      refuse();
    } catch (error) {
      expect(error).toMatchObject({ code: 'EXPRESSION_SYNTAX', path: 'params.value' });
      expect((error as Error).message).toMatch(/^params\.value: regex \/\(\\w\+\) \\1\/ at position \d+ of ".*" cannot run in linear time/);
    }
  });
});
