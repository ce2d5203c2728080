import type { Clock } from '../../engine/ports.ts';
import type { Accepted, EventInbox, InboxEvent, NewEvent } from '../../host/triggers/contract.ts';
import { InboxUnavailableError } from '../../host/triggers/contract.ts';
import {
  applyRecord,
  decideBatch,
  decideStatus,
  emptyInboxState,
  listEvents,
  nextQueued,
  unfinishedEvents,
} from '../../host/triggers/inbox-state.ts';
import type { InboxRecord } from '../../host/triggers/inbox-state.ts';

/** The test inbox: the durable store's semantics (same pure state), kept in memory, plus test levers. */
export interface MemoryInbox extends EventInbox {
  /** Every event, oldest first (a snapshot). */
  all(): InboxEvent[];
  /** While true, every write rejects with `InboxUnavailableError`, as a full or failing disk would. */
  unavailable: boolean;
}

/**
 * An in-memory EventInbox for unit tests of sources and the dispatcher: it applies the same records
 * to the same pure state as the durable store (host/triggers/inbox-state.ts), with no files.
 */
export function createMemoryInbox(options: { clock?: Pick<Clock, 'now'> } = {}): MemoryInbox {
  const now = () => options.clock?.now() ?? Date.now();
  const state = emptyInboxState();
  const fires = new Map<string, number[]>();
  const listeners = new Set<(event: InboxEvent) => void>();
  let closed = false;

  /** Applies at once (so concurrent claims never take the same event), resolves a turn later. */
  const commit = async (records: InboxRecord[]): Promise<void> => {
    if (closed) throw new InboxUnavailableError('INBOX_UNAVAILABLE: the inbox is closed');
    if (inbox.unavailable) throw new InboxUnavailableError('INBOX_UNAVAILABLE: the test inbox is set unavailable');
    const changed = new Map<string, InboxEvent>();
    for (const record of records) {
      const event = applyRecord(state, record);
      if (event) changed.set(event.id, event);
    }
    await Promise.resolve();
    for (const event of changed.values()) for (const listener of listeners) listener(event);
  };

  const acceptAll = async (events: readonly NewEvent[], extra: InboxRecord[]): Promise<Accepted[]> => {
    const { records, accepted } = decideBatch(state, events, now, extra);
    await commit(records);
    return accepted.map((a) => ({ ...a, event: state.events.get(a.event.id)! }));
  };

  const inbox: MemoryInbox = {
    unavailable: false,
    accept: async (event) => (await acceptAll([event], []))[0]!,
    acceptBatch: (events, cursor) => acceptAll(events, [{ t: 'cursor', key: cursor.key, value: cursor.value }]),
    cursor: async (key) => state.cursors.get(key),
    async recordFire(playbookId, triggerNodeId, fireAt) {
      if (inbox.unavailable) throw new InboxUnavailableError('INBOX_UNAVAILABLE: the test inbox is set unavailable');
      const key = `${playbookId}\u0000${triggerNodeId}`;
      const list = fires.get(key) ?? [];
      if (list.includes(fireAt)) return false;
      list.push(fireAt);
      fires.set(key, list);
      return true;
    },
    async lastFire(playbookId, triggerNodeId) {
      const list = fires.get(`${playbookId}\u0000${triggerNodeId}`);
      return list && list.length > 0 ? Math.max(...list) : undefined;
    },
    enqueue: async (eventId) => commit([decideStatus(state, eventId, 'queued', now())]),
    async claim(runIdFor) {
      const event = nextQueued(state);
      if (!event) return undefined;
      await commit([decideStatus(state, event.id, 'running', now(), { runId: runIdFor(event) })]);
      return state.events.get(event.id);
    },
    finish: async (eventId, status, error) =>
      commit([decideStatus(state, eventId, status, now(), error !== undefined ? { error } : {})]),
    unfinished: async () => unfinishedEvents(state),
    get: async (eventId) => state.events.get(eventId),
    list: async (filter) => listEvents(state, filter),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
    },
    all: () => state.order.map((id) => state.events.get(id)!),
  };
  return inbox;
}
