import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../engine/format/load.ts';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../../nodes/registry.ts';
import { describeConnector } from '../../../host/describe-connector.ts';
import { autoLayout, noteAnchors } from '../../../renderer/canvas/auto-layout.ts';
import { boxSize, wrappedLines } from '../../../renderer/canvas/box-size.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';

/**
 * Auto-layout lays out notes with the graph: for every shipped playbook, as saved and after
 * auto-layout, no two boxes (nodes and notes at the size the canvas draws them) overlap or come
 * within MIN_GAP of each other, and each note lands beside the node it was nearest.
 */

const PLAYBOOKS = fileURLToPath(new URL('../../../playbooks/', import.meta.url));
const files = fs.readdirSync(PLAYBOOKS).filter((file) => file.endsWith('.playbook.json'));
const registry = createBuiltinRegistry();
const actionsByType = indexCatalogue(builtinConnectors.map(describeConnector));
/** The least free space between two boxes for them to read as apart. */
const MIN_GAP = 8;

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

function shipped(file: string): Playbook {
  const { playbook, problems } = loadPlaybook(fs.readFileSync(path.join(PLAYBOOKS, file)), registry);
  expect(problems).toEqual([]);
  return playbook!;
}

function boxes(nodes: readonly CanvasNode[], positions: Record<string, { x: number; y: number }>): Box[] {
  return nodes.map((node) => {
    const at = positions[node.id];
    if (at === undefined) throw new Error(`${node.id} has no position`);
    return { id: node.id, ...at, ...boxSize(node, actionsByType) };
  });
}

/** Pairs of boxes that overlap or come closer than MIN_GAP on both axes. */
function crowded(all: readonly Box[]): string[] {
  const pairs: string[] = [];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      const apartX = a.x + a.width + MIN_GAP <= b.x || b.x + b.width + MIN_GAP <= a.x;
      const apartY = a.y + a.height + MIN_GAP <= b.y || b.y + b.height + MIN_GAP <= a.y;
      if (!apartX && !apartY) pairs.push(`${a.id} / ${b.id}`);
    }
  });
  return pairs;
}

function positionsOf(nodes: readonly CanvasNode[]): Record<string, { x: number; y: number }> {
  return Object.fromEntries(nodes.map((node) => [node.id, node.position]));
}

function note(id: string, x: number, y: number, width = 400, height = 160): CanvasNode {
  return { id, type: 'note', position: { x, y }, width, height, data: { text: '' } };
}

function action(id: string, x: number, y: number): CanvasNode {
  return { id, type: 'playbook', position: { x, y }, data: { node: { id, type: 'core.condition@1', name: id, params: {} } } };
}

describe('box sizes', () => {
  it('wraps long words over as many lines as they need', () => {
    expect(wrappedLines('Slack: notify #soc-alerts', 24)).toBe(2);
    expect(wrappedLines('Verdict', 24)).toBe(1);
    expect(wrappedLines('x'.repeat(50), 24)).toBe(3);
  });

  it('gives a note its own size, or the CSS minimum, and a node one port row per port', () => {
    expect(boxSize(note('n', 0, 0, 420, 150), actionsByType)).toEqual({ width: 420, height: 150 });
    expect(boxSize({ id: 'n', type: 'note', position: { x: 0, y: 0 }, data: { text: '' } }, actionsByType)).toEqual({ width: 160, height: 90 });
    const condition = boxSize(action('c', 0, 0), actionsByType);
    const trigger = boxSize({ id: 't', type: 'playbook', position: { x: 0, y: 0 }, data: { node: { id: 't', type: 'trigger.manual@1', name: 't', params: {} } } }, actionsByType);
    expect(condition.width).toBe(220);
    expect(condition.height - trigger.height).toBe(18 * 2);
  });

  it('uses the measured size once the node is rendered', () => {
    expect(boxSize({ ...action('c', 0, 0), measured: { width: 230, height: 141 } }, actionsByType)).toEqual({ width: 230, height: 141 });
  });
});

describe('auto-layout with notes', () => {
  it('ties each note to the node nearest its centre', () => {
    const nodes = [note('left', -450, 0), note('right', 700, 300), action('a', 0, 0), action('b', 300, 300)];
    expect(noteAnchors(nodes, actionsByType)).toEqual({ left: 'a', right: 'b' });
  });

  it('moves a note that covers a node off it, and lays out a note with no node as a free box', async () => {
    const nodes = [note('over', 10, 10), action('a', 0, 0), action('b', 0, 0)];
    const edges = [{ id: 'e1', source: 'a', sourceHandle: 'true', target: 'b' }];
    expect(crowded(boxes(nodes, await autoLayout(nodes, edges, actionsByType)))).toEqual([]);
    const alone = [note('alone', 0, 0)];
    expect(Object.keys(await autoLayout(alone, [], actionsByType))).toEqual(['alone']);
  });

  it.each(files)('%s: as saved, no node or note overlaps or touches another', (file) => {
    const { nodes } = fromPlaybook(shipped(file));
    expect(crowded(boxes(nodes, positionsOf(nodes)))).toEqual([]);
  });

  it.each(files)('%s: after auto-layout, every box has a place and none overlaps or touches another', async (file) => {
    const { nodes, edges } = fromPlaybook(shipped(file));
    const positions = await autoLayout(nodes, edges, actionsByType);
    expect(Object.keys(positions).sort()).toEqual(nodes.map((node) => node.id).sort());
    expect(crowded(boxes(nodes, positions))).toEqual([]);
  });

  it.each(files)('%s: auto-layout keeps each note beside its node (in the layer just before it)', async (file) => {
    const { nodes, edges } = fromPlaybook(shipped(file));
    const positions = await autoLayout(nodes, edges, actionsByType);
    const placed = boxes(nodes, positions);
    for (const [noteId, anchorId] of Object.entries(noteAnchors(nodes, actionsByType))) {
      const noteBox = placed.find((box) => box.id === noteId)!;
      const anchorBox = placed.find((box) => box.id === anchorId)!;
      const noteRight = noteBox.x + noteBox.width;
      expect(noteRight, `${noteId} ends left of ${anchorId}`).toBeLessThan(anchorBox.x);
      const between = placed.filter((box) => box.x >= noteRight && box.x + box.width <= anchorBox.x).map((box) => box.id);
      expect(between, `boxes in a layer between ${noteId} and ${anchorId}`).toEqual([]);
    }
  });
});
