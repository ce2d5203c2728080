/**
 * The contract between the parts of unattended runs (DESIGN.md §10): trigger sources (webhooks,
 * schedules, pollers) write events to the inbox; the dispatcher starts one run per accepted event.
 * Sources never start runs themselves, and acknowledge only what the inbox has committed.
 */

/** Where an event came from. `replay` re-runs a past event; `manual` is the editor's test event. */
export type EventSource = 'webhook' | 'schedule' | 'poll' | 'manual' | 'replay';

/**
 * An event's life: `accepted` (committed, not yet queued for a run), `duplicate` (its dedupe key
 * was seen within the window: recorded, linked, never run), `rejected` (refused after it was
 * recorded, e.g. its playbook was disabled meanwhile), `queued`, `running`, `done`, `failed`.
 */
export type EventStatus = 'accepted' | 'duplicate' | 'rejected' | 'queued' | 'running' | 'done' | 'failed';

/** One event as the inbox keeps it. The payload is bounded; headers that carry secrets are never stored. */
export interface InboxEvent {
  /** Sortable by arrival: `evt-<time>-<random>`. */
  id: string;
  playbookId: string;
  /** The published revision the event will run (fixed when it is accepted). */
  revision: number;
  triggerNodeId: string;
  source: EventSource;
  /** Epoch ms. */
  receivedAt: number;
  /** The trigger's dedupe key for this event (delivery id, vendor id, or its dedupe expression). */
  dedupeKey?: string;
  status: EventStatus;
  /** The run started for it (set when it is claimed). */
  runId?: string;
  /** For a duplicate: the first event with the same key. */
  duplicateOf?: string;
  /** How many duplicates this event absorbed. */
  duplicates: number;
  /** What the run's `trigger` root will hold. */
  payload: unknown;
  /** One line: why it was rejected or failed. */
  error?: string;
  /** For a replay: the event it replays. */
  replayOf?: string;
}

/** What a source hands the inbox; the inbox assigns id, status and counts. */
export type NewEvent = Pick<
  InboxEvent,
  'playbookId' | 'revision' | 'triggerNodeId' | 'source' | 'receivedAt' | 'dedupeKey' | 'payload' | 'replayOf'
> & {
  /** How long a dedupe key is remembered, in ms (default: 24 h). */
  dedupeWindowMs?: number;
};

/** The event that replays `original`: same playbook revision, trigger and payload, marked as its replay. */
export function replayEvent(original: InboxEvent, receivedAt: number): NewEvent {
  return {
    playbookId: original.playbookId,
    revision: original.revision,
    triggerNodeId: original.triggerNodeId,
    source: 'replay',
    receivedAt,
    payload: original.payload,
    replayOf: original.id,
  };
}

/** The inbox's answer to `accept`: the committed record, and whether it was a duplicate. */
export interface Accepted {
  event: InboxEvent;
  duplicate: boolean;
}

/** Filters of `list`, newest first. */
export interface EventFilter {
  playbookId?: string;
  status?: EventStatus;
  source?: EventSource;
  limit?: number;
  /** Events received before this id (paging). */
  before?: string;
}

/**
 * The durable event inbox and run queue, behind which sits the embedded store (desktop) or
 * PostgreSQL (team mode). Every method that writes resolves only once the write is durable, so a
 * source may acknowledge as soon as `accept` resolves; when the store cannot commit, it rejects
 * (`InboxUnavailableError`) and the source answers 503 or leaves its cursor where it was.
 */
export interface EventInbox {
  /** Commits one event, deduplicating on `dedupeKey` within its window. */
  accept(event: NewEvent): Promise<Accepted>;
  /**
   * Commits a poller's batch and its new cursor in one transaction: either all of them and the
   * cursor, or nothing (so a crash never skips or repeats a page).
   */
  acceptBatch(events: readonly NewEvent[], cursor: { key: string; value: string }): Promise<Accepted[]>;
  /** A poller's cursor, as last committed. */
  cursor(key: string): Promise<string | undefined>;
  /**
   * Records a planned schedule fire; false when that fire (playbook, trigger, time) was recorded
   * before, by this process or another, so a restart or a second host never fires it twice.
   */
  recordFire(playbookId: string, triggerNodeId: string, fireAt: number): Promise<boolean>;
  /** The latest recorded fire of a schedule trigger (for misfire handling), if any. */
  lastFire(playbookId: string, triggerNodeId: string): Promise<number | undefined>;
  /** Moves an accepted event to the run queue. */
  enqueue(eventId: string): Promise<void>;
  /** Takes the oldest queued event and marks it running with `runId`; undefined when none. */
  claim(runIdFor: (event: InboxEvent) => string): Promise<InboxEvent | undefined>;
  /** Records the end of an event's run. */
  finish(eventId: string, status: 'done' | 'failed' | 'rejected', error?: string): Promise<void>;
  /** Events left `queued` or `running` by a crash, for the dispatcher to take up again on start. */
  unfinished(): Promise<InboxEvent[]>;
  get(eventId: string): Promise<InboxEvent | undefined>;
  list(filter?: EventFilter): Promise<InboxEvent[]>;
  /** Listens for committed changes (a new event, a status change): the editor's live view. */
  subscribe(listener: (event: InboxEvent) => void): () => void;
  close(): Promise<void>;
}

/** Thrown by the inbox when it cannot commit: the caller must not acknowledge. */
export class InboxUnavailableError extends Error {
  readonly code = 'INBOX_UNAVAILABLE';
}

/** A trigger of an enabled playbook's published revision, as the sources are given it. */
export interface LiveTrigger {
  playbookId: string;
  revision: number;
  triggerNodeId: string;
  /** `trigger.webhook@1`, `trigger.schedule@1`, a poller's type. */
  type: string;
  /** The trigger node's params, as published. */
  params: Record<string, unknown>;
  /** The trigger node's credential slot, resolved by the host when the source needs a secret. */
  credential?: string;
}

/** How a trigger is doing, for the editor's Triggers panel and `switchboard triggers`. */
export interface TriggerHealth {
  playbookId: string;
  triggerNodeId: string;
  type: string;
  state: 'ok' | 'failing' | 'stopped';
  /** Webhook URL, schedule text, or what a poller reads. */
  describe: string;
  lastEventAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  consecutiveFailures: number;
  /** Outcomes counted since the trigger went live (webhooks: accepted, duplicate, refused, limited, unavailable). */
  counts?: Record<string, number>;
  /** Schedules: the next fire times (epoch ms). */
  nextFires?: number[];
  /** Pollers: when the last poll started (epoch ms), whatever its outcome. */
  lastPollAt?: number;
  /** Pollers: how far behind the source the inbox is, in ms (now minus the last committed cursor). */
  lagMs?: number;
}

/**
 * A kind of trigger (webhook listener, scheduler, a poller): it is told which live triggers of
 * its type exist, every time that set changes (enable, disable, publish, delete), and writes their
 * events to the inbox. `sync` is idempotent: a trigger not in the list is stopped at once.
 */
export interface TriggerSource {
  readonly types: readonly string[];
  sync(triggers: readonly LiveTrigger[]): Promise<void>;
  health(): TriggerHealth[];
  close(): Promise<void>;
}
