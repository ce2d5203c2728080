import { describe, expect, it } from 'vitest';
import { boxSize } from '../../../renderer/canvas/box-size.ts';
import { edgeAtPoint, nodeAtPoint } from '../../../renderer/canvas/map-hit.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

const actionsByType = indexCatalogue(catalogue);
const graph = fromPlaybook(samplePlaybook());
/** The sample's nodes on a row, 300 flow px apart: start, ip_report, route, unplaced. */
const nodes: CanvasNode[] = graph.nodes.filter((node) => node.type === 'playbook').map((node, index) => ({ ...node, position: { x: index * 300, y: 0 } }));
const { edges } = graph;

describe('nodeAtPoint', () => {
  it('finds the node whose box holds a flow point, the one drawn last where boxes overlap', () => {
    const size = boxSize(nodes[2]!, actionsByType);
    expect(nodeAtPoint(nodes, actionsByType, 600 + size.width / 2, size.height / 2)).toBe('route');
    const stacked = [...nodes, { ...nodes[0]!, id: 'on_top', position: { x: 610, y: 10 } } as CanvasNode];
    expect(nodeAtPoint(stacked, actionsByType, 620, 20)).toBe('on_top');
  });

  it('finds nothing between nodes', () => {
    expect(nodeAtPoint(nodes, actionsByType, 290, 10)).toBeUndefined();
  });
});

describe('edgeAtPoint', () => {
  // ip_report's right side is at x 520; route's left side at 600. Between them lies e2.
  const ipReport = boxSize(nodes[1]!, actionsByType);
  const route = boxSize(nodes[2]!, actionsByType);
  const midY = (ipReport.height / 2 + route.height / 2) / 2;

  it('finds the edge whose curve passes within reach of the point', () => {
    expect(edgeAtPoint(nodes, edges, actionsByType, 560, midY + 3, 5)?.id).toBe('e2');
  });

  it('finds nothing out of reach', () => {
    expect(edgeAtPoint(nodes, edges, actionsByType, 560, midY + 40, 5)).toBeUndefined();
  });

  it('finds the nearest of two edges within reach', () => {
    // A second edge out of ip_report, to unplaced (left side at x 900), listed first.
    const twin = { ...edges[1]!, id: 'e2_twin', target: 'unplaced' };
    const unplaced = boxSize(nodes[3]!, actionsByType);
    expect(edgeAtPoint(nodes, [twin, ...edges], actionsByType, 560, midY, 30)?.id).toBe('e2');
    expect(edgeAtPoint(nodes, [twin, ...edges], actionsByType, 880, unplaced.height / 2, 30)?.id).toBe('e2_twin');
  });
});
