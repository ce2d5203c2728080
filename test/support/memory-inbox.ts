import type { Clock } from '../../engine/ports.ts';
import type { EventInbox, InboxEvent } from '../../host/triggers/contract.ts';
import { InboxUnavailableError } from '../../host/triggers/contract.ts';
import { applyRecord, emptyInboxState, inboxOverState } from '../../host/triggers/inbox-state.ts';
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

  const inbox: MemoryInbox = {
    unavailable: false,
    ...inboxOverState(state, commit, now, listeners),
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
    async close() {
      closed = true;
      listeners.clear();
    },
    all: () => state.order.map((id) => state.events.get(id)!),
  };
  return inbox;
}
