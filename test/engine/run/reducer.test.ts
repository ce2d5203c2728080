import { describe, expect, it } from 'vitest';
import type { NodeErrorInfo } from '../../../engine/errors.ts';
import type { RunEvent, RunEventBody } from '../../../engine/run/events.ts';
import { reduceRun, replayRun } from '../../../engine/run/reducer.ts';
import type { RunState } from '../../../engine/run/types.ts';

const error: NodeErrorInfo = { code: 'VENDOR', message: '502 from the firewall' };

function journal(bodies: RunEventBody[]): RunEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, runId: 'r', at: 1_000 + i }) as RunEvent);
}

const started: RunEventBody = { type: 'run.started', playbookId: 'p', playbookName: 'P', revision: 1, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'block', 'ticket', 'other', 'notify'] };
const ok = (nodeId: string): RunEventBody => ({ type: 'node.succeeded', nodeId, attempt: 1, output: {}, port: 'out', durationMs: 1 });

/** start ok, block failed (unhandled), other skipped; ticket and notify never started. */
const upToFailure: RunEventBody[] = [
  started,
  ok('start'),
  { type: 'node.skipped', nodeId: 'other', reason: 'dead-path' },
  { type: 'node.started', nodeId: 'block', attempt: 1, input: {} },
  { type: 'node.failed', nodeId: 'block', attempt: 1, error, durationMs: 3, handled: false },
];

const statuses = (state: RunState) => Object.fromEntries(Object.entries(state.nodes).map(([id, node]) => [id, node.status]));

describe('reduceRun: nodes a finished run never ran', () => {
  it('marks them not-run when the run failed, leaving every node that ran as it ended', () => {
    const state = replayRun(journal([...upToFailure, { type: 'run.finished', status: 'failed', durationMs: 9, error: { ...error, nodeId: 'block' } }]))!;
    expect(statuses(state)).toEqual({ start: 'succeeded', block: 'failed', ticket: 'not-run', other: 'skipped', notify: 'not-run' });
  });

  it('marks them not-run when the run was stopped, the node it was paused before included', () => {
    const state = replayRun(
      journal([
        started,
        ok('start'),
        { type: 'run.paused', nodeId: 'block', reason: 'step', input: { ip: '203.0.113.7' } },
        { type: 'run.finished', status: 'cancelled', durationMs: 9, error: { code: 'CANCELLED', message: 'stopped by the analyst' } },
      ]),
    )!;
    expect(statuses(state)).toEqual({ start: 'succeeded', block: 'not-run', ticket: 'not-run', other: 'not-run', notify: 'not-run' });
    expect(state.nodes.block?.input).toEqual({ ip: '203.0.113.7' });
    expect(state.paused).toBeUndefined();
  });

  it('marks nothing not-run while the run goes on, nor when it succeeded', () => {
    const live = replayRun(journal(upToFailure))!;
    expect(live.nodes.ticket?.status).toBe('idle');
    const succeeded = replayRun(journal([started, ...['start', 'block', 'ticket', 'notify'].map(ok), { type: 'node.skipped', nodeId: 'other', reason: 'dead-path' }, { type: 'run.finished', status: 'succeeded', durationMs: 9 }]))!;
    expect(Object.values(succeeded.nodes).some((node) => node.status === 'not-run')).toBe(false);
  });

  it('never changes the state it was given', () => {
    const before = replayRun(journal(upToFailure))!;
    const snapshot = structuredClone(before);
    const after = reduceRun(before, { seq: 6, runId: 'r', at: 2_000, type: 'run.finished', status: 'failed', durationMs: 9 });
    expect(before).toEqual(snapshot);
    expect(after.nodes.ticket?.status).toBe('not-run');
    expect(after.nodes.start).toBe(before.nodes.start);
  });
});
