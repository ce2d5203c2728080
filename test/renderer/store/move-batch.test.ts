import type { NodeChange } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createMoveBatch, setMoveScheduler } from '../../../renderer/store/move-batch.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';

const moveTo = (x: number): NodeChange<CanvasNode> => ({ id: 'start', type: 'position', position: { x, y: 0 }, dragging: true });

/** A batch whose scheduled flushes wait in `flushes` until the test runs them; `applied` logs each apply. */
function heldBatch() {
  const flushes: Array<() => void> = [];
  const applied: NodeChange<CanvasNode>[][] = [];
  setMoveScheduler((flush) => flushes.push(flush));
  return { flushes, applied, batch: createMoveBatch((changes) => applied.push(changes)) };
}

afterEach(() => setMoveScheduler(undefined));

describe('batched drag moves', () => {
  it('applies every move queued before the scheduled flush in one update', () => {
    const { flushes, applied, batch } = heldBatch();
    batch.add([moveTo(1)]);
    batch.add([moveTo(2)]);
    expect(flushes).toHaveLength(1);
    expect(applied).toEqual([]);
    flushes[0]?.();
    expect(applied).toEqual([[moveTo(1), moveTo(2)]]);
  });

  it('applies the queue at once on flush, and the scheduled flush then finds nothing', () => {
    const { flushes, applied, batch } = heldBatch();
    batch.add([moveTo(1)]);
    batch.flush();
    flushes[0]?.();
    expect(applied).toEqual([[moveTo(1)]]);
  });

  it('forgets dropped moves', () => {
    const { applied, batch } = heldBatch();
    batch.add([moveTo(1)]);
    batch.drop();
    batch.flush();
    expect(applied).toEqual([]);
  });
});
