import { getBezierPath, Position } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { boxSize } from '../../../renderer/canvas/box-size.ts';
import { bezier, mapScene } from '../../../renderer/canvas/map-scene.ts';
import { simplifiedLabelPx } from '../../../renderer/canvas/semantic-zoom.ts';
import type { MapInput, MapPalette } from '../../../renderer/canvas/map-scene.ts';
import type { Problem } from '../../../engine/validate/problems.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasEdge, CanvasNode } from '../../../renderer/store/types.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

const actionsByType = indexCatalogue(catalogue);
const graph = fromPlaybook(samplePlaybook());
/** The sample's nodes on a row, 300 flow px apart, so where each is drawn is known. */
const nodes: CanvasNode[] = graph.nodes.filter((node) => node.type === 'playbook').map((node, index) => ({ ...node, position: { x: index * 300, y: 0 } }));
const edges: CanvasEdge[] = graph.edges;

const palette: MapPalette = {
  surface: 'white',
  border: 'grey',
  note: 'yellow',
  edge: 'slate',
  danger: 'red',
  warning: 'orange',
  accent: 'blue',
  text: 'black',
  kinds: { trigger: 'teal', 'threat-intel': 'crimson', core: 'navy' },
  statuses: { succeeded: 'green', failed: 'tomato' },
};

function input(overrides: Partial<MapInput> = {}): MapInput {
  return {
    nodes,
    edges,
    live: new Set(),
    actionsByType,
    nodeStatus: {},
    problemsByNode: {},
    edgeRun: {},
    viewport: { x: 10, y: 20, zoom: 0.1, width: 1000, height: 600 },
    palette,
    ...overrides,
  };
}

describe('mapScene', () => {
  it('draws each node as a block where the viewport puts it, sized as box-size.ts measures it, with its kind as the stripe', () => {
    const { blocks } = mapScene(input());
    expect(blocks.map((block) => block.id)).toEqual(['start', 'ip_report', 'route', 'unplaced']);
    const size = boxSize(nodes[1]!, actionsByType);
    expect(blocks[1]).toEqual({ id: 'ip_report', x: 10 + 300 * 0.1, y: 20, width: size.width * 0.1, height: size.height * 0.1, fill: 'white', stripe: 'crimson', ring: undefined, problem: undefined, breakpoint: false, name: 'IP report' });
    expect(blocks[0]!.stripe).toBe('teal');
  });

  it('rings a node in its run status colour, and not an idle one', () => {
    const { blocks } = mapScene(input({ nodeStatus: { start: 'succeeded', ip_report: 'failed', route: 'idle' } }));
    expect(blocks.map((block) => block.ring)).toEqual(['green', 'tomato', undefined, undefined]);
  });

  it("marks problems in the worst one's colour, and breakpoints", () => {
    const problem = (severity: 'error' | 'warning'): Problem => ({ code: 'X', severity, message: 'm' });
    const { blocks } = mapScene(input({ problemsByNode: { start: [problem('warning')], ip_report: [problem('warning'), problem('error')] } }));
    expect(blocks.map((block) => block.problem)).toEqual(['orange', 'red', undefined, undefined]);
    // The sample's "unplaced" node has a breakpoint.
    expect(blocks.map((block) => block.breakpoint)).toEqual([false, false, false, true]);
  });

  it('leaves live nodes to React Flow, and the edges between two of them, but draws an edge from a live node to another', () => {
    const scene = mapScene(input({ live: new Set(['start', 'ip_report']) }));
    expect(scene.blocks.map((block) => block.id)).toEqual(['route', 'unplaced']);
    expect(scene.curves.map((curve) => curve.id)).toEqual(['e2', 'e3']);
  });

  it('draws nothing outside the viewport', () => {
    // Screen x = flow x - 700: route (600…820) and unplaced are in view; e2 ends at route's left edge, off screen.
    const scene = mapScene(input({ viewport: { x: -700, y: 20, zoom: 1, width: 400, height: 300 } }));
    expect(scene.blocks.map((block) => block.id)).toEqual(['route', 'unplaced']);
    expect(scene.curves.map((curve) => curve.id)).toEqual(['e3']);
  });

  it('draws the shown run: taken edges strong in the success colour, dead ones faint and dashed', () => {
    const { curves } = mapScene(input({ edgeRun: { e1: { state: 'taken' }, e2: { state: 'dead' } } }));
    const [taken, dead, untouched] = curves;
    expect(taken).toMatchObject({ id: 'e1', colour: 'green', alpha: 1, dashed: false });
    expect(taken!.width).toBeGreaterThan(untouched!.width);
    expect(dead).toMatchObject({ id: 'e2', colour: 'slate', alpha: 0.3, dashed: true });
    expect(untouched).toMatchObject({ id: 'e3', colour: 'slate', alpha: 1, dashed: false });
  });

  it('draws an error path dashed in the danger colour, and a selected edge in the accent colour', () => {
    const withError = edges.map((edge) => (edge.id === 'e3' ? { ...edge, sourceHandle: 'error' } : edge.id === 'e1' ? { ...edge, selected: true } : edge));
    const { curves } = mapScene(input({ edges: withError }));
    expect(curves.find((curve) => curve.id === 'e3')).toMatchObject({ colour: 'red', dashed: true });
    expect(curves.find((curve) => curve.id === 'e1')).toMatchObject({ colour: 'blue' });
  });

  it('sizes the names as the simplified node does, and leaves them out where they would be under 6 px', () => {
    expect(mapScene(input({ viewport: { x: 0, y: 0, zoom: 0.3, width: 1000, height: 600 } })).labelPx).toBeCloseTo(simplifiedLabelPx() * 0.3);
    expect(mapScene(input({ viewport: { x: 0, y: 0, zoom: 0.1, width: 1000, height: 600 } })).labelPx).toBeUndefined();
  });

  it('keeps a far edge visible: lines are at least 0.75 px wide', () => {
    expect(mapScene(input({ viewport: { x: 0, y: 0, zoom: 0.05, width: 1000, height: 600 } })).curves[0]!.width).toBe(0.75);
  });
});

describe('bezier', () => {
  it('is the curve React Flow draws for a default edge, forwards and backwards', () => {
    for (const [sx, sy, tx, ty] of [
      [0, 0, 200, 50],
      [300, 40, 100, -60],
    ] as const) {
      const [path] = getBezierPath({ sourceX: sx, sourceY: sy, sourcePosition: Position.Right, targetX: tx, targetY: ty, targetPosition: Position.Left });
      const p = bezier(sx, sy, tx, ty);
      expect(path).toBe(`M${p[0]},${p[1]} C${p[2]},${p[3]} ${p[4]},${p[5]} ${p[6]},${p[7]}`);
    }
  });
});
