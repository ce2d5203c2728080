import type { StateCreator } from 'zustand';
import { recoverRun } from '../../engine/journal/recovery.ts';
import { reduceRunEvents, replayRun } from '../../engine/run/reducer.ts';
import type { NodeStatus, RunEvent, RunStatus } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';
import { rpc } from '../rpc/index.ts';
import { deriveEdgeRun, updateEdgeRun, type EdgeRun } from './replay-edges.ts';
import { clampCursor, runAt } from './replay.ts';
import type { AppState, CanvasEdge, CanvasNode, RunSlice } from './types.ts';

/** How many recent events the timeline keeps: enough to read a run, bounded for a 1,000-node one. */
export const TIMELINE_LIMIT = 500;
/** Events kept for runs not shown yet (a run's first events can beat the `runs.start` answer). */
const PENDING_LIMIT = 2_000;

/** Calls `flush` once before the next paint; tests inject one that runs at once or on demand. */
export type FrameScheduler = (flush: () => void) => void;

const animationFrame: FrameScheduler = (flush) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
};

let scheduleFrame: FrameScheduler = animationFrame;

/** Replaces the per-frame scheduler (undefined restores requestAnimationFrame). */
export function setFrameScheduler(scheduler: FrameScheduler | undefined): void {
  scheduleFrame = scheduler ?? animationFrame;
}

/** A run that can still change: the Run buttons wait for it to end. */
export function isLive(status: RunStatus | undefined): boolean {
  return status === 'running' || status === 'paused';
}

/**
 * The run the controls act on: a replayed run as it ended, not as the scrubber shows it (a past
 * moment of a finished run may read `running` or `paused`, but nothing in it can be acted on).
 */
export function actionableRun(state: Pick<AppState, 'run' | 'replay'>): RunState | undefined {
  return state.replay?.end ?? state.run;
}

/** Whether the scrubber shows a moment before a finished run's end. */
export function showsPastMoment(state: Pick<AppState, 'replay'>): boolean {
  return state.replay !== undefined && state.replay.cursor < state.replay.events.length;
}

/**
 * The node `run` is paused on as `unknown-outcome`: a write an earlier run sent without recording
 * its answer, which only the analyst's send again / mark done / fail can release.
 */
export function unknownOutcomeNode(run: RunState | undefined): string | undefined {
  return run?.paused?.reason === 'unknown-outcome' ? run.paused.nodeId : undefined;
}

/**
 * Node statuses of `run`, reusing `previous` (the same object) when no status changed, so a
 * canvas node subscribed to its own status re-renders only when that status changes.
 */
export function deriveNodeStatus(previous: Record<string, NodeStatus>, run: RunState | undefined): Record<string, NodeStatus> {
  const next: Record<string, NodeStatus> = {};
  let changed = false;
  let count = 0;
  for (const [id, node] of Object.entries(run?.nodes ?? {})) {
    if (node.status === 'idle') continue;
    next[id] = node.status;
    count++;
    if (previous[id] !== node.status) changed = true;
  }
  if (!changed && count === Object.keys(previous).length) return previous;
  return next;
}

/**
 * The nodes of `run` that called a lab twin, reusing `previous` (the same object) when none was
 * added or removed, so only the nodes whose LAB badge changes re-render.
 */
function deriveNodeLab(previous: Record<string, true>, run: RunState | undefined): Record<string, true> {
  const next: Record<string, true> = {};
  let count = 0;
  let changed = false;
  for (const [id, node] of Object.entries(run?.nodes ?? {})) {
    if (node.lab !== true) continue;
    next[id] = true;
    count++;
    if (previous[id] !== true) changed = true;
  }
  if (!changed && count === Object.keys(previous).length) return previous;
  return next;
}

