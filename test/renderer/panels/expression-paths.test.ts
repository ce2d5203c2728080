import { describe, expect, it } from 'vitest';
import { JSONATA_NAME_KEYWORDS } from '../../../engine/expressions/fast-path.ts';
import { filterSuggestions, insertTemplate, joinPath, openTemplateAt, suggestionsFrom } from '../../../renderer/panels/expression-paths.ts';

describe('the template being typed at the caret', () => {
  it('opens right after a typed {{, with an empty query', () => {
    expect(openTemplateAt('{{', 2)).toEqual({ start: 0, query: '' });
    expect(openTemplateAt('host {{', 7)).toEqual({ start: 5, query: '' });
  });

  it('carries what was typed after the {{ as the query', () => {
    expect(openTemplateAt('host is {{ trigger.al', 21)).toEqual({ start: 8, query: ' trigger.al' });
  });

  it('is closed once the template is closed before the caret, or with no {{ at all', () => {
    expect(openTemplateAt('{{ a }} and more', 16)).toBeUndefined();
    expect(openTemplateAt('plain text', 5)).toBeUndefined();
    expect(openTemplateAt('a single { brace', 16)).toBeUndefined();
  });

  it('looks only before the caret: a caret inside an existing template opens it', () => {
    expect(openTemplateAt('{{ nodes.x }}', 10)).toEqual({ start: 0, query: ' nodes.x' });
    expect(openTemplateAt('{{ a }} {{ b', 12)).toEqual({ start: 8, query: ' b' });
  });
});

describe('inserting a chosen template', () => {
  it('replaces the open {{ and its query, leaving the caret after the closing }}', () => {
    const text = 'host is {{ trig';
    const result = insertTemplate(text, text.length, { start: 8, query: ' trig' }, '{{ trigger.host }}');
    expect(result).toEqual({ text: 'host is {{ trigger.host }}', caret: 26 });
  });

  it('takes over a }} already after the caret instead of doubling it', () => {
    const text = '{{ nodes. }} tail';
    const result = insertTemplate(text, 9, { start: 0, query: ' nodes.' }, '{{ nodes.a.output }}');
    expect(result.text).toBe('{{ nodes.a.output }} tail');
  });

  it('leaves the }} of a later template alone', () => {
    const text = '{{ and {{ b }}';
    const result = insertTemplate(text, 2, { start: 0, query: '' }, '{{ vars.x }}');
    expect(result.text).toBe('{{ vars.x }} and {{ b }}');
  });
});

describe('suggestions', () => {
  const all = suggestionsFrom({
    trigger: { alert: { host: 'ws-1' } },
    upstream: [{ id: 'check_ip', name: 'Check IP', output: { score: 90 }, fromRun: false }],
    vars: {},
    inForEach: false,
  });

  it('offers the trigger, then each upstream output, each as a whole template', () => {
    expect(all.map((suggestion) => suggestion.template)).toEqual([
      '{{ trigger }}',
      '{{ trigger.alert }}',
      '{{ trigger.alert.host }}',
      '{{ nodes.check_ip.output }}',
      '{{ nodes.check_ip.output.score }}',
    ]);
  });

  it('filters by the query, paths starting with it first', () => {
    expect(filterSuggestions(all, ' score').map((suggestion) => suggestion.path)).toEqual(['nodes.check_ip.output.score']);
    expect(filterSuggestions(all, 'trigger.al').map((suggestion) => suggestion.path)).toEqual(['trigger.alert', 'trigger.alert.host']);
  });
});

describe('joining a path', () => {
  it('quotes a key spelled like a JSONata keyword, which would not read as a field, and no other plain name', () => {
    for (const keyword of JSONATA_NAME_KEYWORDS) expect(joinPath('nodes.x.output', [keyword])).toBe(`nodes.x.output.\`${keyword}\``);
    expect(joinPath('nodes.x.output', ['android', 'order'])).toBe('nodes.x.output.android.order');
  });
});
