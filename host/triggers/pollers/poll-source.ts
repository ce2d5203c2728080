import type { Clock } from '../../../engine/ports.ts';
import { systemClock } from '../../../engine/ports.ts';
import type { PollSpec } from '../../../nodes/sdk/poll-trigger.ts';
import type { EventInbox, LiveTrigger, NewEvent, TriggerHealth, TriggerSource } from '../contract.ts';
import { createWatchSet } from '../watch-set.ts';
import { cursorKey, decideBatch, parseCursor, pollWindow } from './poll-cursor.ts';

/** Longest wait between attempts while a source keeps failing (or the interval, when longer). */
const MAX_BACKOFF_MS = 15 * 60_000;
/** Shortest time a poller remembers a dedupe key in the inbox, so a repeat a day apart is still one run. */
const MIN_DEDUPE_WINDOW_MS = 24 * 60 * 60_000;

/** Runs one poll's action for a trigger: the host resolves its credential, egress policy and context. */
export type PollExecutor = (trigger: LiveTrigger, action: string, input: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

/** What the poller is made with. */
export interface PollSourceOptions {
  inbox: EventInbox;
  specs: readonly PollSpec<never>[];
  execute: PollExecutor;
  /** The clock polls are timed by; default the system clock. */
  clock?: Clock;
  /** One line per failed poll (the vendor's message, never a credential). */
  log?: (line: string) => void;
}

/** Wait before the next attempt after `failures` failed polls in a row: the interval, doubling, capped. */
function backoffMs(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** (failures - 1), Math.max(MAX_BACKOFF_MS, intervalMs));
}

/** One live polling trigger: its parsed params, its timer and what health reports. */
interface Watch {
  trigger: LiveTrigger;
  spec: PollSpec<Record<string, unknown>>;
  signature: string;
  params?: Record<string, unknown> & { intervalSeconds: number; lookbackSeconds: number };
  invalid?: string;
  stopped: boolean;
  abort: AbortController;
  cancel?: () => void;
  busy?: Promise<void>;
  lastPollAt?: number;
  lastSuccessAt?: number;
  lastEventAt?: number;
  /** When the committed cursor's poll started: lag is measured from it. */
  committedAt?: number;
  lastError?: string;
  consecutiveFailures: number;
  /** Polls ended (either way), events accepted and recorded as duplicates, items skipped as already taken. */
  counts: { polls: number; accepted: number; duplicate: number; skipped: number };
}

/**
 * The poller (DESIGN.md §10): one loop per live polling trigger on the injected clock. Each poll
 * reads from the committed cursor minus the look-back window, maps new items to events keyed by
 * the vendor's id, and commits them with the new cursor in one `acceptBatch`, so a crash never
 * skips or repeats a page. Failures back off exponentially and show in health with the vendor's message.
 */