/** Appends `events` to `timeline`, keeping the last TIMELINE_LIMIT. */
export function appendTimeline(timeline: RunEvent[], events: readonly RunEvent[]): RunEvent[] {
  if (events.length === 0) return timeline;
  const joined = timeline.concat(events);
  return joined.length > TIMELINE_LIMIT ? joined.slice(joined.length - TIMELINE_LIMIT) : joined;
}

/** Reduces `events` of one run onto `run` with the engine's reducer, ignoring ones already applied. */
export function applyEvents(run: RunState | undefined, events: readonly RunEvent[]): { run: RunState | undefined; applied: RunEvent[] } {
  const applied: RunEvent[] = [];
  let lastSeq = run?.lastSeq;
  for (const event of events) {
    if (lastSeq !== undefined && event.seq <= lastSeq) continue;
    applied.push(event);
    lastSeq = event.seq;
  }
  return { run: reduceRunEvents(run, applied), applied };
}

function breakpointsOf(nodes: readonly CanvasNode[]): string[] {
  const ids: string[] = [];
  for (const node of nodes) if (node.type === 'playbook' && node.data.node.breakpoint === true) ids.push(node.id);
  return ids;
}

/** The switched-off nodes of each canvas node array, found once per array. */
const disabledCache = new WeakMap<readonly CanvasNode[], Set<string>>();

function disabledOf(nodes: readonly CanvasNode[]): (nodeId: string) => boolean {
  let disabled = disabledCache.get(nodes);
  if (disabled === undefined) {
    disabled = new Set();
    for (const node of nodes) if (node.type === 'playbook' && node.data.node.disabled === true) disabled.add(node.id);
    disabledCache.set(nodes, disabled);
  }
  const set = disabled;
  return (nodeId) => set.has(nodeId);
}

/** Edge run states of `run` on the canvas of `state`, reusing `previous` where nothing changed. */
function edgeRunOn(state: Pick<AppState, 'edges' | 'nodes'>, previous: Record<string, EdgeRun>, run: RunState | undefined): Record<string, EdgeRun> {
  return deriveEdgeRun(previous, state.edges, run, disabledOf(state.nodes));
}

/** The nodes `events` concern, whose outgoing edges may have changed state. */
function nodesOf(events: readonly RunEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) if ('nodeId' in event) ids.add(event.nodeId);
  return ids;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.endsWith('.') ? text : `${text}.`;
}

const IDLE: Pick<RunSlice, 'runId' | 'run' | 'nodeStatus' | 'nodeLab' | 'timeline' | 'edgeRun' | 'replay'> = {
  runId: undefined,
  run: undefined,
  nodeStatus: {},
  nodeLab: {},
  timeline: [],
  edgeRun: {},
  replay: undefined,
};

/**
 * The run shown on the canvas. Host events are buffered and applied once per animation frame
 * with the engine's own reducer, so the canvas shows exactly the state the host journals.
 */
