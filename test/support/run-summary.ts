import type { RunSummary } from '../../host/protocol/contract.ts';

/** A run summary as the host lists it: a succeeded live run with an empty trigger, unless `extra` says otherwise. */
export function runSummary(runId: string, playbookId: string, startedAt: number, extra: Partial<RunSummary> = {}): RunSummary {
  return { runId, playbookId, playbookName: playbookId, status: 'succeeded', mode: 'run', dryRun: false, startedAt, trigger: {}, ...extra };
}
