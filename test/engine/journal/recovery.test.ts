import { describe, expect, it } from 'vitest';
import { isTerminal, recoverRun, resumePlan, summarizeRun } from '../../../engine/journal/recovery.ts';
import type { Playbook } from '../../../engine/format/playbook.ts';
import type { RunEvent, RunEventBody } from '../../../engine/run/events.ts';
import { replayRun } from '../../../engine/run/reducer.ts';
import type { RunState } from '../../../engine/run/types.ts';

function journal(bodies: RunEventBody[]): RunEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, runId: 'r1', at: 1000 + i * 10 }) as RunEvent);
}

const started: RunEventBody = {
  type: 'run.started',
  playbookId: 'triage',
  playbookName: 'Triage',
  revision: 2,
  mode: 'run',
  dryRun: false,
  trigger: { ip: '10.0.0.1' },
  nodeIds: ['start', 'a', 'b', 'c', 'd'],
};
const ok = (nodeId: string): RunEventBody => ({ type: 'node.succeeded', nodeId, attempt: 1, output: { nodeId }, port: 'out', durationMs: 5 });

/** start → a → b → c, and a → d (d skipped on a dead path). */
const playbook = {
  nodes: ['start', 'a', 'b', 'c', 'd'].map((id) => ({ id })),
  edges: [
    { id: 'e1', from: 'start', port: 'out', to: 'a' },
    { id: 'e2', from: 'a', port: 'out', to: 'b' },
    { id: 'e3', from: 'b', port: 'out', to: 'c' },
    { id: 'e4', from: 'a', port: 'error', to: 'd' },
  ],
} as unknown as Playbook;

function killedMidRun(): RunState {
  return replayRun(
    journal([
      started,
      ok('start'),
      ok('a'),
      { type: 'node.skipped', nodeId: 'd', reason: 'dead-path' },
      { type: 'node.started', nodeId: 'b', attempt: 1, input: {} },
    ]),
  )!;
}

describe('recoverRun', () => {
  it('marks a run without a terminal event interrupted at its last completed node', () => {
    const state = recoverRun(killedMidRun());
    expect(state.status).toBe('interrupted');
    expect(state.lastCompletedNodeId).toBe('d');
    expect(state.nodes.b?.status).toBe('idle');
    expect(state.nodes.a?.status).toBe('succeeded');
  });

  it('keeps the nodes an interrupted run never started idle (still to come on resume), not not-run', () => {
    expect(recoverRun(killedMidRun()).nodes.c?.status).toBe('idle');
  });

  it('leaves a run alone while its writer is alive', () => {
    const live = killedMidRun();
    expect(recoverRun(live, true)).toBe(live);
  });

  it('leaves finished runs alone', () => {
    const finished = replayRun(journal([started, ok('start'), { type: 'run.finished', status: 'succeeded', durationMs: 20 }]))!;
    expect(recoverRun(finished)).toBe(finished);
    expect(isTerminal(finished.status)).toBe(true);
    expect(isTerminal('paused')).toBe(false);
  });

  it('drops the pause of a run killed while paused', () => {
    const paused = replayRun(journal([started, ok('start'), { type: 'run.paused', nodeId: 'a', reason: 'step', input: {} }]))!;
    const state = recoverRun(paused);
    expect(state.status).toBe('interrupted');
    expect(state.paused).toBeUndefined();
    expect(state.nodes.a?.status).toBe('idle');
  });
});

describe('resumePlan', () => {
  it('reruns what did not settle and reuses the rest', () => {
    expect(resumePlan(recoverRun(killedMidRun()))).toEqual({ rerun: ['b', 'c'], reused: ['start', 'a', 'd'] });
  });

  it('with the playbook, also reruns everything downstream of a failed node', () => {
    const failed = replayRun(
      journal([
        started,
        ok('start'),
        { type: 'node.failed', nodeId: 'a', attempt: 3, error: { code: 'VENDOR', message: '502' }, durationMs: 9, handled: true },
        ok('d'),
        { type: 'node.skipped', nodeId: 'b', reason: 'dead-path' },
        { type: 'node.skipped', nodeId: 'c', reason: 'dead-path' },
      ]),
    )!;
    expect(resumePlan(recoverRun(failed), playbook)).toEqual({ rerun: ['a', 'b', 'c', 'd'], reused: ['start'] });
  });
});

describe('summarizeRun', () => {
  it('summarises an interrupted run up to its last event', () => {
    expect(summarizeRun(recoverRun(killedMidRun()), 1040)).toEqual({
      runId: 'r1',
      playbookId: 'triage',
      playbookName: 'Triage',
      status: 'interrupted',
      dryRun: false,
      startedAt: 1000,
      durationMs: 40,
      trigger: { ip: '10.0.0.1' },
      lastCompletedNodeId: 'd',
    });
  });

  it('names the node a failed run stopped at', () => {
    const failed = replayRun(
      journal([
        started,
        { type: 'node.failed', nodeId: 'start', attempt: 1, error: { code: 'AUTH', message: '401' }, durationMs: 1, handled: false },
        { type: 'run.finished', status: 'failed', durationMs: 12, error: { code: 'AUTH', message: '401', nodeId: 'start' } },
      ]),
    )!;
    const summary = summarizeRun(failed);
    expect(summary.status).toBe('failed');
    expect(summary.durationMs).toBe(12);
    expect(summary.error).toEqual({ code: 'AUTH', message: '401', nodeId: 'start' });
  });
});
