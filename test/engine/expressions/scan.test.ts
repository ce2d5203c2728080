import { describe, it, expect } from 'vitest';
import { scanTemplate, TemplateScanError } from '../../../engine/expressions/scan.ts';

describe('scanTemplate', () => {
  it('cuts text and expressions apart, with each expression\'s offset in the string', () => {
    expect(scanTemplate('ip={{ trigger.ip }}&n={{n}}')).toEqual({
      parts: [
        { kind: 'text', text: 'ip=' },
        { kind: 'expression', source: ' trigger.ip ', offset: 5 },
        { kind: 'text', text: '&n=' },
        { kind: 'expression', source: 'n', offset: 24 },
      ],
      typed: false,
    });
  });

  it('calls a lone expression with only whitespace around it typed', () => {
    expect(scanTemplate('{{ x }}').typed).toBe(true);
    expect(scanTemplate(' \n{{ x }}\t').typed).toBe(true);
    expect(scanTemplate('a{{ x }}').typed).toBe(false);
    expect(scanTemplate('{{ x }}{{ y }}').typed).toBe(false);
  });

  it('unescapes \\{{ and pairs of backslashes before {{ only', () => {
    expect(scanTemplate('\\{{ x }}').parts).toEqual([{ kind: 'text', text: '{{ x }}' }]);
    expect(scanTemplate('\\\\\\{{ x }}').parts).toEqual([{ kind: 'text', text: '\\{{ x }}' }]);
    expect(scanTemplate('a\\b\\\\{{ x }}').parts).toEqual([
      { kind: 'text', text: 'a\\b\\' },
      { kind: 'expression', source: ' x ', offset: 7 },
    ]);
  });

  it('skips }} inside strings (with escaped quotes), backtick names and comments', () => {
    const sources = ['{{ "a\\"}}" }}', "{{ 'a}}' }}", '{{ `a}}` }}', '{{ /* }} */ 1 }}'].map(
      (text) => (scanTemplate(text).parts[0] as { source: string }).source,
    );
    expect(sources).toEqual([' "a\\"}}" ', " 'a}}' ", ' `a}}` ', ' /* }} */ 1 ']);
  });

  it('falls back to the first }} when a string is left open, so JSONata reports the real problem', () => {
    expect(scanTemplate('{{ "abc }} tail').parts[0]).toEqual({ kind: 'expression', source: ' "abc ', offset: 2 });
  });

  it('refuses a {{ that is never closed, pointing at it', () => {
    expect(() => scanTemplate('ok {{ x')).toThrow(TemplateScanError);
    try {
      scanTemplate('ok {{ x');
    } catch (error) {
      expect((error as TemplateScanError).offset).toBe(3);
    }
  });
});
