import type { Playbook } from '../../engine/format/playbook.ts';
import type { RunStatus } from '../../engine/run/events.ts';
import { newRunId } from '../../engine/run/executor.ts';
import type { RunState } from '../../engine/run/types.ts';
import type { JournalStore } from '../journal/journal-store.ts';
import { JournalStoreError } from '../journal/journal-store.ts';
import type { SavedRunInfo } from '../runs/journalled-run.ts';
import type { RunManager } from '../runs/run-manager.ts';
import { HostError, oneLineMessage } from '../protocol/host-error.ts';
import type { EventInbox, InboxEvent } from './contract.ts';
import type { PublishState } from './publish-state.ts';

/**
 * The dispatcher (DESIGN.md §10): one thin loop that moves accepted events to the run queue,
 * claims them while the run manager has free slots (a full host leaves them queued, never drops
 * them) and starts exactly one run each, recording the run id before the run starts. On start it
 * takes up what a crash left: queued events, claimed events whose run never started, and runs that
 * were interrupted (resumed with writes of unknown outcome failed, never sent again).
 */

/** How long the dispatcher waits before looking for a free slot again when the host is full. */
const RETRY_MS = 250;

/** Most events claimed in one inbox commit: enough to keep up with a burst, few enough that one slow start delays little. */
const CLAIM_BATCH = 32;

/** What the dispatcher works with. */
export interface DispatcherOptions {
  inbox: EventInbox;
  runs: Pick<RunManager, 'startTriggered' | 'freeSlots'>;
  journal: Pick<JournalStore, 'readRun' | 'readRunInfo'>;
  publish: Pick<PublishState, 'states' | 'publishedAt'>;
  now?: () => number;
  /** One line per dispatcher error (never a payload). */
  log?: (line: string) => void;
  /**
   * What this dispatcher does (team mode splits it, DESIGN.md §11): `queue` moves accepted events
   * to the run queue (the team server), `run` claims and starts them (each worker). Default both.
   */
  roles?: { queue: boolean; run: boolean };
}

/** A running dispatcher. */
export interface Dispatcher {
  /** Takes up what a crash left, then follows the inbox. */
  start(): Promise<void>;
  /** Resolves when nothing is being started and no claimable event waits (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops claiming; live runs are the run manager's to stop. */
  close(): void;
  /** Resolves once the end of every run started so far is recorded (call after the runs stopped, before the inbox closes). */
  settled(): Promise<void>;
}

/** The run id a resume of `runId` gets: `<first run>-r<n>`, so every attempt of an event is found from its first id. */
function resumedRunId(firstRunId: string, attempt: number): string {
  return `${firstRunId}-r${attempt}`;
}

/** The event's status once its run ended with `status`. */
function eventOutcome(status: RunStatus): 'done' | 'failed' {
  return status === 'succeeded' ? 'done' : 'failed';
}

/** Why an event may not run (its playbook was disabled or deleted meanwhile), or undefined; replays run regardless. */
export function refusal(event: InboxEvent, states: ReturnType<PublishState['states']>): string | undefined {
  if (event.source === 'replay' || event.source === 'manual') return undefined;
  return states[event.playbookId]?.enabled === true ? undefined : `playbook ${event.playbookId} was disabled or deleted before the event ran`;
}

/** What the run's `trigger` root holds: the payload, with the event id when the payload is an object. */
export function triggerOf(event: InboxEvent): unknown {
  const payload = event.payload;
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) return { ...payload, eventId: event.id };
  return payload;
}

