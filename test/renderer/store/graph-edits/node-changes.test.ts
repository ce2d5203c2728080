import type { NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { changesToApply, isDragMove, nextSelectedId, nodeChangeKinds, settleNodeChanges } from '../../../../renderer/store/graph-edits/node-changes.ts';
import type { CanvasNode } from '../../../../renderer/store/types.ts';
import { sampleGraph, withSelected } from './graph-fixture.ts';

type Change = NodeChange<CanvasNode>;

const move = (dragging: boolean | undefined, x = 10.6): Change => ({ id: 'start', type: 'position', position: { x, y: 0.2 }, dragging });

describe('sorting React Flow node changes', () => {
  it('tells pointer moves mid-drag apart from the rest, so only they are batched', () => {
    expect(isDragMove(move(true))).toBe(true);
    expect(isDragMove(move(false))).toBe(false);
    expect(isDragMove({ id: 'start', type: 'select', selected: true })).toBe(false);
  });

  it('ends a gesture on the drop or resize end, not while one is still under way in the same batch', () => {
    expect(nodeChangeKinds([move(false)])).toMatchObject({ gesture: false, gestureEnd: true });
    expect(nodeChangeKinds([move(false), move(true)])).toMatchObject({ gesture: true, gestureEnd: false });
    expect(nodeChangeKinds([{ id: 'start', type: 'dimensions', resizing: false, dimensions: { width: 1, height: 1 } }])).toMatchObject({ gestureEnd: true });
    expect(nodeChangeKinds([{ id: 'start', type: 'dimensions', dimensions: { width: 1, height: 1 } }])).toEqual({
      gesture: false,
      gestureEnd: false,
      structural: false,
      selection: false,
    });
  });

  it('counts selection and structural changes', () => {
    expect(nodeChangeKinds([{ id: 'start', type: 'select', selected: true }])).toMatchObject({ selection: true, structural: false });
    expect(nodeChangeKinds([{ id: 'start', type: 'remove' }])).toMatchObject({ structural: true });
  });

  it('lands positions on whole pixels where a gesture ends, and leaves mid-drag ones as they are', () => {
    const ended = [move(false)];
    expect(changesToApply(ended, nodeChangeKinds(ended))[0]).toMatchObject({ position: { x: 11, y: 0 } });
    const midway = [move(true)];
    expect(changesToApply(midway, nodeChangeKinds(midway))).toBe(midway);
  });
});

describe('settling applied node changes', () => {
  it('makes a removal one undo step that drops the edges of the removed node and clears the Inspector', () => {
    const graph = { ...sampleGraph(), selectedNodeId: 'route' };
    const changes: Change[] = [{ id: 'route', type: 'remove' }];
    const applied = graph.nodes.filter((node) => node.id !== 'route');
    const settled = settleNodeChanges(graph, changes, applied, nodeChangeKinds(changes));
    expect(settled.isStep).toBe(true);
    expect(settled.edit.edges?.map((edge) => edge.id)).toEqual(['e1']);
    expect(settled.edit.selectedNodeId).toBeUndefined();
  });

  it('shows a clicked playbook node in the Inspector and asks for the panel, without an undo step', () => {
    const graph = sampleGraph();
    const changes: Change[] = [{ id: 'ip_report', type: 'select', selected: true }];
    const applied = withSelected(graph, ['ip_report']).nodes;
    const settled = settleNodeChanges(graph, changes, applied, nodeChangeKinds(changes));
    expect(settled).toEqual({ edit: { nodes: applied, selectedNodeId: 'ip_report' }, isStep: false, picked: true });
  });

  it('makes the end of a drag one undo step that keeps the edges and the Inspector', () => {
    const graph = { ...sampleGraph(), selectedNodeId: 'route' };
    const changes = [move(false)];
    const settled = settleNodeChanges(graph, changes, graph.nodes, nodeChangeKinds(changes));
    expect(settled.isStep).toBe(true);
    expect(settled.edit.edges).toBeUndefined();
    expect(settled.edit.selectedNodeId).toBe('route');
  });
});

describe("the Inspector's node after changes", () => {
  const nodes = withSelected(sampleGraph(), ['start', 'route']).nodes;

  it('follows a click on a playbook node, not on a note', () => {
    expect(nextSelectedId('start', [{ id: 'route', type: 'select', selected: true }], nodes)).toBe('route');
    expect(nextSelectedId('start', [{ id: 'welcome', type: 'select', selected: true }], nodes)).toBe('start');
  });

  it('moves to another selected node when its own is deselected or removed', () => {
    expect(nextSelectedId('ip_report', [{ id: 'ip_report', type: 'select', selected: false }], nodes)).toBe('start');
    expect(nextSelectedId('ip_report', [{ id: 'ip_report', type: 'remove' }], sampleGraph().nodes)).toBeUndefined();
  });
});
