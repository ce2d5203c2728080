import { describe, it, expect } from 'vitest';
import { compileValue, referencesOf } from '../../../engine/expressions/template.ts';

function refs(value: unknown): { roots: string[]; nodes: string[] } {
  const found = referencesOf(compileValue(value));
  return { roots: [...found.roots].sort(), nodes: [...found.nodes].sort() };
}

describe('referencesOf', () => {
  it('names the upstream node of a nodes.<id> path, however deep the path goes', () => {
    expect(refs('{{ nodes.lookup.output.data.score }}')).toEqual({ roots: ['nodes'], nodes: ['lookup'] });
    expect(refs('{{ nodes.lookup }}')).toEqual({ roots: ['nodes'], nodes: ['lookup'] });
    expect(refs('{{ nodes.enrich.status = "failed" ? nodes.enrich.error.message }}')).toEqual({ roots: ['nodes'], nodes: ['enrich'] });
  });

  it('follows $$ (the scope) anywhere and $ at the top', () => {
    expect(refs('{{ $$.nodes.a.output }}')).toEqual({ roots: ['nodes'], nodes: ['a'] });
    expect(refs('{{ $.nodes.b.output }}')).toEqual({ roots: ['nodes'], nodes: ['b'] });
    expect(refs('{{ trigger.items.($$.nodes.c.output) }}')).toEqual({ roots: ['nodes', 'trigger'], nodes: ['c'] });
  });

  it('reads backtick-quoted ids', () => {
    expect(refs('{{ nodes.`check-url`.output }}')).toEqual({ roots: ['nodes'], nodes: ['check-url'] });
  });

  it('collects every root: trigger, nodes, item, index, vars, run and unknown names', () => {
    expect(refs('{{ item.url & index & vars.base & run.id & trigger.ip & typo.x & nodes.n.output }}')).toEqual({
      roots: ['index', 'item', 'nodes', 'run', 'trigger', 'typo', 'vars'],
      nodes: ['n'],
    });
  });

  it('looks inside function calls, conditions, blocks, constructors and lambdas', () => {
    expect(
      refs('{{ ($n := $count(nodes.a.output); $n > 0 ? [nodes.b.output, {"c": nodes.c.output}] : $map(trigger.list, function($v) { nodes.d.output })) }}'),
    ).toEqual({ roots: ['nodes', 'trigger'], nodes: ['a', 'b', 'c', 'd'] });
  });

  it('does not take names relative to an item (predicates, later steps, groups, sorts) for roots', () => {
    expect(refs('{{ trigger.items[type = "ip"].value }}')).toEqual({ roots: ['trigger'], nodes: [] });
    expect(refs('{{ trigger.items.(nodes.x) }}')).toEqual({ roots: ['trigger'], nodes: [] });
    expect(refs('{{ trigger.items{ kind: $count(nodes) } }}')).toEqual({ roots: ['trigger'], nodes: [] });
    expect(refs('{{ trigger.items^(nodes) }}')).toEqual({ roots: ['trigger'], nodes: [] });
  });

  it('ignores names inside string literals', () => {
    expect(refs('{{ "nodes.fake.output" }}')).toEqual({ roots: [], nodes: [] });
  });

  it('gives the root but no id for a computed key', () => {
    expect(refs('{{ nodes[$x] }}')).toEqual({ roots: ['nodes'], nodes: [] });
    expect(refs('{{ $lookup(nodes, "a") }}')).toEqual({ roots: ['nodes'], nodes: [] });
  });

  it('merges every template of a value, interpolated ones included', () => {
    expect(
      refs({
        url: '{{ vars.base }}/{{ nodes.first.output.id }}',
        body: ['{{ nodes.second.output }}', { deep: 'x {{ nodes.third.output.y }}' }],
        plain: 'nodes.not_a_template',
      }),
    ).toEqual({ roots: ['nodes', 'vars'], nodes: ['first', 'second', 'third'] });
  });

  it('is empty for a static value', () => {
    expect(refs({ a: 1, b: 'nodes.x' })).toEqual({ roots: [], nodes: [] });
  });
});
