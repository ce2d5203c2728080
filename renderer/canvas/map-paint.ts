import type { MapBlock, MapCurve, MapScene } from './map-scene.ts';

/**
 * Paints a map scene (map-scene.ts) on a 2D context: blocks and curves grouped by colour, so
 * thousands of them cost a few dozen fills and strokes. The scene decided everything; this only draws.
 */
export function paintMap(context: CanvasRenderingContext2D, scene: MapScene, border: string, zoom: number): void {
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
  context.lineWidth = Math.max(1.5, 2 * zoom);
  for (const [colour, blocks] of groupBy(
    scene.blocks.filter((block) => block.ring !== undefined),
    (block) => block.ring!,
  )) {
    context.strokeStyle = colour;
    context.beginPath();
    for (const block of blocks) context.rect(block.x - 1, block.y - 1, block.width + 2, block.height + 2);
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
