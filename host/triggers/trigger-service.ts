import type { Playbook } from '../../engine/format/playbook.ts';
import type { NodeRegistry } from '../../engine/node-type.ts';
import { oneLineMessage } from '../protocol/host-error.ts';
import { HostError } from '../protocol/host-error.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { EventFilter, EventInbox, InboxEvent, LiveTrigger, TriggerHealth, TriggerSource } from './contract.ts';
import { replayEvent } from './contract.ts';
import type { Dispatcher } from './dispatcher.ts';
import { liveTriggers, publishSummary, type PlaybookTriggerState, type PublishState } from './publish-state.ts';
import { webhookPathProblems } from './webhooks/path-conflicts.ts';

/** One playbook's line in the Triggers panel and `switchboard triggers`. */
export interface PlaybookTriggers {
  playbookId: string;
  enabled: boolean;
  publishedRevision?: number;
  /** The saved revision; a draft awaits publishing when it differs from the published one. */
  savedRevision: number;
  draft: boolean;
  triggers: TriggerHealth[];
}

/**
 * The host's triggers (DESIGN.md §10): owns the sources, the publish state, the inbox and the
 * dispatcher, and tells every source the live set on start and after each change that can alter
 * it, in the same step as the change, so a disabled or deleted playbook stops firing at once.
 */
export interface TriggerService {
  readonly inbox: EventInbox;
  enable(playbookId: string): Promise<PlaybookTriggerState>;
  disable(playbookId: string): Promise<PlaybookTriggerState>;
  publish(playbookId: string): Promise<PlaybookTriggerState>;
  /** A playbook was saved (its draft changed) or deleted: resync, forgetting a deleted one's state. */
  playbookChanged(playbookId: string, deleted: boolean): Promise<void>;
  list(): Promise<PlaybookTriggers[]>;
  events(filter?: EventFilter): Promise<InboxEvent[]>;
  event(eventId: string): Promise<InboxEvent>;
  /** Records a new event that replays `eventId` (same playbook revision and payload); it runs as any other. */
  replay(eventId: string): Promise<InboxEvent>;
  /** The live set as the sources were last told it. */
  live(): readonly LiveTrigger[];
  /** Stops the sources and the dispatcher: nothing new is accepted or started (the inbox stays open for runs still ending). */
  stop(): Promise<void>;
  /** `stop`, then closes the inbox once the ends of the runs it started are recorded. */
  close(): Promise<void>;
}

/** What the service is built from; the host makes each part. */
export interface TriggerServiceOptions {
  workspace: Workspace;
  registry: NodeRegistry;
  inbox: EventInbox;
  publish: PublishState;
  dispatcher: Dispatcher;
  sources: readonly TriggerSource[];
  now?: () => number;
  log?: (line: string) => void;
  /** How often `triggers.json` is checked for changes made by another process (the CLI); default 1 s, 0: never. */
  reloadEveryMs?: number;
  /** Called after each change that can alter the live set, before the change answers (a team server writes its workspace through so workers find what went live). */
  afterChange?: () => Promise<void>;
}

/** Starts the dispatcher and the sources with the live set; resolves once both have it. */
export async function startTriggerService(options: TriggerServiceOptions): Promise<TriggerService> {
  const { workspace, registry, inbox, publish, dispatcher, sources } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  let current: LiveTrigger[] = [];

  /** Tells each source its live triggers; a source that throws is logged, the others still hear. */
  const sync = async (): Promise<void> => {
    current = liveTriggers(publish.states(), publish.publishedPlaybooks(), registry);
    await Promise.all(
      sources.map((source) =>
        source.sync(current.filter((t) => source.types.includes(t.type))).catch((err: unknown) => log(`triggers: ${source.types.join(', ')}: ${oneLineMessage(err)}`)),
      ),
    );
  };

  await dispatcher.start();
  await sync();
  const every = options.reloadEveryMs ?? 1_000;
  let ticking = false;
  const timer =
    every > 0
      ? setInterval(() => {
          if (ticking) return;
          ticking = true;
          publish
            .reload()
            .then((changed) => (changed ? sync() : undefined))
            .catch((err: unknown) => log(`triggers: reading triggers.json: ${oneLineMessage(err)}`))
            .finally(() => (ticking = false));
        }, every)
      : undefined;
  timer?.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(timer);
      dispatcher.close();
      await Promise.all(sources.map((source) => source.close().catch((err: unknown) => log(`triggers: closing ${source.types.join(', ')}: ${oneLineMessage(err)}`))));
    })());

  const changed = async <T>(step: Promise<T>): Promise<T> => {
    const result = await step;
    await sync();
    await options.afterChange?.();
    return result;
  };

  /** A webhook path another playbook's live trigger holds is not taken over by enabling or publishing. */
  const refuseTakenPaths = async (playbook: Playbook | undefined): Promise<void> => {
    const [taken] = playbook === undefined ? [] : webhookPathProblems(playbook, current);
    if (taken !== undefined) throw new HostError('CONFLICT', `${playbook!.id}: ${taken.message}`);
  };

  return {
    inbox,
    enable: async (id) => {
      await refuseTakenPaths(publish.publishedPlaybooks().get(id) ?? (await workspace.readPlaybook(id)).playbook);
      return changed(publish.enable(id));
    },
    disable: (id) => changed(publish.disable(id)),
    publish: async (id) => {
      await refuseTakenPaths((await workspace.readPlaybook(id)).playbook);
      return changed(publish.publish(id));
    },
    playbookChanged: (id, deleted) => changed(deleted ? publish.remove(id) : Promise.resolve()),
    async list() {
      const states = publish.states();
      const health = sources.flatMap((source) => source.health());
      const saved = await workspace.listPlaybooks();
      return saved.map((playbook) => ({ ...publishSummary(playbook, states[playbook.id]), triggers: health.filter((h) => h.playbookId === playbook.id) }));
    },
    events: (filter) => inbox.list(filter),
    async event(eventId) {
      const event = await inbox.get(eventId);
      if (event === undefined) throw new HostError('NOT_FOUND', `no event ${eventId} in the inbox`);
      return event;
    },
    async replay(eventId) {
      const event = await inbox.get(eventId);
      if (event === undefined) throw new HostError('NOT_FOUND', `no event ${eventId} in the inbox`);
      const accepted = await inbox.accept(replayEvent(event, now()));
      return accepted.event;
    },
    live: () => current,
    stop,
    async close() {
      await stop();
      await dispatcher.settled();
      await inbox.close();
    },
  };
}
