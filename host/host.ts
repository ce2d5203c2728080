import fs from 'node:fs';
import type { NodeRegistry } from '../engine/node-type.ts';
import type { Clock } from '../engine/ports.ts';
import type { Lab, LabVendor } from './lab/lab.ts';
import { labVendors as allLabVendors } from './lab/vendors.ts';
import { builtinConnectors, createBuiltinRegistry } from '../nodes/registry.ts';
import { describeConnector } from './describe-connector.ts';
import type { Connector } from '../nodes/sdk/define-connector.ts';
import { SHIPPED_PLAYBOOKS } from './cli/playbook-files.ts';
import { appVersion } from './app-version.ts';
import { createJournalStore } from './journal/journal-store.ts';
import type { EventFrame, EventName, EventPayload } from './protocol/contract.ts';
import type { HostContext } from './protocol/host-context.ts';
import { createRunManager } from './runs/run-manager.ts';
import { openTeamServer } from './team/team-server.ts';
import type { EventInbox, TriggerSource } from './triggers/contract.ts';
import { createDispatcher } from './triggers/dispatcher.ts';
import { openInboxStore } from './triggers/inbox-store.ts';
import { createHostPollSource } from './triggers/pollers/host-pollers.ts';
import { openPublishState } from './triggers/publish-state.ts';
import { startEventTally } from './triggers/event-tally.ts';
import { createScheduleSource } from './triggers/schedules/schedule-source.ts';
import { startTriggerService } from './triggers/trigger-service.ts';
import { credentialKinds } from './vault/credential-kinds.ts';
import { defaultKeyProvider, type KeyProvider } from './vault/key-provider.ts';
import { openVault, type Vault } from './vault/vault.ts';
import { isNewWorkspace, markWorkspace, seedWorkspace } from './workspace/seed.ts';
import { removeStaleTempFiles } from './workspace/atomic-file.ts';
import { openWorkspace, workspacePaths, type Workspace } from './workspace/workspace.ts';

/** What a host is made of; everything but the folder has a default, tests swap in their own. */
export interface HostOptions {
  workspaceDir: string;
  /** A running lab: unbound slots and lab credentials use it. Undefined: no lab. */
  lab?: Lab;
  keyProvider?: KeyProvider;
  registry?: NodeRegistry;
  connectors?: readonly Connector[];
  labVendors?: readonly LabVendor[];
  /** Where the shipped playbooks are copied from when the workspace is new. */
  shippedDir?: string;
  /** Cap on live runs; default `$SWITCHBOARD_MAX_LIVE_RUNS`, else `DEFAULT_MAX_LIVE_RUNS` (64). */
  maxLiveRuns?: number;
  /** Team mode: the PostgreSQL URL (`serve --database`) holding people, sessions and the audit trail. */
  database?: string;
  /** Where `SWITCHBOARD_MAX_LIVE_RUNS` is read from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Trigger sources besides the scheduler and the poller, which every host runs (the webhook listener), made once the inbox is open. Default: none. */
  triggerSources?: (deps: TriggerSourceDeps) => TriggerSource[] | Promise<TriggerSource[]>;
  /** One line per trigger or dispatcher problem; default: none. */
  log?: (line: string) => void;
  /** The clock schedule triggers fire by; default the system clock (tests pass a fake one). */
  scheduleClock?: Clock;
  /** The clock polling triggers poll by; default the system clock (tests pass a fake one). */
  pollClock?: Clock;
}

/** What a trigger source is made with. */
export interface TriggerSourceDeps {
  inbox: EventInbox;
  workspace: Workspace;
  vault: Vault;
  log: (line: string) => void;
}

/** The environment variable that caps live runs when the shell passes no `maxLiveRuns`. */
const MAX_LIVE_RUNS_ENV = 'SWITCHBOARD_MAX_LIVE_RUNS';

