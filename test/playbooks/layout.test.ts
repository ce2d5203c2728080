import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import { createBuiltinRegistry } from '../../nodes/registry.ts';
import { REPO_ROOT } from './lab-fixture.ts';

/**
 * The shipped playbooks open readable on the canvas: no node or note overlaps or touches another.
 * Node boxes are estimated from the canvas' CSS (renderer/styles.css `.sb-node`: 220 px wide; 14 px
 * names on 1.4 lines, 12 px action titles, one 18 px row per port), erring on the tall side.
 */

const registry = createBuiltinRegistry();
const NODE_WIDTH = 220;
/** Everything but the name, action and port rows: paddings, the vendor line, margins and borders. */
const NODE_CHROME = 47;
const NAME_LINE = 19.6;
const ACTION_LINE = 16.8;
const PORT_ROW = 18;
/** Characters per line inside the node, a little under what the width holds, so wraps are not missed. */
const NAME_CHARS = 24;
const ACTION_CHARS = 30;
/** The least free space between two boxes for them to read as apart. */
const MIN_GAP = 16;

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How many lines `text` takes when words wrap at `chars` characters. */
function wrappedLines(text: string, chars: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const needed = used === 0 ? word.length : used + 1 + word.length;
    if (needed <= chars) used = needed;
    else {
      lines += Math.max(1, Math.ceil(word.length / chars)) - (used === 0 ? 1 : 0);
      used = word.length % chars || chars;
    }
  }
  return lines;
}

function boxesOf(playbook: Playbook): Box[] {
  const layout = playbook.layout ?? {};
  const boxes: Box[] = playbook.nodes.map((node) => {
    const spec = registry.get(node.type);
    const position = layout[node.id];
    if (!spec || !position) throw new Error(`${playbook.id}: node ${node.id} has no known type or no layout position`);
    const ports = spec.ports(node.params).length;
    const height = NODE_CHROME + NAME_LINE * wrappedLines(node.name, NAME_CHARS) + ACTION_LINE * wrappedLines(spec.title, ACTION_CHARS) + PORT_ROW * ports;
    return { id: node.id, x: position.x, y: position.y, width: NODE_WIDTH, height };
  });
  for (const note of playbook.notes ?? []) {
    const position = layout[note.id];
    if (!position?.width || !position.height) throw new Error(`${playbook.id}: note ${note.id} has no layout size`);
    boxes.push({ id: note.id, x: position.x, y: position.y, width: position.width, height: position.height });
  }
  return boxes;
}

/** Whether two boxes overlap or come closer than MIN_GAP on both axes. */
function crowded(a: Box, b: Box): boolean {
  const apartX = a.x + a.width + MIN_GAP <= b.x || b.x + b.width + MIN_GAP <= a.x;
  const apartY = a.y + a.height + MIN_GAP <= b.y || b.y + b.height + MIN_GAP <= a.y;
  return !apartX && !apartY;
}

const files = fs.readdirSync(path.join(REPO_ROOT, 'playbooks')).filter((f) => f.endsWith('.playbook.json'));

describe('shipped playbook layouts', () => {
  it('wraps long words over as many lines as they need', () => {
    expect(wrappedLines('Slack: notify #soc-alerts', 24)).toBe(2);
    expect(wrappedLines('Verdict', 24)).toBe(1);
    expect(wrappedLines('x'.repeat(50), 24)).toBe(3);
  });

  it.each(files)('%s: no node or note overlaps or touches another', (file) => {
    const { playbook, problems } = loadPlaybook(fs.readFileSync(path.join(REPO_ROOT, 'playbooks', file)), registry);
    expect(problems).toEqual([]);
    const boxes = boxesOf(playbook!);
    const crowdedPairs: string[] = [];
    boxes.forEach((a, i) => {
      for (const b of boxes.slice(i + 1)) if (crowded(a, b)) crowdedPairs.push(`${a.id} / ${b.id}`);
    });
    expect(crowdedPairs).toEqual([]);
  });
});