export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set, get, api) => {
  let queue: RunEvent[] = [];
  let scheduled = false;
  const pending = new Map<string, RunEvent[]>();
  let pendingCount = 0;
  let unsubscribe: (() => void) | undefined;
  /** Counts `openRun` calls: an answer to an older one (or a re-attach begun before it) is dropped. */
  let openTicket = 0;
  /** The edges the live run's `edgeRun` was last derived over in full; while they stay, frames update only touched nodes' edges. */
  let edgesDerived: readonly CanvasEdge[] | undefined;

  function stash(event: RunEvent): void {
    const list = pending.get(event.runId);
    if (list) list.push(event);
    else pending.set(event.runId, [event]);
    pendingCount++;
    while (pendingCount > PENDING_LIMIT) {
      const [oldest, events] = pending.entries().next().value as [string, RunEvent[]];
      pending.delete(oldest);
      pendingCount -= events.length;
    }
  }

  function takePending(runId: string): RunEvent[] {
    const events = pending.get(runId) ?? [];
    pending.delete(runId);
    pendingCount -= events.length;
    return events;
  }

  /**
   * A run started elsewhere (a webhook, another window) for the open playbook while nothing live
   * is shown. `shown` is asked last, as it may first have to apply the events gathered so far.
   */
  function adopts(event: RunEvent, shown: () => RunState | undefined): boolean {
    return (
      event.type === 'run.started' &&
      event.parentRunId === undefined &&
      event.playbookId === get().playbook?.id &&
      !isLive(shown()?.status)
    );
  }

  function flush(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    const state = get();
    let runId = state.runId;
    let run = state.run;
    let timeline = state.timeline;
    let nodeStatus = state.nodeStatus;
    let nodeLab = state.nodeLab;
    let edgeRun = state.edgeRun;
    const applied: RunEvent[] = [];
    // The shown run's events are reduced a group at a time, each group as late as it can be.
    let group: RunEvent[] = [];
    const settle = (): RunState | undefined => {
      if (group.length > 0) {
        const result = applyEvents(run, group);
        run = result.run;
        applied.push(...result.applied);
        group = [];
      }
      return run;
    };
    for (const event of batch) {
      if (event.runId !== runId) {
        if (!adopts(event, settle)) {
          stash(event);
          continue;
        }
        runId = event.runId;
        run = undefined;
        timeline = [];
        nodeStatus = {};
        nodeLab = {};
        edgeRun = {};
        applied.length = 0;
      }
      group.push(event);
    }
    settle();
    if (runId === state.runId && applied.length === 0) return;
    const wasLive = isLive(state.run?.status);
    set({
      runId,
      run,
      timeline: appendTimeline(timeline, applied),
      nodeStatus: deriveNodeStatus(nodeStatus, run),
      nodeLab: deriveNodeLab(nodeLab, run),
      edgeRun: liveEdgeRun(state, edgeRun, run, runId === state.runId ? applied : undefined),
      ...(runId === state.runId ? {} : { replay: undefined }),
    });
    if (wasLive && run !== undefined && !isLive(run.status)) {
      get().refreshRuns().catch(() => undefined);
      if (runId !== undefined) void loadReplay(runId);
    }
  }

  /**
   * The live run's edge states after a frame: only the edges leaving the nodes of `applied` when
   * the canvas edges are the ones last derived over, else all of them (`applied` undefined: a new run).
   */
  function liveEdgeRun(state: AppState, previous: Record<string, EdgeRun>, run: RunState | undefined, applied: RunEvent[] | undefined): Record<string, EdgeRun> {
    if (run === undefined || applied === undefined || edgesDerived !== state.edges) {
      edgesDerived = state.edges;
      return edgeRunOn(state, previous, run);
    }
    return updateEdgeRun(previous, state.edges, run, disabledOf(state.nodes), nodesOf(applied));
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    scheduleFrame(flush);
  }

  /** Shows `runId` from now on, with whatever of its events already arrived. */
  function show(runId: string): void {
    if (get().runId !== runId) set({ ...IDLE, runId });
    const early = takePending(runId);
    if (early.length > 0) {
      queue = early.concat(queue);
      schedule();
    }
  }

  /**
   * Reads the whole journal of a run that just finished, so the scrubber can step through it (the
   * timeline keeps only the last events). Quiet: the run is already shown as it ended.
   */
  async function loadReplay(runId: string): Promise<void> {
    const ticket = openTicket;
    try {
      const { state, events } = await rpc.call('runs.get', { runId });
      if (ticket !== openTicket || get().runId !== runId || get().replay !== undefined || isLive(state.status)) return;
      const end = get().run;
      if (end !== undefined) set({ replay: { events, cursor: events.length, end } });
    } catch {
      // The scrubber stays hidden; reopening the run from History reads the journal again.
    }
  }

  /** Reads a run's journal and shows it: live runs go on from their last event, finished ones can be replayed. */
  async function showJournal(runId: string, ticket: number): Promise<boolean> {
    const { state, events } = await rpc.call('runs.get', { runId });
    if (ticket !== openTicket) return false;
    if (state.playbookId !== get().playbook?.id) {
      if (get().dirty && !(await get().confirm('Opening this run opens its playbook and discards your unsaved changes.', 'Discard and open'))) return false;
      await get().openPlaybook(state.playbookId);
      if (ticket !== openTicket) return false;
    }
    const replayed = replayRun(events) ?? state;
    const live = applyEvents(replayed, takePending(runId)).run ?? replayed;
    const run = state.status === 'interrupted' ? recoverRun(live) : live;
    set({
      runId,
      run,
      nodeStatus: deriveNodeStatus({}, run),
      nodeLab: deriveNodeLab({}, run),
      edgeRun: edgeRunOn(get(), {}, run),
      timeline: appendTimeline([], events),
      replay: isLive(run.status) ? undefined : { events, cursor: events.length, end: run },
    });
    return true;
  }

  /** After the link to the host came back: events sent meanwhile were lost, so read the shown live run again. */
  function resync(): void {
    const { runId, run } = get();
    if (runId !== undefined && isLive(run?.status)) {
      openTicket++;
      showJournal(runId, openTicket).catch(() => undefined);
    } else {
      get().reattach().catch(() => undefined);
    }
  }

  async function send(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      get().notify('error', `Could not ${what}: ${messageOf(error)}`);
    }
  }

  /** Follows the host's run events and, after a lost link, catches up. Idempotent; true when it just started. */
  function listen(): boolean {
    if (unsubscribe !== undefined) return false;
    const off = rpc.on('run.event', (event) => get().receive(event));
    let wasOpen = rpc.state === 'open';
    const offState = rpc.onState((connection) => {
      const reopened = connection === 'open' && !wasOpen;
      wasOpen = connection === 'open';
      if (reopened) resync();
    });
    unsubscribe = () => {
      off();
      offState();
      unsubscribe = undefined;
    };
    return true;
  }

  // Pins and the shown run belong to one playbook: opening another forgets them. While the editor
  // follows run events, a playbook opened with a run of it still going (after a reload) shows that run.
  api.subscribe((state, previous) => {
    if (state.playbook?.id === previous.playbook?.id) return;
    const patch: Partial<RunSlice> = { pins: {} };
    if (state.run !== undefined && state.run.playbookId !== state.playbook?.id) Object.assign(patch, IDLE);
    set(patch);
    if (state.playbook !== undefined && unsubscribe !== undefined) get().reattach().catch(() => undefined);
  });

  return {
    ...IDLE,
    pins: {},
    starting: false,

    initRunEvents() {
      // The editor starting (or its panels mounting after the playbook opened): attach to a run still going.
      if (listen()) get().reattach().catch(() => undefined);
      return unsubscribe!;
    },

    receive(event) {
      queue.push(event);
      schedule();
    },

    async startRun({ mode, dryRun, trigger, from }) {
      if (get().starting) return;
      listen();
      if (get().playbook === undefined) {
        get().notify('error', 'Open a playbook before running it.');
        return;
      }
      set({ starting: true });
      try {
        if (get().dirty) await get().save();
        const { playbook, dirty, nodes, pins } = get();
        // A failed save has already said why; running the old file instead would surprise.
        if (playbook === undefined || dirty) return;
        const ids = new Set(nodes.map((node) => node.id));
        const livePins = Object.fromEntries(Object.entries(pins).filter(([id]) => ids.has(id)));
        const { runId } = await rpc.call('runs.start', {
          playbookId: playbook.id,
          mode,
          dryRun,
          breakpoints: breakpointsOf(nodes),
          pins: livePins,
          lab: get().labMode,
          ...(trigger === undefined ? {} : { trigger }),
          ...(from === undefined ? {} : { from }),
        });
        show(runId);
        get().setPanel('run');
      } catch (error) {
        get().notify('error', `The run could not start: ${messageOf(error)}`);
      } finally {
        set({ starting: false });
      }
    },

    async control(action) {
      const runId = get().runId;
      if (runId === undefined) return;
      await send(`${action} the run`, () => rpc.call('runs.control', { runId, action }));
    },

    async skip(output, port) {
      const runId = get().runId;
      if (runId === undefined) return;
      await send('skip the node', () =>
        rpc.call('runs.control', {
          runId,
          action: 'skip',
          ...(output === undefined ? {} : { output }),
          ...(port === undefined ? {} : { port }),
        }),
      );
    },

    async override(input) {
      const runId = get().runId;
      if (runId === undefined) return;
      await send('override the input', () => rpc.call('runs.control', { runId, action: 'override', input }));
    },

    async resolveUnknown(choice, output, port) {
      const runId = get().runId;
      if (runId === undefined) return;
      if (choice !== 'mark-done') {
        await send(choice === 'resend' ? 'send the request again' : 'fail the node', () => rpc.call('runs.control', { runId, action: choice }));
        return;
      }
      await send('mark the node done', () =>
        rpc.call('runs.control', {
          runId,
          action: 'mark-done',
          ...(output === undefined ? {} : { output }),
          ...(port === undefined ? {} : { port }),
        }),
      );
    },

    async decide(nodeId, decision, comment) {
      const runId = get().runId;
      if (runId === undefined) return;
      await send(`record the ${decision === 'approved' ? 'approval' : 'rejection'}`, () =>
        rpc.call('runs.decide', { runId, nodeId, decision, ...(comment === undefined ? {} : { comment }) }),
      );
    },

    async openRun(runId) {
      listen();
      const ticket = ++openTicket;
      try {
        if (await showJournal(runId, ticket)) get().setPanel('run');
      } catch (error) {
        get().notify('error', `The run could not be opened: ${messageOf(error)}`);
      }
    },

    scrubTo(cursor) {
      const replay = get().replay;
      if (replay === undefined) return;
      const at = clampCursor(cursor, replay.events.length);
      if (at === replay.cursor) return;
      const run = runAt(replay, at);
      const state = get();
      set({
        replay: { ...replay, cursor: at },
        run,
        nodeStatus: deriveNodeStatus(state.nodeStatus, run),
        nodeLab: deriveNodeLab(state.nodeLab, run),
        edgeRun: edgeRunOn(state, state.edgeRun, run),
        timeline: appendTimeline([], replay.events.slice(0, at)),
      });
    },

    async reattach() {
      const playbookId = get().playbook?.id;
      if (playbookId === undefined || get().runId !== undefined) return;
      listen();
      const ticket = openTicket;
      const { runs } = await rpc.call('runs.active', { playbookId });
      const newest = runs[0];
      if (newest === undefined || ticket !== openTicket || get().playbook?.id !== playbookId || get().runId !== undefined) return;
      await get().openRun(newest.runId);
    },

    clearRun() {
      set(IDLE);
    },

    pin(nodeId, output, port) {
      const recorded = get().run?.nodes[nodeId];
      const value = output === undefined ? recorded?.output : output;
      if (value === undefined) {
        get().notify('error', `Node ${nodeId} has no output to pin yet: run it first or enter one.`);
        return;
      }
      const chosenPort = port ?? (output === undefined ? recorded?.port : undefined);
      const entry = chosenPort === undefined ? { output: value } : { output: value, port: chosenPort };
      set({ pins: { ...get().pins, [nodeId]: entry } });
    },

    unpin(nodeId) {
      const { [nodeId]: _removed, ...rest } = get().pins;
      set({ pins: rest });
    },

    async syncBreakpoints() {
      const { runId, run, nodes } = get();
      if (runId === undefined || !isLive(run?.status)) return;
      await send('update the breakpoints', () => rpc.call('runs.control', { runId, action: 'breakpoints', nodeIds: breakpointsOf(nodes) }));
    },
  };
};