/** The live-run cap `$SWITCHBOARD_MAX_LIVE_RUNS` asks for (undefined when unset); one line naming it when it is not 1–100000. */
export function maxLiveRunsFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = env[MAX_LIVE_RUNS_ENV]?.trim();
  if (text === undefined || text === '') return undefined;
  const value = /^[0-9]{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= 100_000)) throw new Error(`${MAX_LIVE_RUNS_ENV} must be a whole number from 1 to 100000, not ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

/** A running host, transport-agnostic: the server (WebSocket) and Electron (MessagePort) wrap it. */
export interface Host {
  context: HostContext;
  /** Receives every event frame for every client; returns the unsubscribe. */
  subscribe(listener: (frame: EventFrame) => void): () => void;
  /** Stops live runs and waits for their journals. The lab belongs to whoever started it. */
  close(): Promise<void>;
  /** Ports this host listens on (the server adds the editor's): the egress policy keeps runs off them. */
  ownPorts: Set<number>;
}

/**
 * Opens a workspace (seeding it when new; a new folder is private to its user), its vault and
 * journal, the run manager and the triggers (inbox, dispatcher, sources): the back end both
 * shells run (DESIGN.md §1). Temp files that killed saves left behind are removed first. Throws
 * one line when the vault key is wrong.
 */
export async function createHost(options: HostOptions): Promise<Host> {
  const dir = options.workspaceDir;
  const registry = options.registry ?? createBuiltinRegistry();
  const connectors = options.connectors ?? builtinConnectors;
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const maxLiveRuns = options.maxLiveRuns ?? maxLiveRunsFromEnv(options.env ?? process.env);
  await removeStaleTempFiles(dir, [dir, workspacePaths(dir).playbooks]);
  const log = options.log ?? (() => undefined);
  // Team mode: the database's copy of the workspace is restored into the folder before it is opened.
  const team = options.database === undefined ? undefined : await openTeamServer(options.database, dir, log);
  const fresh = isNewWorkspace(dir);
  const workspace = await openWorkspace(dir, registry);
  const vault = await openVault(workspacePaths(dir).vault, options.keyProvider ?? defaultKeyProvider(dir));
  if (fresh) await seedWorkspace(workspace, vault, { shippedDir: options.shippedDir ?? SHIPPED_PLAYBOOKS, labVendors: options.labVendors ?? allLabVendors, registry });
  else await markWorkspace(dir);

  const listeners = new Set<(frame: EventFrame) => void>();
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    const frame: EventFrame = { event, payload };
    for (const listener of listeners) listener(frame);
  };
  const kinds = credentialKinds(connectors, registry);
  const ownPorts = new Set<number>();
  const journal = team?.journal ?? createJournalStore(dir);
  const runs = createRunManager({
    workspace,
    vault,
    kinds,
    registry,
    journal,
    lab: options.lab,
    onEvent: (event) => emit('run.event', event),
    ...(maxLiveRuns === undefined ? {} : { maxLiveRuns }),
    ownPorts,
    ...(team ? { decideElsewhere: team.decideElsewhere } : {}),
  });
  const inbox = team?.inbox ?? (await openInboxStore(dir));
  const publish = await openPublishState(workspace, registry);
  const triggers = await startTriggerService({
    workspace,
    registry,
    inbox,
    publish,
    // A team server queues events; its workers run them.
    dispatcher: createDispatcher({ inbox, runs, journal, publish, log, ...(team ? { roles: { queue: true, run: false } } : {}) }),
    sources: [
      createScheduleSource({ inbox, ...(options.scheduleClock ? { clock: options.scheduleClock } : {}) }),
      createHostPollSource({ inbox, workspace, vault, kinds, registry, lab: options.lab, ownPorts, log, ...(options.pollClock ? { clock: options.pollClock } : {}) }),
      ...((await options.triggerSources?.({ inbox, workspace, vault, log })) ?? []),
    ],
    log,
    // What goes live on a team server is written through before the call answers, so workers find it.
    ...(team ? { afterChange: team.push } : {}),
  });
  inbox.subscribe((event) => emit('inbox.event', event));
  const stopTally = options.log === undefined ? () => undefined : startEventTally(inbox, log);
  const context: HostContext = {
    version: appVersion(),
    workspace,
    vault,
    kinds,
    registry,
    catalogue: connectors.map(describeConnector),
    runs,
    triggers,
    lab: options.lab,
    emit,
    ...(team ? { team: team.context } : {}),
  };
  await team?.start({ runs, emit: (event) => emit('run.event', event), watched: () => listeners.size > 0, lab: options.lab });
  return {
    context,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      stopTally();
      await triggers.stop();
      await runs.close();
      await triggers.close();
      await team?.close();
    },
    ownPorts,
  };
}
