import { useEffect, useState } from 'react';
import { summarizeTrigger } from '../../engine/journal/journal-format.ts';
import { useStore } from '../store/index.ts';
import { formatDateTime, formatDuration, sentence } from './format.ts';
import { LabBadge } from './lab-badge.tsx';

/** Past runs from the journal; opening one replays its events on the canvas. */
export function RunHistory() {
  const runs = useStore((state) => state.runs);
  const playbookId = useStore((state) => state.playbook?.id);
  const shownRunId = useStore((state) => state.runId);
  const refreshRuns = useStore((state) => state.refreshRuns);
  const openRun = useStore((state) => state.openRun);
  const notify = useStore((state) => state.notify);
  const [onlyThis, setOnlyThis] = useState(true);
  const [loading, setLoading] = useState(false);

  async function refresh(): Promise<void> {
    setLoading(true);
    try {
      await refreshRuns();
    } catch (error) {
      notify('error', `The run history could not be read: ${sentence(error)}`);
    } finally {
      setLoading(false);
    }
  }

  // Read once when the panel opens; the Refresh button and finished runs refresh it after.
  useEffect(() => {
    void refresh();
  }, []);

  const shown = onlyThis && playbookId !== undefined ? runs.filter((run) => run.playbookId === playbookId) : runs;

  return (
    <div className="run-history">
      <div className="row">
        <label>
          <input type="checkbox" checked={onlyThis} onChange={(event) => setOnlyThis(event.target.checked)} />
          Only this playbook
        </label>
        <button type="button" onClick={() => void refresh()} disabled={loading}>
          Refresh
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{loading ? 'Reading the journal…' : 'No runs yet.'}</p>
      ) : (
        <ul className="item-list history" aria-label="Past runs, newest first">
          {shown.map((run) => (
            <li key={run.runId} aria-current={run.runId === shownRunId ? 'true' : undefined}>
              <div className="row">
                <span className={`status-badge status-${run.status}`}>{run.status}</span>
                {run.dryRun ? <span className="badge">dry run</span> : null}
                {run.lab === true ? (
                  <LabBadge title="A lab run: unbound credential slots used the lab’s vendor twins" />
                ) : run.labNodes === undefined ? null : (
                  <LabBadge title={`Not a lab run, but ${run.labNodes.join(', ')} called lab twins through lab credentials`} />
                )}
                <span className="muted">{formatDuration(run.durationMs)}</span>
                <button type="button" className="push-right" aria-label={`Open the run of ${run.playbookName} started ${formatDateTime(run.startedAt)}`} onClick={() => void openRun(run.runId)}>
                  Open
                </button>
              </div>
              <p className="muted">
                {formatDateTime(run.startedAt)}
                {onlyThis ? '' : ` · ${run.playbookName}`}
              </p>
              <p className="trigger-summary" title="Trigger event">
                <code>{summarizeTrigger(run.trigger, 120) || 'no trigger event'}</code>
              </p>
              {run.error === undefined ? null : (
                <p className="field-error">
                  {run.error.code}: {run.error.message}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
