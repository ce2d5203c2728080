/**
 * Decisions of "Export picture": which nodes and edges a picture holds, how big it is and where
 * the graph sits in it, and its file name. Pure, so the DOM capture (export-picture-dialog.tsx)
 * stays a thin loop.
 */

export type PictureFormat = 'svg' | 'png';
/** The whole playbook, or only the selected nodes (and the edges between them). */
export type PictureScope = 'graph' | 'selection';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Margin around the graph, in flow pixels, so edges leaving a node's side are not cut. */
export const PICTURE_PADDING = 32;
/** Longest side of a picture in CSS pixels: past it the graph is scaled down (browsers cap canvases near 16k). */
export const MAX_PICTURE_SIDE = 8_000;
/** PNGs are drawn at twice the CSS size when that stays under the cap, so text is sharp when pasted. */
export const PNG_PIXEL_RATIO = 2;

/**
 * Most nodes one picture draws: html-to-image copies every element's computed style, so a few
 * hundred nodes take seconds and thousands would stall the editor for minutes.
 */
export const MAX_PICTURE_NODES = 500;

/** Why a picture of this many nodes is not drawn, or undefined when it is. */
export function pictureRefusal(nodeCount: number, scope: PictureScope): string | undefined {
  if (nodeCount === 0) return scope === 'selection' ? 'select the nodes to draw first' : 'the playbook has no nodes to draw';
  if (nodeCount > MAX_PICTURE_NODES) return `a picture holds at most ${MAX_PICTURE_NODES} nodes and this one would hold ${nodeCount}: select a part of the playbook`;
  return undefined;
}

/** What a picture of `scope` holds: node ids, and the edges whose both ends it holds; undefined when nothing is selected. */
export function pictureContents(
  nodes: ReadonlyArray<{ id: string; selected?: boolean }>,
  edges: ReadonlyArray<{ id: string; source: string; target: string }>,
  scope: PictureScope,
): { nodeIds: Set<string>; edgeIds: Set<string> } | undefined {
  const nodeIds = new Set(nodes.filter((node) => scope === 'graph' || node.selected === true).map((node) => node.id));
  if (nodeIds.size === 0) return undefined;
  const edgeIds = new Set(edges.filter((edge) => nodeIds.has(edge.source) && nodeIds.has(edge.target)).map((edge) => edge.id));
  return { nodeIds, edgeIds };
}

/**
 * The picture's size in CSS pixels and the transform that puts `bounds` (flow coordinates) inside
 * it with `padding` around: scale 1 (what the canvas shows at 100 %), less when a side would pass `maxSide`.
 */
export function picturePlan(bounds: Rect, padding = PICTURE_PADDING, maxSide = MAX_PICTURE_SIDE): { width: number; height: number; zoom: number; transform: string } {
  const fullWidth = bounds.width + 2 * padding;
  const fullHeight = bounds.height + 2 * padding;
  const zoom = Math.min(1, maxSide / fullWidth, maxSide / fullHeight);
  const x = (padding - bounds.x) * zoom;
  const y = (padding - bounds.y) * zoom;
  return { width: Math.ceil(fullWidth * zoom), height: Math.ceil(fullHeight * zoom), zoom, transform: `translate(${x}px, ${y}px) scale(${zoom})` };
}

/** How many device pixels per CSS pixel a PNG of this size gets: `PNG_PIXEL_RATIO`, less when that would pass `maxSide`. */
export function pngPixelRatio(width: number, height: number, maxSide = MAX_PICTURE_SIDE): number {
  return Math.max(0.1, Math.min(PNG_PIXEL_RATIO, maxSide / Math.max(width, height, 1)));
}

/** `phishing-response.svg`, `phishing-response-selection-run-20261207-190112-3fa9c1.png`: the playbook, the scope, the run shown. */
export function pictureFileName(playbook: string, scope: PictureScope, format: PictureFormat, runId?: string): string {
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80);
  const parts = [slug(playbook) || 'playbook', scope === 'selection' ? 'selection' : '', runId === undefined ? '' : `run-${slug(runId).slice(0, 40)}`];
  return `${parts.filter((part) => part !== '').join('-')}.${format}`;
}
