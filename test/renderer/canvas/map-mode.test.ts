import type { ReactFlowState } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { drawsMap, isMapZoom, liveEdges, liveNodeIds, MAP_BELOW_ZOOM, MAP_MIN_NODES, onMap } from '../../../renderer/canvas/map-mode.ts';
import { LABELLED_MIN_ZOOM } from '../../../renderer/canvas/semantic-zoom.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';
import { nodeById, samplePlaybook } from '../catalogue-fixture.ts';

const { nodes, edges } = fromPlaybook(samplePlaybook());

const node = (id: string): CanvasNode => nodeById(nodes, id);

describe('drawsMap', () => {
  it('draws a big graph as a map below the zoom where simplified names stop reading', () => {
    expect(MAP_BELOW_ZOOM).toBe(LABELLED_MIN_ZOOM);
    expect(drawsMap(MAP_BELOW_ZOOM - 0.01, MAP_MIN_NODES + 1)).toBe(true);
    expect(drawsMap(MAP_BELOW_ZOOM, MAP_MIN_NODES + 1)).toBe(false);
  });

  it('keeps a graph of up to MAP_MIN_NODES nodes as elements at every zoom', () => {
    expect(drawsMap(0.05, MAP_MIN_NODES)).toBe(false);
  });

  it('as a React Flow selector, reads the zoom from the transform', () => {
    expect(isMapZoom({ transform: [10, 20, 0.1] } as ReactFlowState)).toBe(true);
    expect(isMapZoom({ transform: [10, 20, 0.5] } as ReactFlowState)).toBe(false);
  });
});

describe('liveNodeIds', () => {
  it('holds both ends of a pointed edge', () => {
    expect([...liveNodeIds(nodes, ['ip_report', 'route'])].sort()).toEqual(['ip_report', 'route']);
  });

  it('holds the pointed node and every selected or dragged one', () => {
    const marked = nodes.map((candidate) =>
      candidate.id === 'route' ? { ...candidate, selected: true } : candidate.id === 'unplaced' ? { ...candidate, dragging: true } : candidate,
    );
    expect([...liveNodeIds(marked, ['start'])].sort()).toEqual(['route', 'start', 'unplaced']);
  });

  it('is empty when nothing is pointed, selected or dragged', () => {
    expect(liveNodeIds(nodes, []).size).toBe(0);
  });
});

describe('onMap', () => {
  it('gives React Flow a live node as it is', () => {
    expect(onMap(node('route'), new Set(['route']))).toBe(node('route'));
  });

  it('gives React Flow a copy of any other node that is not displayed, the same copy each time', () => {
    const copy = onMap(node('route'), new Set(['start']));
    expect(copy).not.toBe(node('route'));
    expect(copy).toMatchObject({ id: 'route', position: node('route').position, style: { display: 'none' } });
    expect(onMap(node('route'), new Set())).toBe(copy);
    expect(node('route').style).toBeUndefined();
  });

  it('keeps a node style of its own beside display: none', () => {
    const styled = { ...node('welcome'), style: { opacity: 0.5 } } as CanvasNode;
    expect(onMap(styled, new Set()).style).toEqual({ opacity: 0.5, display: 'none' });
  });
});

describe('liveEdges', () => {
  it('keeps only the edges between two live nodes', () => {
    expect(liveEdges(edges, new Set(['start', 'ip_report', 'unplaced'])).map((edge) => edge.id)).toEqual(['e1']);
  });
});
