import { describe, expect, it } from 'vitest';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { RunHandle } from '../../../engine/run/types.ts';
import { playbook, testRegistry, type Calls } from '../../support/test-nodes.ts';

const T = { id: 't', type: 'trigger.manual@1' };
const chain = playbook(
  [T, { id: 'a', type: 'test.set@1', params: { values: { n: '{{ trigger.n }}' } } }, { id: 'b', type: 'test.set@1', params: { values: { n: '{{ nodes.a.output.n + 1 }}' } } }, { id: 'c', type: 'test.set@1', params: { values: { n: '{{ nodes.b.output.n + 1 }}' } } }],
  ['t->a', 'a->b', 'b->c'],
);

/** Resolves at the run's next pause (or its end). */
function nextPause(handle: RunHandle): Promise<string | undefined> {
  return new Promise((resolve) => {
    const off = handle.subscribe((e: RunEvent) => {
      if (e.type === 'run.paused' || e.type === 'run.finished') {
        off();
        resolve(e.type === 'run.paused' ? e.nodeId : undefined);
      }
    });
  });
}

describe('debugger', () => {
  it('in step mode pauses before every node, shows its resolved input, and steps', async () => {
    const calls: Calls = { log: [] };
    const handle = startRun({ playbook: chain, registry: testRegistry(calls), trigger: { n: 1 }, mode: 'step' });
    expect(await nextPause(handle)).toBe('a');
    expect(handle.debug.inspect()).toEqual({ nodeId: 'a', reason: 'step', input: { values: { n: 1 } } });
    expect(handle.state().nodes.a?.status).toBe('paused');
    handle.debug.step();
    expect(await nextPause(handle)).toBe('b');
    expect(calls.log.map((c) => c.nodeId)).toEqual(['a']);
    expect(handle.debug.inspect()?.input).toEqual({ values: { n: 2 } });
    handle.debug.continue();
    const state = await handle.done;
    expect(state.status).toBe('succeeded');
    expect(state.nodes.c?.output).toEqual({ n: 3 });
  });

  it('pauses at breakpoints only, in run mode', async () => {
    const handle = startRun({ playbook: chain, registry: testRegistry(), trigger: { n: 1 }, breakpoints: ['c'] });
    expect(await nextPause(handle)).toBe('c');
    expect(handle.state().nodes.b?.status).toBe('succeeded');
    handle.debug.continue();
    expect((await handle.done).status).toBe('succeeded');
  });

  it('honours a breakpoint set on the node in the playbook', async () => {
    const pb = { ...chain, nodes: chain.nodes.map((n) => (n.id === 'b' ? { ...n, breakpoint: true } : n)) };
    const handle = startRun({ playbook: pb, registry: testRegistry(), trigger: { n: 1 } });
    expect(await nextPause(handle)).toBe('b');
    handle.debug.continue();
    await handle.done;
  });

  it('skips the paused node with a given output, which downstream nodes then read', async () => {
    const calls: Calls = { log: [] };
    const handle = startRun({ playbook: chain, registry: testRegistry(calls), trigger: { n: 1 }, breakpoints: ['b'] });
    await nextPause(handle);
    handle.debug.skip({ n: 100 });
    const state = await handle.done;
    expect(calls.log.map((c) => c.nodeId)).toEqual(['a', 'c']);
    expect(state.nodes.b).toMatchObject({ status: 'skipped', output: { n: 100 }, source: 'user' });
    expect(state.nodes.c?.output).toEqual({ n: 101 });
  });

  it('runs the paused node with an edited input', async () => {
    const handle = startRun({ playbook: chain, registry: testRegistry(), trigger: { n: 1 }, breakpoints: ['b'] });
    await nextPause(handle);
    handle.debug.override({ values: { n: 50 } });
    handle.debug.continue();
    expect((await handle.done).nodes.c?.output).toEqual({ n: 51 });
  });

  it('pauses on request before the next node', async () => {
    const handle = startRun({ playbook: chain, registry: testRegistry(), trigger: { n: 1 } });
    handle.debug.pause();
    expect(await nextPause(handle)).toBe('a');
    handle.debug.stop();
    expect((await handle.done).status).toBe('cancelled');
  });

  it('uses a pinned output instead of running the node', async () => {
    const calls: Calls = { log: [] };
    const { done } = startRun({ playbook: chain, registry: testRegistry(calls), trigger: { n: 1 }, pins: { a: { output: { n: 10 } } } });
    const state = await done;
    expect(calls.log.map((c) => c.nodeId)).toEqual(['b', 'c']);
    expect(state.nodes.a).toMatchObject({ status: 'succeeded', source: 'pin' });
    expect(state.nodes.c?.output).toEqual({ n: 12 });
  });

  it('runs from here: re-runs a node and its descendants, reusing the recorded upstream outputs', async () => {
    const first = await startRun({ playbook: chain, registry: testRegistry(), trigger: { n: 1 } }).done;
    const calls: Calls = { log: [] };
    const again = await startRun({ playbook: chain, registry: testRegistry(calls), reuse: { previous: first, fromNodeId: 'b' } }).done;
    expect(calls.log.map((c) => c.nodeId)).toEqual(['b', 'c']);
    expect(again.nodes.a).toMatchObject({ status: 'succeeded', source: 'reused', output: { n: 1 } });
    expect(again.nodes.c?.output).toEqual({ n: 3 });
    expect(again.fromRunId).toBe(first.runId);
  });

  it('stops while paused, leaving the paused node not run', async () => {
    const calls: Calls = { log: [] };
    const handle = startRun({ playbook: chain, registry: testRegistry(calls), trigger: { n: 1 }, mode: 'step' });
    await nextPause(handle);
    handle.debug.stop();
    const state = await handle.done;
    expect(state.status).toBe('cancelled');
    expect(calls.log).toEqual([]);
    expect(state.nodes.a?.status).toBe('not-run');
  });
});
