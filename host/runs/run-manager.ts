import os from 'node:os';
import path from 'node:path';
import { createScrubber } from '../../engine/journal/redact.ts';
import { resumePlan } from '../../engine/journal/recovery.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { EgressPolicy, NodeRegistry } from '../../engine/node-type.ts';
import type { PlaybookResolver } from '../../engine/ports.ts';
import type { RunEvent, RunStatus } from '../../engine/run/events.ts';
import type { RunHandle, RunOptions, RunState } from '../../engine/run/types.ts';
import type { LabAccess } from '../lab/lab.ts';
import { sampleEvent } from '../cli/commands/run.ts';
import { byNewest, isSafeRunId, JournalStoreError, type JournalStore, type RunJournal } from '../journal/journal-store.ts';
import type { ParsedParamsOf, RunSummary } from '../protocol/contract.ts';
import { HostError, oneLineMessage } from '../protocol/host-error.ts';
import type { CredentialKind } from '../vault/credential-kinds.ts';
import type { Vault } from '../vault/vault.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { playbookFileName } from '../workspace/playbook-text.ts';
import { startJournalledRun, type SavedRunInfo } from './journalled-run.ts';
import { unknownNodeIds } from './node-ids.ts';
import { readWorkspaceSettings } from '../workspace/settings.ts';
import { runEgressPolicy } from './egress-policy.ts';
import { runSummaryOf } from './run-summary.ts';
import { knownSecrets, workspaceCredentials, workspaceSlotProblems } from './workspace-credentials.ts';

/** How long `close` waits for stopped runs to write their last events. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Live runs a host holds at once unless told otherwise: each keeps its journal open (a paused run
 * for as long as it waits), so an unbounded number would run the host out of file descriptors.
 */
export const DEFAULT_MAX_LIVE_RUNS = 64;

/** What the run manager works with; `onEvent` receives every run event, scrubbed, for all clients. */
export interface RunManagerOptions {
  workspace: Workspace;
  vault: Vault;
  kinds: ReadonlyMap<string, CredentialKind>;
  registry: NodeRegistry;
  journal: JournalStore;
  lab: LabAccess | undefined;
  onEvent: (event: RunEvent) => void;
  /** Cap on runs live at once (paused ones included); a start past it is refused. Default `DEFAULT_MAX_LIVE_RUNS`. */
  maxLiveRuns?: number;
  /**
   * Cap on runs executing at once, not counting runs that wait for an approval (a worker's
   * concurrency: a run paused for a person holds no slot). Default: no cap beyond `maxLiveRuns`.
   */
  maxActiveRuns?: number;
  /** Where the decision on a run not live here goes (a team server: the worker running it, through the database). Default: NOT_FOUND. */
  decideElsewhere?: (params: ParsedParamsOf<'runs.decide'>, by: string) => Promise<{ ok: boolean }>;
  /** Ports this host listens on (the editor's server, once it listens): runs may never reach them. */
  ownPorts?: ReadonlySet<number>;
}

/** A triggered event's run (DESIGN.md §10): a published playbook, the event as its trigger, a run id fixed beforehand. */
export interface TriggeredStart {
  playbook: Playbook;
  /** Where the published copy is, saved beside the run for `resume`. */
  playbookFile: string;
  trigger: unknown;
  /** The id the inbox recorded for the run before it started: RUN_EXISTS when it has a journal already. */
  runId: string;
  /** An interrupted run of the same event to resume: its settled nodes are reused, writes of unknown outcome fail. */
  previous?: RunState;
}

