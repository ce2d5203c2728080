import type { StateCreator } from 'zustand';
import { rpc } from '../rpc/index.ts';
import type { AppState, EventsFilter, InboxEventView, TriggersSlice } from './types.ts';

/** Events the Events view keeps in memory (newest first); older ones are paged from the host. */
const EVENTS_LIMIT = 200;
/** Health changes without an event (a refused signature, a red poller): re-read this often while shown. */
const HEALTH_REFRESH_MS = 300;

/** Whether an event belongs in a list filtered by playbook, status and source. */
function matchesFilter(event: InboxEventView, filter: EventsFilter): boolean {
  return (
    (filter.playbookId === undefined || event.playbookId === filter.playbookId) &&
    (filter.status === undefined || event.status === filter.status) &&
    (filter.source === undefined || event.source === filter.source)
  );
}

/**
 * Applies one `inbox.event` frame to a newest-first list: a known event is replaced (its status
 * moved on), a new one is inserted by id (ids sort by arrival); one that left the filter (its
 * status changed) is dropped. The list stays at most `limit` long.
 */
export function mergeInboxEvent(list: readonly InboxEventView[], event: InboxEventView, filter: EventsFilter, limit = EVENTS_LIMIT): InboxEventView[] {
  const rest = list.filter((item) => item.id !== event.id);
  if (!matchesFilter(event, filter)) return rest.length === list.length ? (list as InboxEventView[]) : rest;
  const at = rest.findIndex((item) => item.id < event.id);
  const next = at === -1 ? [...rest, event] : [...rest.slice(0, at), event, ...rest.slice(at)];
  return next.slice(0, limit);
}

/**
 * Triggers and the event inbox as the editor sees them (DESIGN.md §10): each playbook's
 * enabled/published state and trigger health, and the inbox kept live from `inbox.event`.
 */
export const createTriggersSlice: StateCreator<AppState, [], [], TriggersSlice> = (set, get) => {
  let unsubscribe: (() => void) | undefined;
  let healthTimer: ReturnType<typeof setTimeout> | undefined;
  let eventsAsked = 0;

  /** A new event or status usually moves a trigger's health (last event, counts): re-read it soon, once. */
  function refreshHealthSoon(): void {
    if (healthTimer !== undefined) return;
    healthTimer = setTimeout(() => {
      healthTimer = undefined;
      get().refreshTriggers().catch(() => undefined);
    }, HEALTH_REFRESH_MS);
  }

  return {
    triggerStates: [],
    events: [],
    eventsFilter: {},
    eventsLoading: false,

    async refreshTriggers() {
      const { playbooks } = await rpc.call('triggers.list', {});
      set({ triggerStates: playbooks });
    },

    async setTriggersEnabled(playbookId, enabled) {
      await rpc.call(enabled ? 'triggers.enable' : 'triggers.disable', { playbookId });
      await get().refreshTriggers();
    },

    async publishPlaybook(playbookId) {
      await rpc.call('triggers.publish', { playbookId });
      await get().refreshTriggers();
    },

    async refreshEvents(filter) {
      const wanted = filter ?? get().eventsFilter;
      const asked = ++eventsAsked;
      set({ eventsFilter: wanted, eventsLoading: true });
      try {
        const { events } = await rpc.call('events.list', { filter: { ...wanted, limit: EVENTS_LIMIT } });
        // A later filter's answer wins; an earlier one arriving late is dropped.
        if (asked === eventsAsked) set({ events });
      } finally {
        if (asked === eventsAsked) set({ eventsLoading: false });
      }
    },

    async replayEvent(eventId) {
      const { event } = await rpc.call('events.replay', { eventId });
      set({ events: mergeInboxEvent(get().events, event, get().eventsFilter) });
      return event;
    },

    receiveInboxEvent(event) {
      set({ events: mergeInboxEvent(get().events, event, get().eventsFilter) });
      refreshHealthSoon();
    },

    initInboxEvents() {
      if (unsubscribe === undefined) {
        const off = rpc.on('inbox.event', (event) => get().receiveInboxEvent(event));
        unsubscribe = () => {
          off();
          unsubscribe = undefined;
        };
      }
      return unsubscribe;
    },
  };
};
