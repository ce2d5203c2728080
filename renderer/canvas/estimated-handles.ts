import { Position } from '@xyflow/react';
import type { NodeHandle } from '@xyflow/react';
import { isTriggerType, portsOf } from '../store/catalogue-slice.ts';
import type { CanvasNode, CatalogueItem } from '../store/types.ts';
import { boxSize } from './box-size.ts';

/**
 * React Flow renders every node once before culling it (`onlyRenderVisibleElements` keeps a node
 * until it has handle bounds), so a 5,000-node playbook opened at its trigger would still mount
 * 5,000 nodes. React Flow's documented way round (its server-side rendering guide) is to give
 * nodes a size and handles up front: these are estimated from the canvas CSS, and a node drops
 * them as soon as React Flow has measured it, so the estimate only decides what is drawn first.
 */

/** styles.css: `.sb-node` 220 px wide, ports one 18 px row each above 6 px padding and a 1 px border, right edge 17 px past the padding. */
const PORT = { row: 18, bottom: 7, right: 226, charPx: 7, chromePx: 30 };
/** styles.css `.sb-in`: 12 px plus a 2 px border, 7 px left of the box, centred. */
const INPUT = { size: 16, left: -7 };

/** The handles a detailed playbook node will draw, where the CSS puts them, for a box `height` tall. */
export function estimatedHandles(node: CanvasNode, actionsByType: Record<string, CatalogueItem>, height: number): NodeHandle[] {
  if (node.type !== 'playbook') return [];
  const action = actionsByType[node.data.node.type]?.action;
  const handles: NodeHandle[] = [];
  if (!isTriggerType(node.data.node.type, action)) {
    handles.push({ type: 'target', position: Position.Left, x: INPUT.left, y: height / 2 - INPUT.size / 2, width: INPUT.size, height: INPUT.size });
  }
  const ports = portsOf(action, node.data.node.params);
  ports.forEach((port, index) => {
    const width = PORT.chromePx + PORT.charPx * port.length;
    const y = height - PORT.bottom - (ports.length - index) * PORT.row;
    handles.push({ id: port, type: 'source', position: Position.Right, x: PORT.right - width, y, width, height: PORT.row });
  });
  return handles;
}

const estimates = new WeakMap<CanvasNode, CanvasNode>();

/**
 * The node as React Flow should first see it: itself once measured, else a copy with the
 * estimated size (`initialWidth`/`initialHeight`, which set no style) and handles. Cached per node
 * object, so an unchanged node is the same object from render to render.
 */
export function withEstimate(node: CanvasNode, actionsByType: Record<string, CatalogueItem>): CanvasNode {
  if (node.measured?.width !== undefined && node.measured.height !== undefined) return node;
  let estimate = estimates.get(node);
  if (estimate === undefined) {
    const size = boxSize(node, actionsByType);
    estimate = { ...node, initialWidth: size.width, initialHeight: size.height, handles: estimatedHandles(node, actionsByType, size.height) } as CanvasNode;
    estimates.set(node, estimate);
  }
  return estimate;
}
