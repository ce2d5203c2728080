import { useRef } from 'react';
import type { CanvasNode } from '../store/types.ts';
import { namesMatch, nodeNames } from './edge-names.ts';

/** Node names by id, the same Map object for as long as no name changes (so a drag leaves the edges alone). */
export function useNodeNames(nodes: readonly CanvasNode[]): ReadonlyMap<string, string> {
  const names = useRef<Map<string, string> | undefined>(undefined);
  if (names.current === undefined || !namesMatch(nodes, names.current)) names.current = nodeNames(nodes);
  return names.current;
}
