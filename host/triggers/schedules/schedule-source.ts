import type { Clock } from '../../../engine/ports.ts';
import { systemClock } from '../../../engine/ports.ts';
import type { EventInbox, LiveTrigger, TriggerHealth, TriggerSource } from '../contract.ts';
import type { Schedule } from './plan.ts';
import { describeSchedule, firesDue, nextFires, parseSchedule } from './plan.ts';
import { createWatchSet } from '../watch-set.ts';

/** The node type this source runs. */
const SCHEDULE_TYPE = 'trigger.schedule@1';
/** Longest single sleep: a clock change, a suspend or a resume is noticed within this time. */
const MAX_SLEEP_MS = 60_000;
/** Wait before trying again after the inbox refused a write. */
export const RETRY_MS = 5_000;
/**
 * How old a recorded fire without its event (the process died between the two writes) may be and
 * still be accepted at start; also the tick events' dedupe window, so a racing host cannot run it twice.
 */
const RECOVER_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How many of a playbook's newest schedule events are searched for a recorded fire's event. */
const RECOVER_LOOKBACK_EVENTS = 100;
/** How many upcoming fire times health reports (the editor shows five). */
export const HEALTH_NEXT_FIRES = 5;

/** One live schedule trigger being watched: its plan, its timer and what health reports. */
interface Watch {
  trigger: LiveTrigger;
  /** The published params, as text, to notice a change on `sync`. */
  signature: string;
  schedule?: Schedule;
  /** Params the scheduler cannot run (it then never fires and shows red). */
  invalid?: string;
  /** When this process started watching: fires before it were never missed by a trigger with no fire record. */
  liveSince: number;
  stopped: boolean;
  cancel?: () => void;
  /** The check under way, awaited when the trigger is stopped. */
  busy?: Promise<void>;
  /** A fire recorded whose event the inbox has not yet committed: retried before anything else. */
  pending?: number;
  lastFire?: number;
  /** Whether `lastFire` was read from the inbox: read at start, then again only when a fire looks due. */
  loaded: boolean;
  lastSuccessAt?: number;
  lastError?: string;
  consecutiveFailures: number;
}

/**
 * The scheduler (DESIGN.md §10): one timer per live `trigger.schedule@1`, armed for its next fire
 * (at most `MAX_SLEEP_MS` ahead, then re-checked). At a fire time it records the fire in the inbox
 * and, only when this process recorded it first, accepts the tick event, so a restart, a second
 * host or a clock change never fires twice. Triggers dropped by `sync` are stopped before it resolves.
 */
