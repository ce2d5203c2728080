import type { UiSlice } from './types.ts';

/** How the user picked a node on the canvas: a new one dropped or added from the palette, or one clicked. */
export type NodePick = 'added' | 'clicked';

/**
 * The side panel to show once the user picks a node: the Inspector, so the node's settings are
 * in view, except that a click keeps the Run panel, which shows the clicked node's input and
 * output in the run (a new node is in no run, so it opens the Inspector there too).
 */
export function panelAfterPick(panel: UiSlice['panel'], pick: NodePick): UiSlice['panel'] {
  return pick === 'clicked' && panel === 'run' ? 'run' : 'inspector';
}
