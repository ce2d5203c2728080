import type { LatestRun, RunSummary } from '../protocol/contract.ts';

/**
 * The newest run of each playbook, without its trigger event: what the home view shows, in a
 * few hundred bytes per playbook however long the history (the events can be large; the rows do
 * not need them). Newest first.
 */
export function latestRunPerPlaybook(runs: readonly RunSummary[]): LatestRun[] {
  const newest = new Map<string, RunSummary>();
  for (const run of runs) {
    const seen = newest.get(run.playbookId);
    if (seen === undefined || run.startedAt > seen.startedAt) newest.set(run.playbookId, run);
  }
  return [...newest.values()]
    .sort((a, b) => b.startedAt - a.startedAt)
    .map(({ trigger: _trigger, labNodes: _labNodes, ...latest }) => latest);
}