export function createScheduleSource(options: { inbox: EventInbox; clock?: Clock }): TriggerSource {
  const { inbox } = options;
  const clock = options.clock ?? systemClock;

  /** One pass: retry a pending event, record and accept what is due, then sleep until the next fire. */
  const check = async (watch: Watch): Promise<void> => {
    const { schedule, trigger } = watch;
    if (watch.stopped || schedule === undefined) return;
    try {
      if (!watch.loaded || firesDue(schedule, watch.lastFire ?? watch.liveSince - 1, clock.now()).length > 0) {
        const recorded = await inbox.lastFire(trigger.playbookId, trigger.triggerNodeId);
        if (recorded !== undefined) watch.lastFire = Math.max(recorded, watch.lastFire ?? recorded);
        if (!watch.loaded && recorded !== undefined && (await lostEvent(trigger, recorded))) watch.pending = recorded;
        watch.loaded = true;
      }
      if (watch.pending !== undefined) await acceptFire(watch, watch.pending);
      for (const fireAt of firesDue(schedule, watch.lastFire ?? watch.liveSince - 1, clock.now())) {
        if (watch.stopped) return;
        if (!(await inbox.recordFire(trigger.playbookId, trigger.triggerNodeId, fireAt))) continue;
        watch.lastFire = Math.max(fireAt, watch.lastFire ?? fireAt);
        watch.pending = fireAt;
        await acceptFire(watch, fireAt);
      }
      watch.consecutiveFailures = 0;
    } catch (error) {
      watch.consecutiveFailures += 1;
      watch.lastError = error instanceof Error ? error.message : String(error);
    }
    if (!watch.stopped) arm(watch);
  };

  /**
   * Whether the trigger's last recorded fire, recent enough to still be deduplicated, has no event:
   * the process died between the two writes. Accepting it then runs it once (late), never twice.
   */
  const lostEvent = async (trigger: LiveTrigger, fireAt: number): Promise<boolean> => {
    if (clock.now() - fireAt > RECOVER_WINDOW_MS) return false;
    const key = new Date(fireAt).toISOString();
    const events = await inbox.list({ playbookId: trigger.playbookId, source: 'schedule', limit: RECOVER_LOOKBACK_EVENTS });
    return !events.some((event) => event.triggerNodeId === trigger.triggerNodeId && event.dedupeKey === key);
  };

  /** Commits the tick event of a recorded fire; its dedupe key guards a retry after an unclear failure. */
  const acceptFire = async (watch: Watch, fireAt: number): Promise<void> => {
    const firedAt = clock.now();
    const scheduledAt = new Date(fireAt).toISOString();
    await inbox.accept({
      playbookId: watch.trigger.playbookId,
      revision: watch.trigger.revision,
      triggerNodeId: watch.trigger.triggerNodeId,
      source: 'schedule',
      receivedAt: firedAt,
      dedupeKey: scheduledAt,
      dedupeWindowMs: RECOVER_WINDOW_MS,
      payload: { scheduledAt, firedAt: new Date(firedAt).toISOString() },
    });
    watch.pending = undefined;
    watch.lastSuccessAt = firedAt;
  };

  const arm = (watch: Watch): void => {
    if (watch.schedule === undefined) return;
    const now = clock.now();
    const [next] = nextFires(watch.schedule, Math.max(now, watch.lastFire ?? now), 1);
    if (next === undefined) return;
    const wait = watch.consecutiveFailures > 0 ? RETRY_MS : Math.min(next - now, MAX_SLEEP_MS);
    watch.cancel = clock.timer(Math.max(wait, 0), () => {
      watch.busy = check(watch);
    });
  };

  const start = (trigger: LiveTrigger, signature: string): Watch => {
    const watch: Watch = { trigger, signature, liveSince: clock.now(), stopped: false, loaded: false, consecutiveFailures: 0 };
    try {
      watch.schedule = parseSchedule(trigger.params);
    } catch (error) {
      watch.invalid = error instanceof Error ? error.message : String(error);
    }
    watch.busy = check(watch);
    return watch;
  };

  const stop = async (watch: Watch): Promise<void> => {
    watch.stopped = true;
    watch.cancel?.();
    await watch.busy;
  };

  // A new trigger's first check (a fire that was due) ends before `sync` resolves.
  const watches = createWatchSet<Watch>({ handles: (trigger) => trigger.type === SCHEDULE_TYPE, signature: signatureOf, start, stop, started: (watch) => watch.busy });

  return {
    types: [SCHEDULE_TYPE],

    sync: (triggers) => watches.sync(triggers),

    health() {
      const now = clock.now();
      return watches.values().map((watch): TriggerHealth => {
        const { schedule, trigger } = watch;
        const failing = watch.invalid !== undefined || watch.consecutiveFailures > 0;
        const lastError = watch.invalid ?? watch.lastError;
        return {
          playbookId: trigger.playbookId,
          triggerNodeId: trigger.triggerNodeId,
          type: trigger.type,
          state: failing ? 'failing' : 'ok',
          describe: schedule === undefined ? rawDescription(trigger.params) : describeSchedule(schedule),
          consecutiveFailures: watch.consecutiveFailures,
          nextFires: schedule === undefined ? [] : nextFires(schedule, Math.max(now, watch.lastFire ?? now), HEALTH_NEXT_FIRES),
          ...(watch.lastFire !== undefined ? { lastEventAt: watch.lastFire } : {}),
          ...(watch.lastSuccessAt !== undefined ? { lastSuccessAt: watch.lastSuccessAt } : {}),
          ...(lastError !== undefined ? { lastError } : {}),
        };
      });
    },

    close: () => watches.close(),
  };
}

/** A published change of revision or params restarts the trigger's plan. */
function signatureOf(trigger: LiveTrigger): string {
  return JSON.stringify([trigger.revision, trigger.params]);
}

/** What the params say, for a schedule that could not be read. */
function rawDescription(params: Record<string, unknown>): string {
  if (typeof params.cron === 'string') return params.cron;
  if (typeof params.intervalSeconds === 'number') return `every ${params.intervalSeconds} s`;
  return 'no schedule';
}
