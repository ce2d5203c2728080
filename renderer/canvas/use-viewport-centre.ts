import { useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { useStore } from '../store/index.ts';

/** About the size of a new node, so one added "at the centre" is centred, not hung from its corner. */
export const NEW_NODE_SIZE = { width: 220, height: 90 };

/**
 * The flow position where a new node should go so it shows in the middle of the canvas, moved
 * down-right while that spot is taken so repeated clicks do not stack nodes on one another.
 */
export function useViewportCentre(): () => { x: number; y: number } {
  const flow = useStoreApi();
  return useCallback(() => {
    const { width, height, transform } = flow.getState();
    const [tx, ty, zoom] = transform;
    let x = Math.round((width / 2 - tx) / zoom - NEW_NODE_SIZE.width / 2);
    let y = Math.round((height / 2 - ty) / zoom - NEW_NODE_SIZE.height / 2);
    const taken = new Set(useStore.getState().nodes.map((node) => `${node.position.x},${node.position.y}`));
    while (taken.has(`${x},${y}`)) {
      x += 30;
      y += 30;
    }
    return { x, y };
  }, [flow]);
}
