import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const kinds = ['set', 'cond_true', 'cond_false', 'fail_handled'] as const;

/** A random DAG: edges only go from a lower to a higher index, so it never has a cycle. */
const dag = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.record({
    kinds: fc.array(fc.constantFrom(...kinds), { minLength: n, maxLength: n }),
    joins: fc.array(fc.constantFrom('any' as const, 'all' as const), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.nat(n), fc.nat(n), fc.boolean()), { maxLength: n * 3 }),
  }),
);

describe('executor on random DAGs', () => {
  it('settles every node exactly once and always finishes', async () => {
    await fc.assert(
      fc.asyncProperty(dag, async ({ kinds: nodeKinds, joins, edges }) => {
        const nodes = nodeKinds.map((kind, i) => {
          const id = `n${i}`;
          if (kind === 'set') return { id, type: 'test.set@1', join: joins[i] };
          if (kind === 'fail_handled') return { id, type: 'test.call@1', join: joins[i], params: { failTimes: 9, code: 'BAD_REQUEST' } };
          return { id, type: 'test.condition@1', join: joins[i], params: { condition: kind === 'cond_true' } };
        });
        const portOf = (i: number, alt: boolean) => {
          const kind = nodeKinds[i - 1];
          if (kind === 'cond_true' || kind === 'cond_false') return alt ? 'false' : 'true';
          return alt ? 'error' : 'out';
        };
        const links = new Set<string>();
        nodeKinds.forEach((kind, i) => {
          links.add(`t->n${i}`);
          if (kind === 'fail_handled') links.add(`n${i}:error->sink`);
        });
        for (const [a, b, alt] of edges) {
          const [from, to] = a < b ? [a, b] : [b, a];
          if (from === to || to === 0) continue;
          links.add(from === 0 ? `t->n${to - 1}` : `n${from - 1}:${portOf(from, alt)}->n${to - 1}`);
        }
                const pb = playbook([{ id: 't', type: 'trigger.manual@1' }, ...nodes, { id: 'sink', type: 'test.set@1' }], [...links]);
        const events: RunEvent[] = [];
        const state = await startRun({ playbook: pb, registry: testRegistry(), clock: new FakeClock(), journal: { append: (b) => void events.push(...b) } }).done;
        expect(state.status).toBe('succeeded');
        const terminal = events.filter((e) => e.type === 'node.succeeded' || e.type === 'node.failed' || e.type === 'node.skipped');
        const perNode = new Map<string, number>();
        for (const e of terminal) perNode.set((e as { nodeId: string }).nodeId, (perNode.get((e as { nodeId: string }).nodeId) ?? 0) + 1);
        expect(perNode.size).toBe(pb.nodes.length);
        expect([...perNode.values()].every((count) => count === 1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