export function createPollSource(options: PollSourceOptions): TriggerSource {
  const { inbox, execute } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => undefined);
  const specs = new Map(options.specs.map((spec) => [spec.type, spec as unknown as PollSpec<Record<string, unknown>>]));

  /** One poll: window, action, batch, commit; then the next one is armed (sooner on success). */
  const poll = async (watch: Watch): Promise<void> => {
    const { trigger, spec, params } = watch;
    if (watch.stopped || params === undefined) return;
    const startedAt = clock.now();
    watch.lastPollAt = startedAt;
    try {
      const key = cursorKey(trigger.playbookId, trigger.triggerNodeId);
      const cursor = parseCursor(await inbox.cursor(key));
      const lookbackMs = params.lookbackSeconds * 1000;
      const output = await execute(trigger, spec.action, spec.input(params, pollWindow(cursor, startedAt, lookbackMs)), watch.abort.signal);
      if (watch.stopped) return;
      const items = await spec.items(output, params);
      const value = await spec.cursor?.(output, params, cursor?.value);
      if (watch.stopped) return;
      const batch = decideBatch(cursor, items, startedAt, lookbackMs, value);
      const dedupeWindowMs = Math.max(MIN_DEDUPE_WINDOW_MS, 2 * (lookbackMs + params.intervalSeconds * 1000));
      const events = batch.fresh.map(
        (item): NewEvent => ({
          playbookId: trigger.playbookId,
          revision: trigger.revision,
          triggerNodeId: trigger.triggerNodeId,
          source: 'poll',
          receivedAt: clock.now(),
          dedupeKey: item.key,
          dedupeWindowMs,
          payload: item.payload,
        }),
      );
      const accepted = await inbox.acceptBatch(events, { key, value: JSON.stringify(batch.cursor) });
      const duplicates = accepted.filter((a) => a.duplicate).length;
      watch.counts.accepted += accepted.length - duplicates;
      watch.counts.duplicate += duplicates;
      watch.counts.skipped += batch.skipped;
      if (accepted.length > duplicates) watch.lastEventAt = clock.now();
      watch.committedAt = batch.cursor.at;
      watch.lastSuccessAt = clock.now();
      watch.consecutiveFailures = 0;
    } catch (error) {
      if (watch.stopped) return;
      watch.consecutiveFailures += 1;
      watch.lastError = oneLine(error);
      log(`triggers: ${trigger.playbookId}/${trigger.triggerNodeId} (${trigger.type}): ${watch.lastError}`);
    } finally {
      if (!watch.stopped) {
        watch.counts.polls += 1;
        arm(watch);
      }
    }
  };

  const arm = (watch: Watch): void => {
    if (watch.params === undefined) return;
    const wait = backoffMs(watch.params.intervalSeconds * 1000, watch.consecutiveFailures);
    watch.cancel = clock.timer(wait, () => {
      watch.busy = poll(watch);
    });
  };

  const start = (trigger: LiveTrigger, signature: string): Watch => {
    const spec = specs.get(trigger.type)!;
    const watch: Watch = {
      trigger,
      spec,
      signature,
      stopped: false,
      abort: new AbortController(),
      consecutiveFailures: 0,
      counts: { polls: 0, accepted: 0, duplicate: 0, skipped: 0 },
    };
    const parsed = spec.params.safeParse(trigger.params);
    if (parsed.success) watch.params = parsed.data as Watch['params'];
    else watch.invalid = parsed.error.issues.map((issue) => `params.${issue.path.join('.')}: ${issue.message}`).join('; ');
    watch.busy = poll(watch);
    return watch;
  };

  const stop = async (watch: Watch): Promise<void> => {
    watch.stopped = true;
    watch.cancel?.();
    watch.abort.abort(new Error('the trigger was stopped'));
    await watch.busy;
  };

  const watches = createWatchSet<Watch>({ handles: (trigger) => specs.has(trigger.type), signature: signatureOf, start, stop });

  return {
    types: [...specs.keys()],

    /** Applied one at a time, in call order; the first poll of a new trigger starts at once, in the background. */
    sync: (triggers) => watches.sync(triggers),

    health() {
      const now = clock.now();
      return watches.values().map((watch): TriggerHealth => {
        const lastError = watch.invalid ?? (watch.consecutiveFailures > 0 ? watch.lastError : undefined);
        return {
          playbookId: watch.trigger.playbookId,
          triggerNodeId: watch.trigger.triggerNodeId,
          type: watch.trigger.type,
          state: watch.invalid !== undefined || watch.consecutiveFailures > 0 ? 'failing' : 'ok',
          describe: watch.params === undefined ? watch.trigger.type : watch.spec.describe(watch.params),
          consecutiveFailures: watch.consecutiveFailures,
          counts: { ...watch.counts },
          ...(watch.lastPollAt !== undefined ? { lastPollAt: watch.lastPollAt } : {}),
          ...(watch.lastSuccessAt !== undefined ? { lastSuccessAt: watch.lastSuccessAt } : {}),
          ...(watch.lastEventAt !== undefined ? { lastEventAt: watch.lastEventAt } : {}),
          ...(watch.committedAt !== undefined ? { lagMs: Math.max(0, now - watch.committedAt) } : {}),
          ...(lastError !== undefined ? { lastError } : {}),
        };
      });
    },

    close: () => watches.close(),
  };
}

/** A published change of revision, params or credential slot restarts the trigger's loop. */
function signatureOf(trigger: LiveTrigger): string {
  return JSON.stringify([trigger.revision, trigger.params, trigger.credential ?? null]);
}

/** An error as one line of health text. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim() || 'the poll failed with no message';
}
