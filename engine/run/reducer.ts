import type { NodeStatus, RunEvent } from './events.ts';
import type { NodeRunState, RunState } from './types.ts';

/** The state of a run before its first event; `run.started` fills it in. */
function emptyState(event: RunEvent): RunState {
  return {
    runId: event.runId,
    playbookId: '',
    playbookName: '',
    revision: 0,
    mode: 'run',
    dryRun: false,
    status: 'running',
    trigger: undefined,
    startedAt: event.at,
    nodes: {},
    approvals: {},
    lastSeq: 0,
  };
}

function nodeOf(state: RunState, nodeId: string): NodeRunState {
  let node = state.nodes[nodeId];
  if (!node) {
    node = { status: 'idle', attempt: 0 };
    state.nodes[nodeId] = node;
  }
  return node;
}

/**
 * What a node's status becomes when its run ends with `run`. A node that never started (idle, or
 * paused before) is `not-run` after a failed or stopped run, so nobody reads it as still to come;
 * after a success it has nothing left to wait for either way and only drops its pause. Runs that
 * end without this event (killed: `interrupted`, see `recoverRun`) keep such nodes idle, since a
 * resume may still run them.
 */
export function endedStatus(node: NodeStatus, run: 'succeeded' | 'failed' | 'cancelled'): NodeStatus {
  if (node !== 'idle' && node !== 'paused') return node;
  return run === 'succeeded' ? 'idle' : 'not-run';
}

/**
 * Applies one event to `state` in place. The executor and the journal reader use it directly
 * (linear in the number of events); `reduceRun` wraps it for callers that need a new object.
 */
export function applyRunEvent(state: RunState, event: RunEvent): RunState {
  state.lastSeq = event.seq;
  switch (event.type) {
    case 'run.started': {
      state.playbookId = event.playbookId;
      state.playbookName = event.playbookName;
      state.revision = event.revision;
      state.mode = event.mode;
      state.dryRun = event.dryRun;
      state.trigger = event.trigger;
      state.startedAt = event.at;
      state.status = 'running';
      if (event.fromRunId !== undefined) state.fromRunId = event.fromRunId;
      if (event.lab === true) state.lab = true;
      if (event.keyRoot !== undefined) state.keyRoot = event.keyRoot;
      for (const id of event.nodeIds) nodeOf(state, id);
      break;
    }
    case 'node.started': {
      const node = nodeOf(state, event.nodeId);
      node.status = 'running';
      node.attempt = event.attempt;
      node.input = event.input;
      node.startedAt = event.at;
      if (node.error !== undefined) delete node.error;
      if (event.items !== undefined) node.progress = { done: 0, total: event.items };
      if (event.lab === true) node.lab = true;
      if (state.paused?.nodeId === event.nodeId) delete state.paused;
      break;
    }
    case 'node.progress': {
      const node = nodeOf(state, event.nodeId);
      node.progress = { done: event.done, total: event.total };
      if (event.index !== undefined) (node.itemOutputs ??= {})[event.index] = event.output;
      break;
    }
    case 'node.item.started':
      (nodeOf(state, event.nodeId).itemsSent ??= {})[event.index] = true;
      break;
    case 'node.retrying': {
      const node = nodeOf(state, event.nodeId);
      node.attempt = event.attempt + 1;
      node.error = event.error;
      break;
    }
    case 'node.succeeded': {
      const node = nodeOf(state, event.nodeId);
      node.status = event.simulated ? 'simulated' : event.source === 'user' ? 'skipped' : 'succeeded';
      if (node.itemOutputs !== undefined) delete node.itemOutputs;
      if (node.itemsSent !== undefined) delete node.itemsSent;
      node.attempt = event.attempt;
      node.output = event.output;
      node.port = event.port;
      node.finishedAt = event.at;
      node.durationMs = event.durationMs;
      if (event.source !== undefined) node.source = event.source;
      if (event.input !== undefined) node.input = event.input;
      if (event.lab === true) node.lab = true;
      if (node.error !== undefined) delete node.error;
      state.lastCompletedNodeId = event.nodeId;
      if (state.paused?.nodeId === event.nodeId) delete state.paused;
      break;
    }
    case 'node.failed': {
      const node = nodeOf(state, event.nodeId);
      node.status = 'failed';
      node.attempt = event.attempt;
      node.error = event.error;
      node.finishedAt = event.at;
      node.durationMs = event.durationMs;
      if (event.input !== undefined) node.input = event.input;
      if (event.lab === true) node.lab = true;
      if (event.handled) node.port = 'error';
      state.lastCompletedNodeId = event.nodeId;
      break;
    }
    case 'node.skipped': {
      const node = nodeOf(state, event.nodeId);
      node.status = 'skipped';
      node.finishedAt = event.at;
      state.lastCompletedNodeId = event.nodeId;
      if (state.paused?.nodeId === event.nodeId) delete state.paused;
      break;
    }
    case 'node.log':
      break;
    case 'run.paused':
      state.status = 'paused';
      state.paused = { nodeId: event.nodeId, reason: event.reason, input: event.input };
      nodeOf(state, event.nodeId).status = 'paused';
      nodeOf(state, event.nodeId).input = event.input;
      break;
    case 'run.resumed': {
      state.status = 'running';
      const node = nodeOf(state, event.nodeId);
      if (node.status === 'paused') node.status = 'idle';
      delete state.paused;
      break;
    }
    case 'approval.requested':
      state.approvals[event.nodeId] = { prompt: event.prompt, expiresAt: event.expiresAt, ...(event.evidence ? { evidence: event.evidence } : {}) };
      break;
    case 'approval.decided': {
      const approval = state.approvals[event.nodeId];
      if (approval) Object.assign(approval, { decision: event.decision }, event.by ? { by: event.by } : {}, event.comment ? { comment: event.comment } : {});
      break;
    }
    case 'run.finished':
      state.status = event.status;
      state.finishedAt = event.at;
      state.durationMs = event.durationMs;
      delete state.paused;
      // A new object, not a change in place: reduceRun's previous state still holds the old one.
      for (const [id, node] of Object.entries(state.nodes)) {
        const status = endedStatus(node.status, event.status);
        if (status !== node.status) state.nodes[id] = { ...node, status };
      }
      if (event.error !== undefined) state.error = event.error;
      if (event.output !== undefined) state.output = event.output;
      break;
  }
  return state;
}