/** Creates the dispatcher; nothing happens until `start`. */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { inbox, runs, journal, publish } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const roles = options.roles ?? { queue: true, run: true };
  /** Runs to take up again after a crash, started before new claims. */
  const recovering: Array<{ event: InboxEvent; runId: string; previous?: RunState; playbook?: { playbook: Playbook; file: string } }> = [];
  let pumping = false;
  let again = false;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let waiters: Array<() => void> = [];
  const endings = new Set<Promise<void>>();

  const settle = (event: InboxEvent, status: 'done' | 'failed' | 'rejected', error?: string): Promise<void> =>
    inbox.finish(event.id, status, error).catch((err: unknown) => log(`inbox: could not record the end of event ${event.id}: ${oneLineMessage(err)}`));

  /** 1. Starts one event's run (first attempt or a resume) and records its end when it finishes. */
  const launch = async (event: InboxEvent, runId: string, previous?: RunState, known?: { playbook: Playbook; file: string }): Promise<void> => {
    const published = known ?? (await publish.publishedAt(event.playbookId, event.revision));
    if (published === undefined) return settle(event, 'failed', `playbook ${event.playbookId} revision ${event.revision} is no longer published`);
    try {
      const started = await runs.startTriggered({ playbook: published.playbook, playbookFile: published.file, trigger: previous?.trigger ?? triggerOf(event), runId, ...(previous ? { previous } : {}) });
      const ending = started.done.then((status) => settle(event, eventOutcome(status), status === 'succeeded' ? undefined : `run ${runId} ${status}`));
      endings.add(ending);
      void ending.finally(() => endings.delete(ending));
    } catch (err) {
      if (err instanceof JournalStoreError && err.code === 'RUN_EXISTS') {
        // Put back on the queue after its worker was lost, or started by another dispatcher: the
        // journal says where it got to, and it is taken up from there, never started again.
        await takeUp(event);
        return;
      }
      if (err instanceof HostError && err.code === 'CONFLICT' && runs.freeSlots() === 0) {
        // A run started elsewhere (the editor) took the last slot first: wait for one, never drop the event.
        recovering.unshift({ event, runId, ...(previous ? { previous } : {}), ...(known ? { playbook: known } : {}) });
        retryLater();
        return;
      }
      await settle(event, 'failed', oneLineMessage(err));
    }
  };

  /** Pumps again shortly: slots freed by runs the dispatcher did not start announce nothing. */
  let retryTimer: NodeJS.Timeout | undefined;
  const retryLater = (): void => {
    if (retryTimer !== undefined || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void pump();
    }, RETRY_MS);
    retryTimer.unref();
  };

  /** 2. The loop: recovered runs first, then claims, while there are free slots. */
  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (!closed && runs.freeSlots() > 0) {
          const next = recovering.shift();
          if (next !== undefined) {
            await launch(next.event, next.runId, next.previous, next.playbook);
            continue;
          }
          // Claims made in one turn share one inbox commit, and their runs start side by side: one
          // at a time, every event waited for the previous claim's fdatasync and journal creation.
          const size = Math.min(runs.freeSlots(), CLAIM_BATCH);
          const claims: Array<Promise<InboxEvent | undefined>> = [];
          for (let i = 0; i < size; i++) claims.push(inbox.claim(() => newRunId(now())));
          const claimed = (await Promise.all(claims)).filter((event): event is InboxEvent => event !== undefined);
          await Promise.all(
            claimed.map((event) => {
              const refused = refusal(event, publish.states());
              return refused !== undefined ? settle(event, 'rejected', refused) : launch(event, event.runId!);
            }),
          );
          if (claimed.length < size) break;
        }
      } while (again && !closed);
      if (recovering.length > 0 || (runs.freeSlots() === 0 && (await inbox.list({ status: 'queued', limit: 1 })).length > 0)) retryLater();
    } catch (err) {
      log(`dispatcher: ${oneLineMessage(err)}`);
    } finally {
      pumping = false;
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };

  /** Moves a fresh event to the queue (or rejects it when its playbook is no longer enabled). */
  const enqueue = async (event: InboxEvent): Promise<void> => {
    try {
      const refused = refusal(event, publish.states());
      if (refused !== undefined) await inbox.finish(event.id, 'rejected', refused);
      else await inbox.enqueue(event.id);
    } catch (err) {
      log(`dispatcher: could not queue event ${event.id}: ${oneLineMessage(err)}`);
    }
  };

  /** 3. After a crash: where did the run of a `running` event get to? */
  const takeUp = async (event: InboxEvent): Promise<void> => {
    const first = event.runId!;
    let latest: { runId: string; state: RunState | undefined; live: boolean } | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      const runId = attempt === 0 ? first : resumedRunId(first, attempt);
      const stored = await journal.readRun(runId).catch((err: unknown) => {
        if (err instanceof JournalStoreError && err.code === 'RUN_NOT_FOUND') return undefined;
        throw err;
      });
      if (stored === undefined) {
        if (latest === undefined) recovering.push({ event, runId: first });
        else if (latest.live) log(`dispatcher: run ${latest.runId} of event ${event.id} is live in another process; left to it`);
        else if (latest.state === undefined || latest.state.status === 'interrupted' || latest.state.status === 'running' || latest.state.status === 'paused') {
          const info = (await journal.readRunInfo(latest.runId).catch(() => undefined)) as SavedRunInfo | undefined;
          const previous = latest.state;
          if (previous === undefined || info?.playbook === undefined) recovering.push({ event, runId });
          else recovering.push({ event, runId, previous, playbook: { playbook: info.playbook, file: info.playbookFile } });
        } else await settle(event, eventOutcome(latest.state.status), latest.state.status === 'succeeded' ? undefined : `run ${latest.runId} ${latest.state.status}`);
        return;
      }
      latest = { runId, state: stored.state, live: stored.live };
    }
    await settle(event, 'failed', `event ${event.id} was resumed 100 times; not again`);
  };

  return {
    async start() {
      if (roles.queue) for (const event of await inbox.list({ status: 'accepted', limit: 1_000_000 })) await enqueue(event);
      if (roles.run) for (const event of await inbox.unfinished()) if (event.status === 'running') await takeUp(event);
      unsubscribe = inbox.subscribe((event) => {
        if (event.status === 'accepted') {
          if (roles.queue) void enqueue(event);
        } else if (roles.run && (event.status === 'queued' || event.status === 'done' || event.status === 'failed' || event.status === 'rejected')) void pump();
      });
      // Not awaited: with a backlog, the pump goes on for as long as slots keep freeing up.
      if (roles.run) void pump();
    },
    idle: () => (pumping ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve()),
    close() {
      closed = true;
      clearTimeout(retryTimer);
      unsubscribe?.();
    },
    settled: async () => {
      await Promise.all([...endings]);
    },
  };
}
