import crypto from 'node:crypto';
import type { Accepted, EventFilter, EventInbox, EventStatus, InboxEvent, NewEvent } from './contract.ts';

/**
 * The inbox's indexes and its decisions, with no I/O: the durable store and the test inbox both
 * apply the same records to this state, so they cannot disagree on dedupe, queue order or status.
 */

/** How long a dedupe key is remembered when the trigger does not say (24 h, as the contract). */
export const DEFAULT_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The largest payload the inbox keeps, serialised (1 MiB): a source refuses bigger events first. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** One committed change, as the log stores it: the unit that replays into the indexes. */
export type InboxRecord =
  | { t: 'event'; event: InboxEvent; dedupeUntil?: number }
  | { t: 'status'; id: string; status: EventStatus; runId?: string; error?: string; at: number }
  | { t: 'dup'; id: string }
  | { t: 'cursor'; key: string; value: string };

/** Why the inbox refused a call: an unknown event, a bad transition or a malformed event. */
export class InboxError extends Error {
  constructor(
    readonly code: 'EVENT_NOT_FOUND' | 'EVENT_STATE' | 'INVALID_EVENT',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface DedupeEntry {
  eventId: string;
  until: number;
}

/** The in-memory indexes: events by id in arrival order, dedupe keys, cursors, the run queue. */
export interface InboxState {
  events: Map<string, InboxEvent>;
  /** Ids in arrival order (oldest first). */
  order: string[];
  dedupe: Map<string, DedupeEntry>;
  cursors: Map<string, string>;
  /** Queued ids in queue order; entries whose event left `queued` are skipped lazily. */
  queue: string[];
}

/** An empty state. */
export function emptyInboxState(): InboxState {
  return { events: new Map(), order: [], dedupe: new Map(), cursors: new Map(), queue: [] };
}

/** A new event id, sortable by arrival time: `evt-<ms, 13 digits>-<random>`. */
export function newEventId(now: number): string {
  return `evt-${String(Math.max(0, Math.floor(now))).padStart(13, '0')}-${crypto.randomBytes(5).toString('hex')}`;
}

function dedupeScope(playbookId: string, triggerNodeId: string, key: string): string {
  return `${playbookId}\u0000${triggerNodeId}\u0000${key}`;
}

/** Checks a source's event; throws a one-line error naming the bad field. */
export function checkNewEvent(event: NewEvent): void {
  const fail = (field: string, why: string): never => {
    throw new InboxError('INVALID_EVENT', `${field} ${why}`);
  };
  if (typeof event.playbookId !== 'string' || event.playbookId === '') fail('playbookId', 'must be a non-empty string');
  if (!Number.isInteger(event.revision) || event.revision < 0) fail('revision', 'must be a whole number ≥ 0');
  if (typeof event.triggerNodeId !== 'string' || event.triggerNodeId === '') fail('triggerNodeId', 'must be a non-empty string');
  if (!Number.isFinite(event.receivedAt)) fail('receivedAt', 'must be epoch milliseconds');
  if (event.dedupeKey !== undefined && (typeof event.dedupeKey !== 'string' || event.dedupeKey.length > 1024)) {
    fail('dedupeKey', 'must be a string of at most 1024 characters');
  }
  if (event.dedupeWindowMs !== undefined && !(event.dedupeWindowMs >= 0)) fail('dedupeWindowMs', 'must be ≥ 0');
  const size = Buffer.byteLength(JSON.stringify(event.payload ?? null));
  if (size > MAX_PAYLOAD_BYTES) fail('payload', `is ${size} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit`);
}

/** The record of a checked new event as first committed: `accepted`, no duplicates yet. */
export function acceptedEvent(input: NewEvent, id: string): InboxEvent {
  return {
    id,
    playbookId: input.playbookId,
    revision: input.revision,
    triggerNodeId: input.triggerNodeId,
    source: input.source,
    receivedAt: input.receivedAt,
    status: 'accepted',
    duplicates: 0,
    payload: input.payload ?? null,
    ...(input.dedupeKey !== undefined ? { dedupeKey: input.dedupeKey } : {}),
    ...(input.replayOf !== undefined ? { replayOf: input.replayOf } : {}),
  };
}

/** `event` recorded as a duplicate of the first event with its key, sharing that event's run id when it has one. */
export function duplicateEvent(event: InboxEvent, firstId: string, firstRunId: string | undefined): InboxEvent {
  const duplicate: InboxEvent = { ...event, status: 'duplicate', duplicateOf: firstId };
  if (firstRunId !== undefined) duplicate.runId = firstRunId;
  return duplicate;
}

/**
 * Decides what accepting `input` commits: a new `accepted` event, or a `duplicate` linked to the
 * first event with the same key in its window (which absorbs one more duplicate). `pending` holds
 * the keys claimed by earlier events of the same batch, not yet applied.
 */
function decideAccept(
  state: InboxState,
  input: NewEvent,
  now: number,
  id: string,
  pending?: Map<string, DedupeEntry>,
): { records: InboxRecord[]; accepted: Accepted } {
  checkNewEvent(input);
  const base = acceptedEvent(input, id);
  if (input.dedupeKey === undefined) return { records: [{ t: 'event', event: base }], accepted: { event: base, duplicate: false } };
  const scope = dedupeScope(input.playbookId, input.triggerNodeId, input.dedupeKey);
  const seen = pending?.get(scope) ?? state.dedupe.get(scope);
  if (seen && seen.until > now) {
    const event = duplicateEvent(base, seen.eventId, state.events.get(seen.eventId)?.runId);
    return { records: [{ t: 'event', event }, { t: 'dup', id: seen.eventId }], accepted: { event, duplicate: true } };
  }
  const until = now + (input.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS);
  pending?.set(scope, { eventId: id, until });
  return { records: [{ t: 'event', event: base, dedupeUntil: until }], accepted: { event: base, duplicate: false } };
}

/** `decideAccept` over a batch: the records to commit (its own, then `extra`) and each event's answer. */
export function decideBatch(state: InboxState, events: readonly NewEvent[], now: () => number, extra: readonly InboxRecord[]): { records: InboxRecord[]; accepted: Accepted[] } {
  const pending = new Map<string, DedupeEntry>();
  const records: InboxRecord[] = [];
  const accepted: Accepted[] = [];
  for (const input of events) {
    const decided = decideAccept(state, input, now(), newEventId(now()), pending);
    records.push(...decided.records);
    accepted.push(decided.accepted);
  }
  records.push(...extra);
  return { records, accepted };
}

/** Which moves between statuses are allowed: the run queue only goes forward. */
const NEXT: Record<EventStatus, readonly EventStatus[]> = {
  accepted: ['queued', 'rejected'],
  queued: ['running', 'rejected'],
  running: ['done', 'failed', 'rejected'],
  duplicate: [],
  rejected: [],
  done: [],
  failed: [],
};

/** The statuses an event may move to `status` from (a store that moves it in one statement checks them there). */
export function statusesBefore(status: EventStatus): EventStatus[] {
  return (Object.keys(NEXT) as EventStatus[]).filter((from) => NEXT[from].includes(status));
}

/** Throws when event `id` (with status `current`, undefined when unknown) may not move to `status`. */
export function checkMove(id: string, current: EventStatus | undefined, status: EventStatus): void {
  if (current === undefined) throw new InboxError('EVENT_NOT_FOUND', `no event ${id} in the inbox`);
  if (!NEXT[current].includes(status)) {
    throw new InboxError('EVENT_STATE', `event ${id} is ${current} and cannot become ${status}`);
  }
}

/** The record of moving an event to `status`; throws when the event is unknown or the move is not allowed. */
function decideStatus(
  state: InboxState,
  id: string,
  status: EventStatus,
  at: number,
  extra: { runId?: string; error?: string } = {},
): InboxRecord {
  checkMove(id, state.events.get(id)?.status, status);
  return { t: 'status', id, status, at, ...extra };
}

/** Applies one committed record to the indexes; returns the event it changed, if any. */
export function applyRecord(state: InboxState, record: InboxRecord): InboxEvent | undefined {
  switch (record.t) {
    case 'event': {
      const event = record.event;
      if (!state.events.has(event.id)) state.order.push(event.id);
      state.events.set(event.id, event);
      if (record.dedupeUntil !== undefined && event.dedupeKey !== undefined) {
        state.dedupe.set(dedupeScope(event.playbookId, event.triggerNodeId, event.dedupeKey), { eventId: event.id, until: record.dedupeUntil });
      }
      if (event.status === 'queued') state.queue.push(event.id);
      return event;
    }
    case 'status': {
      const old = state.events.get(record.id);
      if (!old) return undefined;
      const event: InboxEvent = { ...old, status: record.status };
      if (record.runId !== undefined) event.runId = record.runId;
      if (record.error !== undefined) event.error = record.error;
      state.events.set(event.id, event);
      if (record.status === 'queued') state.queue.push(event.id);
      return event;
    }
    case 'dup': {
      const old = state.events.get(record.id);
      if (!old) return undefined;
      const event = { ...old, duplicates: old.duplicates + 1 };
      state.events.set(event.id, event);
      return event;
    }
    case 'cursor':
      state.cursors.set(record.key, record.value);
      return undefined;
  }
}

/** The oldest queued event, dropping queue entries that are no longer queued. */
function nextQueued(state: InboxState): InboxEvent | undefined {
  while (state.queue.length > 0) {
    const event = state.events.get(state.queue[0]!);
    if (event?.status === 'queued') return event;
    state.queue.shift();
  }
  return undefined;
}

/** Events left `queued` or `running`, oldest first. */
function unfinishedEvents(state: InboxState): InboxEvent[] {
  const out: InboxEvent[] = [];
  for (const id of state.order) {
    const event = state.events.get(id)!;
    if (event.status === 'queued' || event.status === 'running') out.push(event);
  }
  return out;
}

/** Events matching `filter`, newest first, at most `limit` (default 100). */
export function listEvents(state: InboxState, filter: EventFilter = {}): InboxEvent[] {
  const limit = filter.limit ?? 100;
  const out: InboxEvent[] = [];
  let i = state.order.length - 1;
  if (filter.before !== undefined) {
    const at = state.order.lastIndexOf(filter.before);
    i = at === -1 ? -1 : at - 1;
  }
  for (; i >= 0 && out.length < limit; i--) {
    const event = state.events.get(state.order[i]!)!;
    if (filter.playbookId !== undefined && event.playbookId !== filter.playbookId) continue;
    if (filter.status !== undefined && event.status !== filter.status) continue;
    if (filter.source !== undefined && event.source !== filter.source) continue;
    out.push(event);
  }
  return out;
}

/** Drops dedupe keys whose window has passed (run at open, so the index stays bounded). */
export function pruneDedupe(state: InboxState, now: number): void {
  for (const [scope, entry] of state.dedupe) if (entry.until <= now) state.dedupe.delete(scope);
}

/** The inbox methods that are the same whatever holds the records: decided on the state, written through `commit`. */
export type InboxOverState = Pick<EventInbox, 'accept' | 'acceptBatch' | 'cursor' | 'enqueue' | 'claim' | 'finish' | 'unfinished' | 'get' | 'list' | 'subscribe'>;

/**
 * Builds those methods over a state and a `commit` that makes records durable (a file, memory) and
 * applies them; `usable` throws when the store can take no more writes (a failed disk).
 */
export function inboxOverState(
  state: InboxState,
  commit: (records: InboxRecord[]) => Promise<void>,
  now: () => number,
  listeners: Set<(event: InboxEvent) => void>,
  usable: () => void = () => undefined,
): InboxOverState {
  const acceptAll = async (events: readonly NewEvent[], extra: InboxRecord[]): Promise<Accepted[]> => {
    usable();
    const { records, accepted } = decideBatch(state, events, now, extra);
    await commit(records);
    return accepted.map((a) => ({ ...a, event: state.events.get(a.event.id)! }));
  };
  return {
    accept: async (event) => (await acceptAll([event], []))[0]!,
    acceptBatch: (events, cursor) => acceptAll(events, [{ t: 'cursor', key: cursor.key, value: cursor.value }]),
    cursor: async (key) => state.cursors.get(key),
    enqueue: async (eventId) => commit([decideStatus(state, eventId, 'queued', now())]),
    async claim(runIdFor) {
      usable();
      const event = nextQueued(state);
      if (!event) return undefined;
      await commit([decideStatus(state, event.id, 'running', now(), { runId: runIdFor(event) })]);
      return state.events.get(event.id);
    },
    finish: async (eventId, status, error) => commit([decideStatus(state, eventId, status, now(), error !== undefined ? { error } : {})]),
    unfinished: async () => unfinishedEvents(state),
    get: async (eventId) => state.events.get(eventId),
    list: async (filter) => listEvents(state, filter),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
