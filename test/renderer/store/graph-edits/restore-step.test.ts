import { describe, expect, it } from 'vitest';
import { restoredGraph } from '../../../../renderer/store/graph-edits/restore-step.ts';
import { nodeById, sampleGraph, selectedIds, withSelected } from './graph-fixture.ts';

describe('the graph an undo or redo step shows', () => {
  it('keeps sizes measured since the step, so restored nodes are not drawn unmeasured', () => {
    const step = sampleGraph();
    const current = { ...step, nodes: step.nodes.map((node) => ({ ...node, measured: { width: 240, height: 80 } })) };
    const restored = restoredGraph(current, { ...step, seq: 1 });
    expect(nodeById(restored.nodes, 'route')?.measured).toEqual({ width: 240, height: 80 });
  });

  it("keeps the playbook's current revision: the file on disk has not gone back", () => {
    const step = sampleGraph();
    const current = { ...step, playbook: { ...step.playbook!, revision: 9 } };
    const restored = restoredGraph(current, { ...step, playbook: { ...step.playbook!, name: 'Older' }, seq: 1 });
    expect(restored.playbook).toMatchObject({ name: 'Older', revision: 9 });
  });

  it('selects the node the step changes, and the Inspector shows it', () => {
    const step = sampleGraph();
    const current = withSelected(
      {
        ...step,
        nodes: step.nodes.map((node) => (node.id === 'route' && node.type === 'playbook' ? { ...node, data: { node: { ...node.data.node, name: 'Renamed' } } } : node)),
      },
      ['start'],
    );
    const restored = restoredGraph({ ...current, selectedNodeId: 'start' }, { ...step, seq: 1 });
    expect(selectedIds(restored.nodes)).toEqual(['route']);
    expect(restored.selectedNodeId).toBe('route');
  });

  it('brings back the edges of the step as they were', () => {
    const step = sampleGraph();
    const restored = restoredGraph({ ...step, edges: [] }, { ...step, seq: 1 });
    expect(restored.edges).toBe(step.edges);
  });
});
