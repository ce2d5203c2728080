import type { FinalConnectionState, HandleType, OnConnectEnd } from '@xyflow/react';
import { useStore } from '../store/index.ts';
import { dragRefusal } from './connection-rules.ts';
import type { ConnectionEnd } from './connection-rules.ts';

/**
 * React Flow's isValidConnection only turns a refused drop red; this says why, in a polite
 * notice (role="status"), when a drag ends on a handle or a node that cannot take it.
 */
export const explainRefusedConnection: OnConnectEnd = (event, state) => {
  const { from, to } = endsOf(state, nodeUnder(event));
  if (from === undefined || to === undefined) return;
  const store = useStore.getState();
  const refusal = dragRefusal(store, from, to);
  if (refusal !== undefined) store.notify('info', refusal);
};

/**
 * The two ends of a drag that did not connect: the handle it ended on or, for an output dropped
 * on a node's body (a trigger has no input handle to drop on), that node's input.
 */
export function endsOf(state: Pick<FinalConnectionState, 'isValid' | 'fromHandle' | 'toHandle'>, bodyNodeId: string | undefined): { from?: ConnectionEnd; to?: ConnectionEnd } {
  if (state.isValid === true || state.fromHandle === null) return {};
  const from = endOf(state.fromHandle.nodeId, state.fromHandle.type, state.fromHandle.id);
  if (state.toHandle !== null) return { from, to: endOf(state.toHandle.nodeId, state.toHandle.type, state.toHandle.id) };
  if (bodyNodeId === undefined || bodyNodeId === from.nodeId || from.handleType !== 'source') return { from };
  return { from, to: { nodeId: bodyNodeId, handleType: 'target' } };
}

function endOf(nodeId: string, handleType: HandleType, id: string | null | undefined): ConnectionEnd {
  return { nodeId, handleType, port: id ?? null };
}

/** The canvas node under the pointer where the drag ended, if any. */
function nodeUnder(event: MouseEvent | TouchEvent): string | undefined {
  const point = 'changedTouches' in event ? event.changedTouches[0] : event;
  if (point === undefined) return undefined;
  const element = document.elementFromPoint(point.clientX, point.clientY);
  return element?.closest('.react-flow__node')?.getAttribute('data-id') ?? undefined;
}
