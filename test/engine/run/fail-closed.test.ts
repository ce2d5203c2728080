import { describe, expect, it } from 'vitest';
import { NodeError } from '../../../engine/errors.ts';
import { createRegistry } from '../../../engine/node-type.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { startRun } from '../../../engine/run/executor.ts';
import { checkValueLimits, DEFAULT_VALUE_LIMITS } from '../../../engine/run/value-limits.ts';
import type { Calls } from '../../support/test-nodes.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { waitFor } from '../../support/wait-for.ts';

const T = { id: 't', type: 'trigger.manual@1' };

/** JSON nested `depth` deep, as a hostile vendor might answer. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}

describe('run limits: nothing the journal cannot hold is acted on', () => {
  it('measures depth and size without recursion, and names the limit', () => {
    expect(checkValueLimits({ a: [1, 2, { b: 'c' }] })).toBeUndefined();
    expect(checkValueLimits(nested(100_000))).toMatchObject({ limit: 'depth', message: expect.stringContaining('64 deep (the limit, maxDepth)') });
    expect(checkValueLimits('x'.repeat(100), { maxDepth: 64, maxBytes: 50 })).toMatchObject({ limit: 'size', message: expect.stringContaining('50 bytes (the limit, maxBytes)') });
    expect(checkValueLimits({ big: 'x'.repeat(17 * 1024 * 1024) })).toMatchObject({ limit: 'size', message: expect.stringContaining('16 MiB') });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(checkValueLimits(cycle)?.limit).toBe('depth');
    expect(DEFAULT_VALUE_LIMITS).toEqual({ maxDepth: 64, maxBytes: 16 * 1024 * 1024 });
  });

  it('fails a node whose output is nested 6,000 deep with OUTPUT_TOO_DEEP, and the next write is never sent', async () => {
    const calls: Calls = { log: [] };
    const pb = playbook([T, { id: 'vendor', type: 'test.deep@1' }, { id: 'block', type: 'test.write@1' }], ['t->vendor', 'vendor->block']);
    const events: RunEvent[] = [];
    const registry = createRegistry([...testRegistry(calls).values(), { ...testRegistry().get('test.call@1')!, type: 'test.deep@1', run: () => Promise.resolve(nested(6000)) }]);
    const state = await startRun({ playbook: pb, registry, clock: new FakeClock(), journal: { append: (b) => void events.push(...b) } }).done;
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ nodeId: 'vendor', code: 'OUTPUT_TOO_DEEP' });
    expect(calls.log.map((c) => c.nodeId)).not.toContain('block');
    expect(() => JSON.stringify(events)).not.toThrow();
  });

  it('fails a node whose output is over the size limit with OUTPUT_TOO_LARGE; an error edge still runs', async () => {
    const pb = playbook(
      [T, { id: 'vendor', type: 'test.call@1', params: { value: 'x'.repeat(2000) } }, { id: 'handler', type: 'test.set@1', params: { values: { why: '{{ nodes.vendor.error.code }}' } } }],
      ['t->vendor', 'vendor:error->handler'],
    );
    const state = await startRun({ playbook: pb, registry: testRegistry(), clock: new FakeClock(), valueLimits: { maxDepth: 64, maxBytes: 1000 } }).done;
    expect(state.status).toBe('succeeded');
    expect(state.nodes.handler?.output).toEqual({ why: 'OUTPUT_TOO_LARGE' });
  });

  it('refuses a trigger event nested too deep before the run exists', () => {
    const pb = playbook([T], []);
    expect(() => startRun({ playbook: pb, registry: testRegistry(), trigger: nested(6000) })).toThrow(NodeError);
    expect(() => startRun({ playbook: pb, registry: testRegistry(), trigger: nested(6000) })).toThrow(/trigger event cannot be accepted: it is nested more than 64 deep/);
  });

  it('never sends a write whose start could not be journalled, and the run fails saying why', async () => {
    const calls: Calls = { log: [] };
    const pb = playbook([T, { id: 'lookup', type: 'test.call@1' }, { id: 'block', type: 'test.write@1' }], ['t->lookup', 'lookup->block']);
    const journal = {
      append: (batch: readonly RunEvent[]) => {
        if (batch.some((e) => e.type === 'node.started' && e.nodeId === 'block')) throw new Error('ENOSPC: no space left on device');
      },
    };
    const state = await startRun({ playbook: pb, registry: testRegistry(calls), journal }).done;
    expect(state.status).toBe('failed');
    expect(state.error?.message).toMatch(/the run journal could not be written: ENOSPC/);
    expect(calls.log.map((c) => c.nodeId)).not.toContain('block');
  });
});

describe('what expressions see is what the run shows', () => {
  it('reads a node skipped at a step as skipped, not succeeded', async () => {
    const pb = playbook(
      [T, { id: 'b', type: 'test.set@1', params: { values: { x: 1 } } }, { id: 'c', type: 'test.set@1', params: { values: { status: '{{ nodes.b.status }}', output: '{{ nodes.b.output }}' } } }],
      ['t->b', 'b->c'],
    );
    const handle = startRun({ playbook: pb, registry: testRegistry(), breakpoints: ['b'] });
    await waitFor(() => handle.debug.inspect()?.nodeId === 'b' || undefined);
    handle.debug.skip({ given: true });
    const state = await handle.done;
    expect(state.nodes.b?.status).toBe('skipped');
    expect(state.nodes.c?.output).toEqual({ status: 'skipped', output: { given: true } });
  });

  it('reads a dry run\'s simulated write as succeeded, and run.dryRun tells them apart', async () => {
    const pb = playbook(
      [T, { id: 'block', type: 'test.write@1' }, { id: 'c', type: 'test.set@1', params: { values: { status: '{{ nodes.block.status }}', dry: '{{ run.dryRun }}' } } }],
      ['t->block', 'block->c'],
    );
    const state = await startRun({ playbook: pb, registry: testRegistry(), dryRun: true }).done;
    expect(state.nodes.block?.status).toBe('simulated');
    expect(state.nodes.c?.output).toEqual({ status: 'succeeded', dry: true });
  });
});
