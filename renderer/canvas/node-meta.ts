import { createStore, useStore as useZustandStore } from 'zustand';
import { useStore } from '../store/index.ts';
import { unknownOutcomeNode } from '../store/run-slice.ts';
import type { AppState } from '../store/types.ts';

/**
 * What a canvas node reads besides its own data: run status, the LAB mark, problems, pins, the
 * catalogue, and which node (if any) the run is paused on as outcome unknown.
 */
export type NodeMeta = Pick<AppState, 'nodeStatus' | 'nodeLab' | 'problemsByNode' | 'pins' | 'actionsByType'> & { unknownOutcome: string | undefined };

function pick(state: AppState): NodeMeta {
  return {
    nodeStatus: state.nodeStatus,
    nodeLab: state.nodeLab,
    problemsByNode: state.problemsByNode,
    pins: state.pins,
    actionsByType: state.actionsByType,
    unknownOutcome: unknownOutcomeNode(state.run),
  };
}

/**
 * A mirror of those fields of the app store, updated only when one of them changes. Nodes
 * subscribe here instead of to the app store, whose node array changes on every drag frame: with
 * 1,000 nodes that is thousands of selector calls per frame saved, while a status change still
 * reaches each node through its own selector and re-renders only the nodes whose status changed.
 */
export const nodeMetaStore = createStore<NodeMeta>(() => pick(useStore.getState()));

useStore.subscribe((state) => {
  const meta = nodeMetaStore.getState();
  if (
    meta.nodeStatus !== state.nodeStatus ||
    meta.nodeLab !== state.nodeLab ||
    meta.problemsByNode !== state.problemsByNode ||
    meta.pins !== state.pins ||
    meta.actionsByType !== state.actionsByType ||
    meta.unknownOutcome !== unknownOutcomeNode(state.run)
  ) {
    nodeMetaStore.setState(pick(state), true);
  }
});

/** Reads the node mirror with a narrow selector, as `useStore` reads the app store. */
export function useNodeMeta<T>(selector: (meta: NodeMeta) => T): T {
  return useZustandStore(nodeMetaStore, selector);
}
