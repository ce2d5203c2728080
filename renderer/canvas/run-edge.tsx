import { BezierEdge } from '@xyflow/react';
import type { EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { createStore, useStore as useZustandStore } from 'zustand';
import { useStore } from '../store/index.ts';
import type { EdgeRun } from '../store/replay-edges.ts';
import type { CanvasEdge } from '../store/types.ts';

/**
 * A mirror of the shown run's edge states, updated only when they change. Edges read it instead
 * of the app store, whose node array changes on every drag frame (as nodes read `node-meta.ts`).
 */
const edgeRunStore = createStore<{ edgeRun: Record<string, EdgeRun> }>(() => ({ edgeRun: useStore.getState().edgeRun }));

useStore.subscribe((state) => {
  if (edgeRunStore.getState().edgeRun !== state.edgeRun) edgeRunStore.setState({ edgeRun: state.edgeRun }, true);
});

/** How many items a forEach node sent along an edge, as the edge's label says it. */
export function itemsLabel(items: number): string {
  return items === 1 ? '1 item' : `${items} items`;
}

const LABEL_PADDING: [number, number] = [4, 2];

/**
 * Every canvas edge: drawn as React Flow's default edge until the shown run settles its source,
 * then marked taken (emphasised) or dead (dimmed), with an item count out of forEach nodes.
 * Only edges whose own state changed re-render.
 */
export const RunEdge = memo(function RunEdge(props: EdgeProps<CanvasEdge>) {
  const run = useZustandStore(edgeRunStore, (state) => state.edgeRun[props.id]);
  if (run === undefined) return <BezierEdge {...props} />;
  const label = run.state === 'taken' && run.items !== undefined ? itemsLabel(run.items) : props.label;
  return (
    <g className={`sb-edge-run sb-edge-${run.state}`} data-run={run.state} data-edge-id={props.id}>
      <BezierEdge {...props} label={label} labelShowBg labelBgPadding={LABEL_PADDING} labelBgBorderRadius={4} labelBgStyle={{ fill: 'var(--sb-surface)' }} />
    </g>
  );
});
