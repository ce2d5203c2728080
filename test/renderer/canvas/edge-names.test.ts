import { describe, expect, it } from 'vitest';
import { edgeLabel, namedEdges, namesMatch, nodeNames } from '../../../renderer/canvas/edge-names.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';
import { nodeById, samplePlaybook } from '../catalogue-fixture.ts';

const { nodes, edges } = fromPlaybook(samplePlaybook());
const names = nodeNames(nodes);

function renamed(id: string, name: string): CanvasNode[] {
  return nodes.map((node) => (node.id === id && node.type === 'playbook' ? { ...node, data: { ...node.data, node: { ...node.data.node, name } } } : node));
}

describe('edge accessible names', () => {
  it('name both ends as the canvas shows them, and the port unless it is the plain out', () => {
    expect(edgeLabel(edges.find((edge) => edge.id === 'e1')!, names)).toBe('Start to IP report');
    expect(edgeLabel(edges.find((edge) => edge.id === 'e3')!, names)).toBe('Route to No layout, port malicious');
  });

  it('fall back to the id of an end that has no name', () => {
    expect(edgeLabel({ id: 'x', source: 'gone', target: 'route', sourceHandle: 'out' }, names)).toBe('gone to Route');
  });

  it('come back as the same edge objects while no label changes, so a drag re-renders no edge', () => {
    const first = namedEdges(edges, names);
    expect(first.map((edge) => edge.ariaLabel)).toEqual(['Start to IP report', 'IP report to Route', 'Route to No layout, port malicious']);
    expect(first[0]!.domAttributes).toEqual({ 'data-source': 'start', 'data-target': 'ip_report' });
    expect(namedEdges(edges, nodeNames(nodes))).toEqual(first);
    namedEdges(edges, nodeNames(nodes)).forEach((edge, index) => expect(edge).toBe(first[index]));
    const after = namedEdges(edges, nodeNames(renamed('route', 'Verdict')));
    expect(after[0]).toBe(first[0]);
    expect(after[1]!.ariaLabel).toBe('IP report to Verdict');
  });

  it('know when the names still hold: moving a node keeps them, a rename or a new node does not', () => {
    const moved = nodes.map((node) => ({ ...node, position: { x: node.position.x + 10, y: node.position.y } }));
    expect(namesMatch(moved, names)).toBe(true);
    expect(namesMatch(renamed('start', 'Begin'), names)).toBe(false);
    expect(namesMatch([...nodes, { ...nodeById(nodes, 'start'), id: 'start_2' }], names)).toBe(false);
    expect(namesMatch(nodes.filter((node) => node.id !== 'route'), names)).toBe(false);
  });
});
