import type { ReactFlowState } from '@xyflow/react';

/**
 * Semantic zoom: when the detailed node's text would be too small to read, every node draws as
 * a simplified block with its name in large type. The thresholds come from type sizes, so a
 * change to the canvas CSS changes them in one place.
 */

/** The smallest text, in screen pixels, an analyst reads without leaning in (issue 14). */
export const MIN_LEGIBLE_PX = 11;
/** Font size of a detailed node's name (`.sb-node-name`: the body's 14 px). */
export const DETAIL_LABEL_PX = 14;
/** Down to this zoom the simplified node's name stays legible; below it the graph is a map. */
export const LABELLED_MIN_ZOOM = 0.35;

/** The zoom below which `labelPx` text reads smaller than `legiblePx` on screen. */
export function legibleFromZoom(labelPx: number, legiblePx: number = MIN_LEGIBLE_PX): number {
  if (!(labelPx > 0)) throw new Error(`labelPx must be a positive font size, got ${labelPx}`);
  return legiblePx / labelPx;
}

/** Below this zoom nodes draw simplified: a detailed name would read under MIN_LEGIBLE_PX. */
export const SIMPLIFIED_BELOW_ZOOM = legibleFromZoom(DETAIL_LABEL_PX);

/**
 * Font size of the simplified node's name: large enough to read MIN_LEGIBLE_PX on screen at
 * every zoom from SIMPLIFIED_BELOW_ZOOM down to `lowestZoom` (rounded up to a whole pixel).
 */
export function simplifiedLabelPx(lowestZoom: number = LABELLED_MIN_ZOOM, legiblePx: number = MIN_LEGIBLE_PX): number {
  if (!(lowestZoom > 0)) throw new Error(`lowestZoom must be above 0, got ${lowestZoom}`);
  return Math.ceil(legiblePx / lowestZoom);
}

/** Whether nodes draw simplified at `zoom`. */
export function drawsSimplified(zoom: number): boolean {
  return zoom < SIMPLIFIED_BELOW_ZOOM;
}

/**
 * React Flow store selector for `useStore`: a boolean, so a component using it re-renders only
 * when the zoom crosses the threshold, not on every zoom or pan frame.
 */
export const isZoomedFar = (state: ReactFlowState): boolean => drawsSimplified(state.transform[2]);
