import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../host/protocol/contract.ts';
import { latestRunPerPlaybook } from '../../../host/runs/latest-runs.ts';
import { runSummary } from '../../support/run-summary.ts';

/** A run whose trigger event is large: the latest-run line must leave it out. */
const run = (runId: string, playbookId: string, startedAt: number, extra: Partial<RunSummary> = {}): RunSummary =>
  runSummary(runId, playbookId, startedAt, { trigger: { alert: { raw: 'x'.repeat(1_000) } }, ...extra });

describe('the newest run of each playbook', () => {
  it('keeps one run per playbook, the latest started, newest first, whatever the history order', () => {
    const latest = latestRunPerPlaybook([run('a1', 'a', 10), run('b1', 'b', 30), run('a3', 'a', 50, { status: 'failed' }), run('a2', 'a', 20), run('c1', 'c', 40)]);
    expect(latest.map((summary) => [summary.playbookId, summary.runId, summary.status])).toEqual([
      ['a', 'a3', 'failed'],
      ['c', 'c1', 'succeeded'],
      ['b', 'b1', 'succeeded'],
    ]);
  });

  it('leaves the trigger event and the lab node list out, and keeps what a row shows', () => {
    const [latest] = latestRunPerPlaybook([run('r1', 'triage', 5, { lab: true, labNodes: ['check'], dryRun: true, durationMs: 12, error: { message: 'boom' } as RunSummary['error'] })]);
    expect(latest).toEqual({ runId: 'r1', playbookId: 'triage', playbookName: 'triage', status: 'succeeded', mode: 'run', dryRun: true, startedAt: 5, durationMs: 12, error: { message: 'boom' }, lab: true });
    expect(JSON.stringify(latest)).not.toContain('xxxx');
  });

  it('is empty for an empty history', () => {
    expect(latestRunPerPlaybook([])).toEqual([]);
  });
});
