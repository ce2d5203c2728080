import type { NodeChange } from '@xyflow/react';
import type { CanvasNode } from './types.ts';

/** Runs `flush` once, soon; tests inject one that runs at once. */
export type MoveScheduler = (flush: () => void) => void;

/**
 * Drag moves are applied in a task of their own right after the pointer events, as React does
 * with its own continuous updates: the browser can paint the previous frame meanwhile instead of
 * fitting the whole update and the paint into one frame.
 */
const nextTask: MoveScheduler = (flush) => {
  setTimeout(flush, 0);
};

let scheduleMove: MoveScheduler = nextTask;

/**
 * Replaces how drag moves are batched (undefined restores the default). Tests pass
 * `(flush) => flush()` to see every move at once.
 */
export function setMoveScheduler(scheduler: MoveScheduler | undefined): void {
  scheduleMove = scheduler ?? nextTask;
}

/** Drag moves waiting to be applied together. */
export interface MoveBatch {
  /** Queues moves; the first of a batch schedules one `apply` of all of them. */
  add(changes: readonly NodeChange<CanvasNode>[]): void;
  /** Applies the queued moves now (before a change that must see them). */
  flush(): void;
  /** Forgets the queued moves (the graph they moved was replaced). */
  drop(): void;
}

/**
 * Drag moves applied together in one update, however many pointer events arrive first: only the
 * latest position will show, so applying each would only cost frames.
 */
export function createMoveBatch(apply: (changes: NodeChange<CanvasNode>[]) => void): MoveBatch {
  let pending: NodeChange<CanvasNode>[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const changes = pending;
    pending = [];
    apply(changes);
  };
  return {
    add(changes) {
      pending.push(...changes);
      if (scheduled) return;
      scheduled = true;
      scheduleMove(flush);
    },
    flush,
    drop() {
      pending = [];
    },
  };
}
