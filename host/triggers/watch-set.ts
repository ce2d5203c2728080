import type { LiveTrigger } from './contract.ts';

/** What a source keeps per live trigger: the trigger, and the signature it was started with. */
export interface Watched {
  readonly trigger: LiveTrigger;
  readonly signature: string;
}

/** How a source starts and stops the watch of one trigger. */
export interface WatchSetOptions<W extends Watched> {
  /** Whether this source handles the trigger (its type). */
  handles(trigger: LiveTrigger): boolean;
  /** What, when it changes on a publish, restarts the trigger's watch. */
  signature(trigger: LiveTrigger): string;
  start(trigger: LiveTrigger, signature: string): W;
  /** Stops a watch; resolves once work under way (a fire, a poll) has ended. */
  stop(watch: W): Promise<void>;
  /** What `sync` also waits for after starting a watch, if anything (a first check). */
  started?(watch: W): Promise<void> | undefined;
}

/** The live triggers one source watches, kept equal to the last `sync`. */
export interface WatchSet<W> {
  /** Applied one at a time, in call order, so an older live set never lands after a newer one. */
  sync(triggers: readonly LiveTrigger[]): Promise<void>;
  values(): W[];
  /** Stops every watch; nothing starts afterwards. */
  close(): Promise<void>;
}

/**
 * The part every trigger source shares: which triggers it watches, started and stopped as the
 * live set changes (a removed or re-published trigger is stopped before `sync` resolves).
 */
export function createWatchSet<W extends Watched>(options: WatchSetOptions<W>): WatchSet<W> {
  const watches = new Map<string, W>();
  let syncing: Promise<void> = Promise.resolve();
  let closed = false;

  const apply = async (triggers: readonly LiveTrigger[]): Promise<void> => {
    if (closed) return;
    const wanted = new Map<string, LiveTrigger>();
    for (const trigger of triggers) if (options.handles(trigger)) wanted.set(keyOf(trigger), trigger);
    for (const [key, watch] of watches) {
      const trigger = wanted.get(key);
      if (trigger !== undefined && options.signature(trigger) === watch.signature) continue;
      watches.delete(key);
      await options.stop(watch);
    }
    const starting: Promise<void>[] = [];
    for (const [key, trigger] of wanted) {
      if (watches.has(key)) continue;
      const watch = options.start(trigger, options.signature(trigger));
      watches.set(key, watch);
      const first = options.started?.(watch);
      if (first) starting.push(first);
    }
    await Promise.all(starting);
  };

  return {
    sync(triggers) {
      const applied = syncing.then(() => apply(triggers));
      syncing = applied.catch(() => undefined);
      return applied;
    },
    values: () => [...watches.values()],
    async close() {
      closed = true;
      await syncing;
      const all = [...watches.values()];
      watches.clear();
      await Promise.all(all.map((watch) => options.stop(watch)));
    },
  };
}

function keyOf(trigger: LiveTrigger): string {
  return `${trigger.playbookId}\u0000${trigger.triggerNodeId}`;
}