/** Pure reducer: a new state from `state` and one event (the UI uses this one). */
export function reduceRun(state: RunState | undefined, event: RunEvent): RunState {
  return reduceRunEvents(state, [event])!;
}

/**
 * `reduceRun` over a batch: the maps are copied once and each node or approval the first time an
 * event touches it (events change those in place), so a batch costs its own size rather than its
 * size times the run's, and the result shares nothing mutable with `state`.
 */
export function reduceRunEvents(state: RunState | undefined, events: readonly RunEvent[]): RunState | undefined {
  if (events.length === 0) return state;
  if (!state) return replayRun(events);
  const next: RunState = { ...state, nodes: { ...state.nodes }, approvals: { ...state.approvals } };
  const touched = new Set<string>();
  for (const event of events) {
    const nodeId = 'nodeId' in event ? event.nodeId : undefined;
    if (nodeId !== undefined && !touched.has(nodeId)) {
      touched.add(nodeId);
      const node = next.nodes[nodeId];
      if (node) next.nodes[nodeId] = copyNode(node);
      const approval = next.approvals[nodeId];
      if (approval) next.approvals[nodeId] = { ...approval };
    }
    applyRunEvent(next, event);
  }
  return next;
}

/** A node's state copied deep enough that events may change the copy in place. */
function copyNode(node: NodeRunState): NodeRunState {
  const copy = { ...node };
  if (node.itemOutputs !== undefined) copy.itemOutputs = { ...node.itemOutputs };
  if (node.itemsSent !== undefined) copy.itemsSent = { ...node.itemsSent };
  return copy;
}

/** Rebuilds a run's state from its journal; undefined for an empty journal. */
export function replayRun(events: readonly RunEvent[]): RunState | undefined {
  const first = events[0];
  if (!first) return undefined;
  const state = emptyState(first);
  for (const event of events) applyRunEvent(state, event);
  return state;
}

/** A fresh state for a run about to start (the executor mutates it as it emits). */
export function initialRunState(event: RunEvent): RunState {
  return applyRunEvent(emptyState(event), event);
}
