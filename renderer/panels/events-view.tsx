import { useEffect, useState } from 'react';
import { useStore } from '../store/index.ts';
import type { EventsFilter, InboxEventView } from '../store/types.ts';
import { formatDateTime, sentence } from './format.ts';
import { JsonViewer } from './json-viewer.tsx';

const STATUSES = ['accepted', 'duplicate', 'rejected', 'queued', 'running', 'done', 'failed'] as const;
const SOURCES = ['webhook', 'schedule', 'poll', 'manual', 'replay'] as const;
const STATUS_CLASS: Record<InboxEventView['status'], string> = {
  accepted: 'status-idle',
  queued: 'status-paused',
  running: 'status-running',
  done: 'status-succeeded',
  failed: 'status-failed',
  rejected: 'status-failed',
  duplicate: 'status-skipped',
};

/**
 * The event inbox, newest first, filtered by playbook, status and source, and live: every
 * `inbox.event` frame (a new event, a status change) shows at once. Each event offers its run on
 * the canvas, Replay (a new recorded event) and Test on draft (its payload against the draft).
 */
export function EventsView() {
  const playbookId = useStore((state) => state.playbook?.id);
  const events = useStore((state) => state.events);
  const loading = useStore((state) => state.eventsLoading);
  const refreshEvents = useStore((state) => state.refreshEvents);
  const initInboxEvents = useStore((state) => state.initInboxEvents);
  const notify = useStore((state) => state.notify);
  const [onlyThis, setOnlyThis] = useState(true);
  const [status, setStatus] = useState<EventsFilter['status']>();
  const [source, setSource] = useState<EventsFilter['source']>();

  useEffect(() => initInboxEvents(), [initInboxEvents]);

  useEffect(() => {
    const filter: EventsFilter = {
      ...(onlyThis && playbookId !== undefined ? { playbookId } : {}),
      ...(status === undefined ? {} : { status }),
      ...(source === undefined ? {} : { source }),
    };
    refreshEvents(filter).catch((error: unknown) => notify('error', `The inbox could not be read: ${sentence(error)}`));
  }, [onlyThis, playbookId, status, source, refreshEvents, notify]);

  return (
    <section aria-labelledby="events-heading" className="events-view">
      <h3 id="events-heading">Events</h3>
      <div className="row">
        <label>
          <input type="checkbox" checked={onlyThis} onChange={(event) => setOnlyThis(event.target.checked)} />
          Only this playbook
        </label>
        <FilterSelect label="Status" value={status} options={STATUSES} onChange={setStatus} />
        <FilterSelect label="Source" value={source} options={SOURCES} onChange={setSource} />
      </div>
      {events.length === 0 ? (
        <p className="muted">{loading ? 'Reading the inbox…' : 'No events yet.'}</p>
      ) : (
        <ul className="item-list events" aria-label="Events, newest first">
          {events.map((event) => (
            <EventItem key={event.id} event={event} showPlaybook={!onlyThis} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** One filter of the inbox: `any` (unset) or one of `options`. */
function FilterSelect<T extends string>({ label, value, options, onChange }: { label: string; value: NoInfer<T> | undefined; options: readonly T[]; onChange(value: NoInfer<T> | undefined): void }) {
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(event) => onChange((event.target.value || undefined) as T | undefined)}>
        <option value="">any</option>
        {options.map((item) => (
          <option key={item}>{item}</option>
        ))}
      </select>
    </label>
  );
}

function EventItem({ event, showPlaybook }: { event: InboxEventView; showPlaybook: boolean }) {
  const openPlaybookId = useStore((state) => state.playbook?.id);
  const playbookName = useStore((state) => state.playbooks.find((item) => item.id === event.playbookId)?.name ?? event.playbookId);
  const openRun = useStore((state) => state.openRun);
  const replayEvent = useStore((state) => state.replayEvent);
  const startRun = useStore((state) => state.startRun);
  const starting = useStore((state) => state.starting);
  const notify = useStore((state) => state.notify);
  const when = formatDateTime(event.receivedAt);
  const runId = event.runId;

  async function replay(): Promise<void> {
    try {
      const replayed = await replayEvent(event.id);
      notify('info', `Replayed as ${replayed.id}.`);
    } catch (error) {
      notify('error', `Could not replay ${event.id}: ${sentence(error)}`);
    }
  }

  return (
    <li aria-label={`Event ${event.id}`}>
      <div className="row">
        <span className={`status-badge ${STATUS_CLASS[event.status]}`}>{event.status}</span>
        <span className="badge">{event.source}</span>
        <span className="muted">{when}</span>
        <span className="muted">r{event.revision}</span>
      </div>
      {showPlaybook ? <p className="muted">{playbookName}</p> : null}
      <p className="muted">
        <code>{event.id}</code>
        {event.dedupeKey === undefined ? '' : ' · key '}
        {event.dedupeKey === undefined ? null : <code>{event.dedupeKey}</code>}
        {event.duplicates > 0 ? ` · ${event.duplicates} ${event.duplicates === 1 ? 'duplicate' : 'duplicates'} absorbed` : ''}
        {event.duplicateOf === undefined ? '' : ` · duplicate of ${event.duplicateOf}`}
        {event.replayOf === undefined ? '' : ` · replay of ${event.replayOf}`}
      </p>
      {event.error === undefined ? null : <p className="field-error">{event.error}</p>}
      <div className="row">
        {runId === undefined ? null : (
          <button type="button" aria-label={`Open run ${runId} of event ${event.id}`} onClick={() => void openRun(runId)}>
            Open run
          </button>
        )}
        {event.status === 'duplicate' ? null : (
          <button type="button" aria-label={`Replay event ${event.id}`} title="Record a new event with this payload on its revision; it runs once" onClick={() => void replay()}>
            Replay
          </button>
        )}
        {event.playbookId === openPlaybookId ? (
          <button
            type="button"
            aria-label={`Test event ${event.id} on the draft`}
            title="Run the open draft with this event’s payload as its trigger event"
            disabled={starting}
            onClick={() => void startRun({ mode: 'run', dryRun: false, trigger: event.payload })}
          >
            Test on draft
          </button>
        ) : null}
      </div>
      <details>
        <summary>Payload</summary>
        <JsonViewer value={event.payload} label={`Payload of event ${event.id}`} basePath="trigger" />
      </details>
    </li>
  );
}