/** Starts, steers and lists the workspace's runs (DESIGN.md §6, §7). */
export interface RunManager {
  start(params: ParsedParamsOf<'runs.start'>): Promise<{ runId: string }>;
  /**
   * Starts a triggered run, never in debug mode and on the lab only when the workspace's lab mode
   * is on; `done` resolves with its final status once its journal is closed. CONFLICT past the cap.
   */
  startTriggered(params: TriggeredStart): Promise<{ runId: string; done: Promise<RunStatus> }>;
  /** How many more runs may start now under the live-run cap. */
  freeSlots(): number;
  control(params: ParsedParamsOf<'runs.control'>): { ok: boolean };
  /**
   * Answers an approval as `by` (the signed-in person on a team server); with nobody signed in, as
   * the display name set in the settings, else the OS user. A team server's answer for a run on a
   * worker goes through the database.
   */
  decide(params: ParsedParamsOf<'runs.decide'>, by?: string): { ok: boolean } | Promise<{ ok: boolean }>;
  list(playbookId?: string): Promise<RunSummary[]>;
  get(runId: string): Promise<{ state: RunState; events: RunEvent[] }>;
  /** Runs of this host still going (running or paused), newest first, of one playbook when given. */
  active(playbookId?: string): RunSummary[];
  /** Run ids that are running in this host. */
  liveRunIds(): string[];
  /** Stops every live run and waits (a little) for their journals to close. */
  close(): Promise<void>;
}

interface LiveRun {
  handle: RunHandle;
  finished: Promise<void>;
}

/**
 * The second net behind the executor's redaction, for what goes to clients: the run's known
 * secrets and sensitive field names, exactly as the journal store blanks them, so the live view
 * and the history never disagree.
 */
export function createEventScrubber(secrets: readonly string[]): (event: RunEvent) => RunEvent {
  const scrub = createScrubber(secrets, true);
  return (event) => scrub(event, JSON.stringify(event));
}

/** Refuses node ids a playbook does not have, naming the field and the ids. */
export function checkNodeIds(field: string, ids: readonly string[], playbook: Playbook): void {
  const unknown = unknownNodeIds(ids, playbook);
  if (unknown.length > 0) throw new HostError('INVALID_PARAMS', `${field}: no node ${unknown.join(', ')} in playbook ${playbook.id}`);
}

/** Sub-playbooks by workspace id only: a playbook from the UI must not read arbitrary files. */
export function workspaceResolver(workspace: Pick<Workspace, 'runnablePlaybook'>): PlaybookResolver {
  return {
    load: async (ref) => {
      if (ref.includes('/') || ref.includes('\\') || ref.endsWith('.json')) {
        throw new Error(`sub-playbook ${JSON.stringify(ref)}: refer to workspace playbooks by id, not by path`);
      }
      return workspace.runnablePlaybook(ref).catch((err: unknown) => {
        throw new Error(`sub-playbook ${ref}: ${oneLineMessage(err)}`);
      });
    },
  };
}

/** The refusal of a start that would take the host past `max` live runs (`live` counts starts under way). */
function liveRunCapError(live: number, max: number): HostError | undefined {
  return live >= max ? new HostError('CONFLICT', `too many live runs (${max}): stop or finish one first`) : undefined;
}

