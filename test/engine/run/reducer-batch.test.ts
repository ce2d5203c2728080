import { describe, expect, it } from 'vitest';
import type { NodeErrorInfo } from '../../../engine/errors.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { reduceRun, reduceRunEvents } from '../../../engine/run/reducer.ts';
import type { RunState } from '../../../engine/run/types.ts';

const base = { runId: 'r', at: 0 };
const error: NodeErrorInfo = { code: 'FAILED', message: 'The server failed.' };

/** A run touching nodes a, b and c (and one approval) in every way the reducer knows, seq from 1. */
function mixedEvents(): RunEvent[] {
  const bodies = [
    { type: 'run.started', playbookId: 'p', playbookName: 'P', revision: 1, mode: 'step', dryRun: false, trigger: { ip: '1.2.3.4' }, nodeIds: ['a', 'b', 'c', 'd'] },
    { type: 'run.paused', nodeId: 'a', reason: 'step', input: { x: 1 } },
    { type: 'run.resumed', nodeId: 'a', action: 'step' },
    { type: 'node.started', nodeId: 'a', attempt: 1, input: { x: 1 }, items: 3 },
    { type: 'node.progress', nodeId: 'a', done: 2, total: 3 },
    { type: 'node.log', nodeId: 'a', level: 'info', message: 'halfway' },
    { type: 'node.retrying', nodeId: 'a', attempt: 1, delayMs: 10, error },
    { type: 'node.succeeded', nodeId: 'a', attempt: 2, output: { y: 2 }, port: 'out', durationMs: 5 },
    { type: 'approval.requested', nodeId: 'b', prompt: 'Block it?', expiresAt: 100 },
    { type: 'approval.decided', nodeId: 'b', decision: 'approved', by: 'ana' },
    { type: 'node.failed', nodeId: 'b', attempt: 1, error, durationMs: 3, handled: true },
    { type: 'node.skipped', nodeId: 'c', reason: 'dead-path' },
    { type: 'run.paused', nodeId: 'd', reason: 'breakpoint', input: {} },
    { type: 'run.finished', status: 'cancelled', durationMs: 9 },
  ];
  return bodies.map((body, index) => ({ ...base, seq: index + 1, ...body }) as RunEvent);
}

function sequential(state: RunState | undefined, events: readonly RunEvent[]): RunState | undefined {
  let next = state;
  for (const event of events) next = reduceRun(next, event);
  return next;
}

describe('reduceRunEvents', () => {
  it('equals reducing the events one by one, from nothing and from any point of the run', () => {
    const events = mixedEvents();
    expect(reduceRunEvents(undefined, events)).toEqual(sequential(undefined, events));
    for (let split = 1; split < events.length; split++) {
      const before = sequential(undefined, events.slice(0, split));
      expect(reduceRunEvents(before, events.slice(split))).toEqual(sequential(before, events.slice(split)));
    }
  });

  it('never changes the state it was given, and shares the nodes no event touched', () => {
    const events = mixedEvents();
    const before = sequential(undefined, events.slice(0, 9)) as RunState;
    const snapshot = structuredClone(before);
    const after = reduceRunEvents(before, events.slice(9)) as RunState;
    expect(before).toEqual(snapshot);
    expect(after).not.toBe(before);
    expect(after.nodes.a).toBe(before.nodes.a);
    expect(after.nodes.b).not.toBe(before.nodes.b);
    expect(after.approvals.b).not.toBe(before.approvals.b);
  });

  it('returns the state itself for no events', () => {
    const state = sequential(undefined, mixedEvents().slice(0, 2));
    expect(reduceRunEvents(state, [])).toBe(state);
    expect(reduceRunEvents(undefined, [])).toBeUndefined();
  });
});
