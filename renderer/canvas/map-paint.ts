import type { MapBlock, MapCurve, MapScene } from './map-scene.ts';

/**
 * Paints a map scene (map-scene.ts) on a 2D context: blocks and curves grouped by colour, so
 * thousands of them cost a few dozen fills and strokes. The scene decided everything; this only draws.
 */
export function paintMap(context: CanvasRenderingContext2D, scene: MapScene, colours: { border: string; danger: string; text: string }, zoom: number): void {
  const { border, danger } = colours;
  for (const curves of groupBy(scene.curves, (curve) => `${curve.colour}|${curve.width}|${curve.alpha}|${curve.dashed}`).values()) {
    const first = curves[0]!;
    context.globalAlpha = first.alpha;
    context.strokeStyle = first.colour;
    context.lineWidth = first.width;
    context.setLineDash(first.dashed ? [6 * first.width, 4 * first.width] : []);
    context.beginPath();
    for (const { points: p } of curves) {
      context.moveTo(p[0], p[1]);
      context.bezierCurveTo(p[2], p[3], p[4], p[5], p[6], p[7]);
    }
    context.stroke();
  }
  context.globalAlpha = 1;
  context.setLineDash([]);
  fillGroups(context, scene.blocks, (block) => block.fill, (block) => [block.x, block.y, block.width, block.height]);
  const stripe = Math.max(1, 4 * zoom);
  fillGroups(context, scene.blocks, (block) => block.stripe, (block) => [block.x, block.y, Math.min(stripe, block.width), block.height]);
  context.strokeStyle = border;
  context.lineWidth = 1;
  context.beginPath();
  for (const block of scene.blocks) context.rect(block.x, block.y, block.width, block.height);
  context.stroke();
  context.lineWidth = Math.max(1, 4 * zoom);
  strokeGroups(context, scene.blocks, (block) => block.problem, 0);
  context.lineWidth = Math.max(1.5, 2 * zoom);
  strokeGroups(context, scene.blocks, (block) => block.ring, 1);
  fillGroups(
    context,
    scene.blocks.filter((block) => block.breakpoint),
    () => danger,
    (block) => [block.x, block.y, block.width, Math.max(1, 8 * zoom)],
  );
  if (scene.labelPx !== undefined) paintNames(context, scene.blocks, scene.labelPx, colours.text, zoom);
}

/** Names on one line inside their blocks (squeezed to fit, as a map label), where the simplified node puts its first line. */
function paintNames(context: CanvasRenderingContext2D, blocks: readonly MapBlock[], px: number, colour: string, zoom: number): void {
  context.fillStyle = colour;
  context.font = `700 ${px}px system-ui, sans-serif`;
  context.textBaseline = 'top';
  const inset = 12 * zoom;
  for (const block of blocks) {
    if (block.name !== undefined) context.fillText(block.name, block.x + inset + Math.max(1, 4 * zoom), block.y + 10 * zoom, Math.max(1, block.width - 2 * inset));
  }
}

/** Outlines blocks `outset` pixels outside their box, one stroke per colour; blocks without one are left alone. */
function strokeGroups(context: CanvasRenderingContext2D, blocks: readonly MapBlock[], colour: (block: MapBlock) => string | undefined, outset: number): void {
  for (const [stroke, group] of groupBy(
    blocks.filter((block) => colour(block) !== undefined),
    (block) => colour(block)!,
  )) {
    context.strokeStyle = stroke;
    context.beginPath();
    for (const block of group) context.rect(block.x - outset, block.y - outset, block.width + 2 * outset, block.height + 2 * outset);
    context.stroke();
  }
}

function fillGroups(context: CanvasRenderingContext2D, blocks: readonly MapBlock[], colour: (block: MapBlock) => string, rect: (block: MapBlock) => [number, number, number, number]): void {
  for (const [fill, group] of groupBy(blocks, colour)) {
    context.fillStyle = fill;
    context.beginPath();
    for (const block of group) context.rect(...rect(block));
    context.fill();
  }
}

function groupBy<T extends MapBlock | MapCurve>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [item]);
    else group.push(item);
  }
  return groups;
}