/** The run manager over a workspace: live handles for control, the journal for history. */
export function createRunManager(options: RunManagerOptions): RunManager {
  const { workspace, journal } = options;
  const live = new Map<string, LiveRun>();
  let starting = 0;
  const summaries = new Map<string, { stamp: string; summary: RunSummary }>();
  const approver = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return undefined;
    }
  })();

  const liveHandle = (runId: string): RunHandle => {
    const run = live.get(runId);
    if (run === undefined) throw new HostError('NOT_FOUND', `run ${runId} is not running in this host`);
    return run.handle;
  };

  const previousRun = async (from: { runId: string; nodeId: string }, playbook: Playbook): Promise<RunState> => {
    if (!isSafeRunId(from.runId)) throw new HostError('INVALID_PARAMS', `from.runId: ${JSON.stringify(from.runId)} is not a run id`);
    // Clients hear `run.finished` before its journal is closed: a run that ended here is waited for, not refused.
    const ending = live.get(from.runId);
    if (ending !== undefined && !isOpenStatus(ending.handle.state().status)) await ending.finished;
    const stored = await journal.readRun(from.runId).catch((err: unknown) => {
      if (err instanceof JournalStoreError && err.code === 'RUN_NOT_FOUND') throw new HostError('NOT_FOUND', `from.runId: no run ${from.runId}`);
      throw err;
    });
    if (stored.state === undefined) throw new HostError('NOT_FOUND', `from.runId: run ${from.runId} has no run.started event`);
    if (stored.live) throw new HostError('CONFLICT', `from.runId: run ${from.runId} is still running; stop it first`);
    if (stored.state.playbookId !== playbook.id) {
      throw new HostError('INVALID_PARAMS', `from.runId: run ${from.runId} ran playbook ${stored.state.playbookId}, not ${playbook.id}`);
    }
    checkNodeIds('from.nodeId', [from.nodeId], playbook);
    return stored.state;
  };

  /** Runs a start holding a live-run slot (CONFLICT past the cap): starts under way count as live. */
  const withSlot = async <T>(task: () => Promise<T>): Promise<T> => {
    const refused = liveRunCapError(live.size + starting, options.maxLiveRuns ?? DEFAULT_MAX_LIVE_RUNS);
    if (refused !== undefined) throw refused;
    starting += 1;
    try {
      return await task();
    } finally {
      starting -= 1;
    }
  };

  /** A run's credentials and their secrets; a slot neither bound, pinned nor (in lab mode) the lab's is refused. */
  const runCredentials = (playbook: Playbook, labMode: boolean, pinned: ReadonlySet<string>): { credentials: RunOptions['credentials']; secrets: string[] } => {
    const sources = { bindings: workspace.bindings(playbook.id), bindingsOf: (id: string) => workspace.bindings(id), vault: options.vault, kinds: options.kinds, lab: options.lab, labMode };
    const unbound = workspaceSlotProblems(playbook, sources, pinned);
    if (unbound.length > 0) throw new HostError('INVALID_PARAMS', unbound.map((problem) => problem.message).join('; '));
    return { credentials: workspaceCredentials(sources), secrets: knownSecrets(sources) };
  };

  /** A run's egress policy: the workspace's allow list, the twins in lab mode, never this host's own ports. */
  const egressOf = (allow: readonly string[] | undefined, labMode: boolean): EgressPolicy =>
    runEgressPolicy({ allow: allow ?? [], twins: options.lab?.twins ?? [], labMode, ownPorts: [...(options.ownPorts ?? [])] });

  const start = (params: ParsedParamsOf<'runs.start'>): Promise<{ runId: string }> => withSlot(() => launch(params));

  const launch = async (params: ParsedParamsOf<'runs.start'>): Promise<{ runId: string }> => {
    const playbook = await workspace.runnablePlaybook(params.playbookId);
    checkNodeIds('breakpoints', params.breakpoints, playbook);
    checkNodeIds('pins', Object.keys(params.pins), playbook);
    const previous = params.from === undefined ? undefined : await previousRun(params.from, playbook);
    if (params.lab && options.lab === undefined) throw new HostError('INVALID_PARAMS', 'lab: the lab is not running (the host was started with --no-lab); bind the credential slots instead');
    const { credentials, secrets } = runCredentials(playbook, params.lab, new Set(Object.keys(params.pins)));
    const trigger = params.trigger !== undefined ? params.trigger : previous !== undefined ? previous.trigger : sampleEvent(playbook, options.registry);
    const settings = await readWorkspaceSettings(workspace.dir);
    const egress = egressOf(settings.egress?.allow, params.lab);

    const info: SavedRunInfo = { playbookFile: path.join(workspace.playbooksDir, playbookFileName(playbook.id)), playbook, dryRun: params.dryRun };
    if (previous !== undefined) info.fromRunId = previous.runId;
    if (params.lab) info.lab = true;
    const runOptions: Omit<RunOptions, 'runId' | 'journal'> = {
      playbook,
      registry: options.registry,
      trigger,
      mode: params.mode,
      breakpoints: params.breakpoints,
      dryRun: params.dryRun,
      pins: params.pins,
      credentials,
      lab: params.lab,
      egress,
      playbooks: workspaceResolver(workspace),
    };
    if (previous !== undefined && params.from !== undefined) runOptions.reuse = { previous, fromNodeId: params.from.nodeId };
    const { handle, journal: runJournal } = await startJournalledRun(journal, secrets, info, runOptions);
    live.set(handle.runId, { handle, finished: follow(handle, runJournal, createEventScrubber(secrets)) });
    return { runId: handle.runId };
  };

  const startTriggered = (params: TriggeredStart): Promise<{ runId: string; done: Promise<RunStatus> }> =>
    withSlot(async () => {
      const { playbook, previous } = params;
      const settings = await readWorkspaceSettings(workspace.dir);
      const labMode = settings.labMode && options.lab !== undefined;
      const { credentials, secrets } = runCredentials(playbook, labMode, new Set());
      const egress = egressOf(settings.egress?.allow, labMode);
      const info: SavedRunInfo = { playbookFile: params.playbookFile, playbook, dryRun: false };
      if (previous !== undefined) info.fromRunId = previous.runId;
      if (labMode) info.lab = true;
      const runOptions: Omit<RunOptions, 'runId' | 'journal'> = {
        playbook,
        registry: options.registry,
        trigger: params.trigger,
        mode: 'run',
        credentials,
        lab: labMode,
        egress,
        playbooks: workspaceResolver(workspace),
      };
      if (previous !== undefined) {
        runOptions.reuse = { previous, rerun: resumePlan(previous, playbook).rerun };
        runOptions.unknownOutcome = 'fail';
      }
      const { handle, journal: runJournal } = await startJournalledRun(journal, secrets, info, runOptions, params.runId);
      const finished = follow(handle, runJournal, createEventScrubber(secrets));
      live.set(handle.runId, { handle, finished });
      const done = finished.then(() => handle.done.then((state) => state.status, (): RunStatus => 'failed'));
      return { runId: handle.runId, done };
    });

  /**
   * Forwards a run's events to clients and closes its journal when it ends. Events wait until the
   * `runs.start` response is on its way, so a client always learns the run id before its events.
   */
  const follow = (handle: RunHandle, runJournal: RunJournal, scrub: (event: RunEvent) => RunEvent): Promise<void> => {
    let held: RunEvent[] | undefined = [];
    const forward = (event: RunEvent) => {
      try {
        options.onEvent(scrub(event));
      } catch {
        return;
      }
    };
    const unsubscribe = handle.subscribe((event) => (held === undefined ? forward(event) : held.push(event)));
    setImmediate(() => {
      const pending = held ?? [];
      held = undefined;
      pending.forEach(forward);
    });
    return handle.done
      .catch(() => undefined)
      .then(async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        unsubscribe();
        await runJournal.close().catch(() => undefined);
        live.delete(handle.runId);
      });
  };

  const summaryOf = async (runId: string): Promise<RunSummary | undefined> => {
    const running = live.get(runId);
    if (running !== undefined) return runSummaryOf(running.handle.state());
    const stamp = await journal.stamp(runId).catch(() => undefined);
    if (stamp === undefined) return undefined;
    const cached = summaries.get(runId);
    if (cached !== undefined && cached.stamp === stamp && !isOpen(cached.summary)) return cached.summary;
    const stored = await journal.readRun(runId).catch(() => undefined);
    if (stored?.state === undefined) return undefined;
    const summary = runSummaryOf(stored.state);
    summaries.set(runId, { stamp, summary });
    return summary;
  };

  return {
    start,
    startTriggered,
    freeSlots: () => {
      const free = (options.maxLiveRuns ?? DEFAULT_MAX_LIVE_RUNS) - live.size - starting;
      if (options.maxActiveRuns === undefined) return Math.max(0, free);
      let waiting = 0;
      for (const run of live.values()) if (waitsForApproval(run.handle.state())) waiting++;
      return Math.max(0, Math.min(free, options.maxActiveRuns - (live.size - waiting) - starting));
    },
    control(params) {
      const { debug } = liveHandle(params.runId);
      const paused = debug.inspect() !== undefined;
      switch (params.action) {
        case 'pause':
          debug.pause();
          return { ok: true };
        case 'stop':
          debug.stop('stopped by the analyst');
          return { ok: true };
        case 'breakpoints':
          debug.setBreakpoints(params.nodeIds);
          return { ok: true };
        case 'step':
          debug.step();
          return { ok: paused };
        case 'continue':
          debug.continue();
          return { ok: paused };
        case 'skip':
          debug.skip(params.output, params.port);
          return { ok: paused };
        case 'override':
          debug.override(params.input);
          return { ok: paused };
        case 'resend':
        case 'fail':
          return { ok: debug.resolveUnknown(params.action) };
        case 'mark-done':
          return { ok: debug.resolveUnknown('mark-done', params.output, params.port) };
      }
    },
    decide(params, by) {
      const decideAs = (who: string | undefined) => {
        if (options.decideElsewhere !== undefined && !live.has(params.runId)) return options.decideElsewhere(params, who ?? 'unknown');
        const { debug } = liveHandle(params.runId);
        return { ok: debug.decide(params.nodeId, params.decision, who, params.comment) };
      };
      if (by !== undefined) return decideAs(by);
      // Nobody signed in: the name the person set in the settings, else the OS account.
      return displayNameOf(workspace.dir).then((name) => decideAs(name ?? approver));
    },
    async list(playbookId) {
      const ids = new Set(await journal.runIds().catch(() => [] as string[]));
      for (const id of live.keys()) ids.add(id);
      const all = await Promise.all([...ids].map(summaryOf));
      return all.filter((s): s is RunSummary => s !== undefined && (playbookId === undefined || s.playbookId === playbookId)).sort(byNewest);
    },
    async get(runId) {
      if (!isSafeRunId(runId)) throw new HostError('INVALID_PARAMS', `runId: ${JSON.stringify(runId)} is not a run id`);
      const stored = await journal.readRun(runId).catch((err: unknown) => {
        if (err instanceof JournalStoreError && err.code === 'RUN_NOT_FOUND') throw new HostError('NOT_FOUND', `no run ${runId}`);
        throw err;
      });
      if (stored.state === undefined) throw new HostError('NOT_FOUND', `run ${runId} has no run.started event`);
      return { state: stored.state, events: stored.events };
    },
    active(playbookId) {
      const states = [...live.values()].map((run) => run.handle.state());
      const going = states.filter((state) => isOpenStatus(state.status) && (playbookId === undefined || state.playbookId === playbookId));
      return going.map(runSummaryOf).sort(byNewest);
    },
    liveRunIds: () => [...live.keys()],
    async close() {
      const runs = [...live.values()];
      for (const run of runs) run.handle.debug.stop('the host is shutting down');
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      await Promise.race([Promise.all(runs.map((r) => r.finished)), grace]);
      clearTimeout(timer);
    },
  };
}

/** The display name set in the workspace settings; a settings file that cannot be read leaves it unset rather than blocking the decision. */
async function displayNameOf(dir: string): Promise<string | undefined> {
  const settings = await readWorkspaceSettings(dir).catch(() => undefined);
  return settings?.displayName;
}

/** Whether a run waits for an approval nobody has answered yet. */
function waitsForApproval(state: RunState): boolean {
  for (const approval of Object.values(state.approvals)) if (approval.decision === undefined) return true;
  return false;
}

/** Summaries of runs still being written are never cached: another process may be writing them. */
function isOpen(summary: RunSummary): boolean {
  return isOpenStatus(summary.status);
}

/** Still going: running, or paused at a step or a breakpoint. */
function isOpenStatus(status: RunStatus): boolean {
  return status === 'running' || status === 'paused';
}
