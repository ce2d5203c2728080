import { useStore as useFlowStore } from '@xyflow/react';
import { useLayoutEffect, useRef } from 'react';
import type { NodeStatus } from '../../engine/run/events.ts';
import { useStore } from '../store/index.ts';
import { KINDS } from './categories.ts';
import type { NodeKind } from './categories.ts';
import { paintMap } from './map-paint.ts';
import { mapScene } from './map-scene.ts';
import type { MapPalette } from './map-scene.ts';
import { useNodeMeta } from './node-meta.ts';

const STATUS_VARIABLES: Record<Exclude<NodeStatus, 'idle'>, string> = {
  running: '--sb-status-running',
  paused: '--sb-status-paused',
  succeeded: '--sb-status-succeeded',
  failed: '--sb-status-failed',
  skipped: '--sb-status-skipped',
  simulated: '--sb-status-simulated',
  'not-run': '--sb-status-skipped',
};

/** The map's colours from the canvas CSS variables of the current theme. */
function readPalette(element: Element): MapPalette {
  const style = getComputedStyle(element);
  const read = (name: string) => style.getPropertyValue(name).trim();
  const kinds: MapPalette['kinds'] = {};
  for (const kind of Object.keys(KINDS) as NodeKind[]) kinds[kind] = read(`--sb-kind-${kind}`);
  const statuses: MapPalette['statuses'] = {};
  for (const [status, variable] of Object.entries(STATUS_VARIABLES)) statuses[status as NodeStatus] = read(variable);
  return {
    surface: read('--sb-surface'),
    border: read('--sb-border'),
    note: read('--sb-note'),
    edge: read('--sb-edge'),
    danger: read('--sb-danger'),
    warning: read('--sb-warning'),
    accent: read('--sb-accent'),
    text: read('--sb-text'),
    kinds,
    statuses,
  };
}

/**
 * The map (map-mode.ts): one canvas under React Flow's nodes that draws every node and edge but
 * the live ones, repainted in the commit that changed them (a drag move, a pan, a run event), so
 * it never lags React Flow's own elements by a frame.
 */
export function MapLayer({ live }: { live: ReadonlySet<string> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const palette = useRef<{ theme: string; colours: MapPalette } | undefined>(undefined);
  const nodes = useStore((s) => s.nodes);
  const edges = useStore((s) => s.edges);
  const edgeRun = useStore((s) => s.edgeRun);
  const theme = useStore((s) => s.theme);
  const actionsByType = useNodeMeta((s) => s.actionsByType);
  const nodeStatus = useNodeMeta((s) => s.nodeStatus);
  const problemsByNode = useNodeMeta((s) => s.problemsByNode);
  const [x, y, zoom] = useFlowStore((s) => s.transform);
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);

  useLayoutEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (element === null || element === undefined || context === null || context === undefined) return;
    if (palette.current?.theme !== theme) palette.current = { theme, colours: readPalette(element) };
    const ratio = window.devicePixelRatio || 1;
    if (element.width !== Math.round(width * ratio) || element.height !== Math.round(height * ratio)) {
      element.width = Math.round(width * ratio);
      element.height = Math.round(height * ratio);
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const colours = palette.current.colours;
    const scene = mapScene({ nodes, edges, live, actionsByType, nodeStatus, problemsByNode, edgeRun, viewport: { x, y, zoom, width, height }, palette: colours });
    paintMap(context, scene, colours, zoom);
  }, [nodes, edges, live, actionsByType, nodeStatus, problemsByNode, edgeRun, theme, x, y, zoom, width, height]);

  return <canvas ref={canvas} className="sb-map-layer" data-testid="canvas-map" aria-hidden="true" style={{ width, height }} />;
}
