import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ancestorsOf, areAncestors, condense, descendantsOf, findCycle, findCycles, indexGraph, reachableFrom } from '../../../engine/graph/graph.ts';
import type { Playbook } from '../../../engine/format/playbook.ts';

type Shape = Pick<Playbook, 'nodes' | 'edges'>;

/** A graph from node ids and `a>b` edges (port out, ids e1, e2…). */
function graphOf(ids: string[], edges: string[]): Shape {
  return {
    nodes: ids.map((id) => ({ id, type: 'core.noop@1', name: id, params: {} })),
    edges: edges.map((edge, index) => {
      const [from = '', to = ''] = edge.split('>');
      return { id: `e${index + 1}`, from, port: 'out', to };
    }),
  };
}

const diamond = graphOf(['t', 'a', 'b', 'j', 'x'], ['t>a', 't>b', 'a>j', 'b>j']);

describe('indexGraph', () => {
  it('lists in and out edges by node, leaving dangling edges out', () => {
    const graph = indexGraph(graphOf(['a', 'b'], ['a>b', 'a>ghost', 'ghost>b']));
    expect(graph.outgoing.get('a')?.map((edge) => edge.id)).toEqual(['e1']);
    expect(graph.incoming.get('b')?.map((edge) => edge.id)).toEqual(['e1']);
    expect(graph.ids).toEqual(['a', 'b']);
  });

  it('keeps the first of duplicated ids', () => {
    const shape = graphOf(['a', 'a'], []);
    expect(indexGraph(shape).nodes.get('a')).toBe(shape.nodes[0]);
  });
});

describe('reachability', () => {
  const graph = indexGraph(diamond);

  it('reachableFrom includes the starts', () => {
    expect(reachableFrom(graph, ['t'])).toEqual(new Set(['t', 'a', 'b', 'j']));
    expect(reachableFrom(graph, ['ghost'])).toEqual(new Set());
  });

  it('descendantsOf and ancestorsOf exclude the node itself unless it is on a loop', () => {
    expect(descendantsOf(graph, 'a')).toEqual(new Set(['j']));
    expect(ancestorsOf(graph, 'j')).toEqual(new Set(['a', 'b', 't']));
    const loop = indexGraph(graphOf(['a', 'b'], ['a>b', 'b>a']));
    expect(ancestorsOf(loop, 'a')).toEqual(new Set(['a', 'b']));
  });
});

describe('cycles', () => {
  it('finds none in a DAG', () => {
    expect(findCycle(indexGraph(diamond))).toBeUndefined();
  });

  it('names a loop from its first node round to itself, with the closing edge', () => {
    const cycle = findCycle(indexGraph(graphOf(['t', 'check_url', 'decide'], ['t>check_url', 'check_url>decide', 'decide>check_url'])));
    expect(cycle?.nodes).toEqual(['check_url', 'decide', 'check_url']);
    expect(cycle?.edge.id).toBe('e3');
  });

  it('finds one loop per strongly connected component, self-loops included', () => {
    const cycles = findCycles(indexGraph(graphOf(['a', 'b', 'c', 'd'], ['a>b', 'b>a', 'c>c', 'b>d'])));
    expect(cycles.map((cycle) => cycle.nodes.join(' → '))).toEqual(['a → b → a', 'c → c']);
  });

  it('numbers components in topological order', () => {
    const graph = indexGraph(graphOf(['j', 'b', 'a', 't'], ['t>a', 't>b', 'a>j', 'b>j']));
    const { componentOf } = condense(graph);
    for (const edge of graph.outgoing.values()) {
      for (const { from, to } of edge) expect(componentOf.get(from)).toBeLessThan(componentOf.get(to) as number);
    }
  });

  it('handles a 50,000-node chain and loop without recursion', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => `n${i}>${id}`);
    expect(findCycle(indexGraph(graphOf(ids, [...edges, 'n49999>n0'])))?.nodes).toHaveLength(50_001);
  });
});

describe('areAncestors', () => {
  it('answers like ancestorsOf, on any graph', () => {
    const arbitraryGraph = fc.integer({ min: 1, max: 12 }).chain((count) =>
      fc.tuple(
        fc.constant(count),
        fc.array(fc.tuple(fc.nat(count - 1), fc.nat(count - 1)), { maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(count - 1), fc.nat(count - 1)), { maxLength: 30 }),
      ),
    );
    fc.assert(
      fc.property(arbitraryGraph, ([count, edges, queries]) => {
        const ids = Array.from({ length: count }, (_, i) => `n${i}`);
        const graph = indexGraph(graphOf(ids, edges.map(([a, b]) => `n${a}>n${b}`)));
        const pairs = queries.map(([a, b]) => [`n${a}`, `n${b}`] as const);
        expect(areAncestors(graph, pairs)).toEqual(pairs.map(([a, b]) => ancestorsOf(graph, b).has(a)));
      }),
      { numRuns: 500 },
    );
  });

  it('is exact past 1,024 distinct ancestors (several bitset passes)', () => {
    const ids = Array.from({ length: 3_000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => `n${i}>${id}`);
    const graph = indexGraph(graphOf(ids, edges));
    const pairs = ids.slice(2).map((id, i) => [`n${i}`, id] as const);
    const reversed = pairs.map(([a, b]) => [b, a] as const);
    expect(areAncestors(graph, pairs).every(Boolean)).toBe(true);
    expect(areAncestors(graph, reversed).some(Boolean)).toBe(false);
  });
});
