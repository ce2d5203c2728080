import type { LatestRun, PlaybookSummary, RunSummary } from '../../host/protocol/contract.ts';

/** The last run of a playbook as its home row tells it. */
export interface LastRunCell {
  runId: string;
  status: RunSummary['status'];
  /** "Succeeded", "Failed", "Stopped"… with "dry run" and "lab" when they apply. */
  statusText: string;
  startedAt: number;
}

/** One row of the home view's table. */
export interface HomeRow {
  id: string;
  name: string;
  description: string;
  nodeCount: number;
  /** Validation errors of the saved file (0 when it can run). */
  errorCount: number;
  lastRun: LastRunCell | undefined;
  /** Live triggers on or off; undefined until the trigger states are known. */
  enabled: boolean | undefined;
}

const STATUS_WORDS: Record<RunSummary['status'], string> = {
  running: 'Running',
  paused: 'Paused',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Stopped',
  interrupted: 'Interrupted',
};

/** A run's status as words: "Failed", "Succeeded (dry run, lab)". */
export function runStatusText(run: Pick<RunSummary, 'status' | 'dryRun' | 'lab'>): string {
  const marks = [run.dryRun ? 'dry run' : undefined, run.lab === true ? 'lab' : undefined].filter((mark) => mark !== undefined);
  return marks.length === 0 ? STATUS_WORDS[run.status] : `${STATUS_WORDS[run.status]} (${marks.join(', ')})`;
}

/** The newest run of each playbook, in one pass over the history (whatever its order). */
export function lastRunByPlaybook(runs: readonly LatestRun[]): Map<string, LatestRun> {
  const last = new Map<string, LatestRun>();
  for (const run of runs) {
    const seen = last.get(run.playbookId);
    if (seen === undefined || run.startedAt > seen.startedAt) last.set(run.playbookId, run);
  }
  return last;
}

/** Names as people sort them ("incident" before "Phishing"), the id breaking ties so the order is stable. */
function byName(a: PlaybookSummary, b: PlaybookSummary): number {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The home table: every workspace playbook by name, with its last run (from `runs.latest` or any history) and whether its triggers are on. */
export function homeRows(playbooks: readonly PlaybookSummary[], runs: readonly LatestRun[], triggers: ReadonlyArray<{ playbookId: string; enabled: boolean }>): HomeRow[] {
  const last = lastRunByPlaybook(runs);
  const enabled = new Map(triggers.map((state) => [state.playbookId, state.enabled]));
  return [...playbooks].sort(byName).map((playbook) => {
    const run = last.get(playbook.id);
    return {
      id: playbook.id,
      name: playbook.name,
      description: playbook.description,
      nodeCount: playbook.nodeCount,
      errorCount: playbook.errorCount ?? 0,
      lastRun: run === undefined ? undefined : { runId: run.runId, status: run.status, statusText: runStatusText(run), startedAt: run.startedAt },
      enabled: enabled.get(playbook.id),
    };
  });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago, in words a glance reads ("just now", "5 min ago", "3 h ago", "2 days ago"); past a week, undefined (show the date). */
export function timeAgo(at: number, now: number): string | undefined {
  const elapsed = Math.max(0, now - at);
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  const days = Math.floor(elapsed / DAY);
  if (days <= 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return undefined;
}
