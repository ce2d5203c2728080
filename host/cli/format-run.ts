import type { RunSummary } from '../../engine/journal/recovery.ts';
import { evidenceLine } from '../../engine/approval-evidence.ts';
import type { RunEvent, SkipReason } from '../../engine/run/events.ts';
import { labNodes, notRunNodes } from '../../engine/run/node-status.ts';
import type { RunState } from '../../engine/run/types.ts';

/** `142 ms`, `1.2 s`, `3 min 5 s`: durations as a person reads them in a terminal. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

const SKIP_REASONS: Record<SkipReason, string> = {
  'dead-path': 'dead path',
  disabled: 'disabled',
  user: 'by user',
  join: 'join not met',
};

/** How the run line words the decision on a write of unknown outcome. */
const UNKNOWN_DECISIONS: Partial<Record<string, string>> = {
  resend: 'sent again with the same idempotency key',
  'mark-done': 'marked done, not sent again',
  fail: 'failed, not sent again',
};

/**
 * The live line an event prints during `switchboard run`, or undefined for events that print
 * nothing (starts, logs below warn, progress): `✓ lookup_ip  succeeded  142 ms  (attempt 2)`.
 */
export function formatEventLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run.started': {
      const notes = [event.lab === true ? '  [LAB]' : '', event.dryRun ? '  (dry run)' : '', event.fromRunId === undefined ? '' : `  (resuming ${event.fromRunId})`].join('');
      return `▶ run ${event.runId}  ${event.playbookName}  ${event.nodeIds.length} nodes${notes}`;
    }
    case 'node.succeeded': {
      if (event.simulated === true) return `~ ${event.nodeId}  simulated  (dry run: example output)`;
      if (event.source === 'user') return `↷ ${event.nodeId} skipped (by user)`;
      const parts = [`✓ ${event.nodeId}`, 'succeeded', formatDuration(event.durationMs)];
      if (event.attempt > 1) parts.push(`(attempt ${event.attempt})`);
      if (event.source !== undefined) parts.push(`(${event.source})`);
      if (event.port !== 'out') parts.push(`→ ${event.port}`);
      return parts.join('  ');
    }
    case 'node.failed': {
      const attempt = event.attempt > 1 ? `  (attempt ${event.attempt})` : '';
      const handled = event.handled ? '  → error path' : '';
      return `✗ ${event.nodeId} failed: ${event.error.code} ${oneLine(event.error.message)}${attempt}${handled}`;
    }
    case 'node.skipped':
      return `↷ ${event.nodeId} skipped (${SKIP_REASONS[event.reason] ?? event.reason})`;
    case 'node.retrying':
      return `… ${event.nodeId} retrying in ${formatSeconds(event.delayMs)} (${event.error.code})`;
    case 'node.log':
      return event.level === 'warn' || event.level === 'error' ? `! ${event.nodeId} ${event.level}: ${oneLine(event.message)}` : undefined;
    case 'approval.requested':
      return [`? ${event.nodeId} awaits approval: ${oneLine(event.prompt)}`, ...(event.evidence ?? []).map((item) => `    ${oneLine(evidenceLine(item))}`)].join('\n');
    case 'approval.decided': {
      const comment = event.comment === undefined ? '' : `: "${oneLine(event.comment)}"`;
      return `? ${event.nodeId} ${event.decision}${event.by === undefined ? '' : ` by ${event.by}`}${comment}`;
    }
    case 'run.resumed': {
      const decision = UNKNOWN_DECISIONS[event.action];
      if (decision === undefined) return undefined;
      return `↻ ${event.nodeId} outcome unknown: ${decision} (${event.by === 'policy' ? `--unknown=${event.action}` : 'by analyst'})`;
    }
    default:
      return undefined;
  }
}

/** The closing line of a run: id, status, duration, whether it ran on the lab, and where and why it failed; then what it never ran. */
export function formatRunSummary(state: RunState): string {
  const duration = formatDuration(state.durationMs ?? 0);
  const head = `run ${state.runId} ${state.status} in ${duration}${labMark(state)}`;
  if (state.status === 'succeeded') return head;
  const notRun = formatNotRun(notRunNodes(state.nodes));
  const error = state.error;
  if (error === undefined) return `${head}${notRun}`;
  const at = error.nodeId === undefined ? '' : ` at ${error.nodeId}`;
  return `${head}${at}: ${error.code} ${oneLine(error.message)}${notRun}`;
}

/** Names shown on the "not run" line before the rest are only counted: a line, not a screenful. */
const NOT_RUN_SHOWN = 20;

/** `\n○ not run (3): ticket, notify, close` for nodes a failed or stopped run never ran; '' for none. */
function formatNotRun(ids: readonly string[]): string {
  if (ids.length === 0) return '';
  const more = ids.length > NOT_RUN_SHOWN ? `, … ${ids.length - NOT_RUN_SHOWN} more` : '';
  return `\n○ not run (${ids.length}): ${ids.slice(0, NOT_RUN_SHOWN).join(', ')}${more}`;
}

/** The `switchboard runs` table: one row per run, newest first. */
export function formatRunsTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'no runs yet\n';
  const rows = runs.map((run) => [
    run.runId,
    run.playbookId,
    run.dryRun ? `${run.status} (dry)` : run.status,
    formatTimestamp(run.startedAt),
    formatDuration(run.durationMs),
    whereItStopped(run),
  ]);
  return table(['RUN', 'PLAYBOOK', 'STATUS', 'STARTED', 'DURATION', 'AT'], rows);
}

/**
 * ` [LAB]` for a lab-mode run; ` [LAB: a, b]` for a run whose nodes a and b called lab twins
 * through lab credentials; nothing for a run that touched no twin.
 */
function labMark(state: Pick<RunState, 'lab' | 'nodes'>): string {
  if (state.lab === true) return ' [LAB]';
  const nodes = labNodes(state.nodes);
  return nodes.length === 0 ? '' : ` [LAB: ${nodes.join(', ')}]`;
}

function whereItStopped(run: RunSummary): string {
  if (run.status === 'failed' && run.error?.nodeId !== undefined) return `${run.error.nodeId}: ${run.error.code}`;
  if (run.status === 'interrupted') return run.lastCompletedNodeId === undefined ? '(before any node)' : `after ${run.lastCompletedNodeId}`;
  return '';
}

/** Local time to the second, sortable: `2025-03-01 14:02:09`. */
export function formatTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Left-aligned columns separated by two spaces; trailing spaces trimmed. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
