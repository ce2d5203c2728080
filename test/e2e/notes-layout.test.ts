import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dragNode, openPlaybook, shippedPlaybook } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

const PLAYBOOKS = fileURLToPath(new URL('../../playbooks/', import.meta.url));
const ids = fs
  .readdirSync(PLAYBOOKS)
  .filter((file) => file.endsWith('.playbook.json'))
  .map((file) => file.replace(/\.playbook\.json$/, ''));
/** The least space, in flow pixels, between two boxes for them to read as apart. */
const MIN_GAP = 8;

interface Measured {
  /** Note / node pairs whose boxes on screen overlap. */
  covered: string[];
  /** The least space between any two boxes (nodes and notes), in flow pixels; negative when two overlap. */
  minGap: number;
  /** The two boxes that are closest. */
  closest: string;
  /** Per note, the node whose centre on screen is nearest the note's, and both centres. */
  nearest: Array<{ note: string; node: string; dx: number; dy: number }>;
}

/** Measures the canvas as drawn: every note's and node's bounding box, at the viewport's zoom. */
function measure(page: Page): Promise<Measured> {
  return page.getByTestId('canvas').evaluate((canvas) => {
    const viewport = canvas.querySelector<HTMLElement>('.react-flow__viewport');
    const zoom = viewport === null ? 1 : new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const boxes = (selector: string) =>
      [...canvas.querySelectorAll<HTMLElement>(selector)].map((element) => ({ id: element.dataset['id'] ?? '', rect: element.getBoundingClientRect() }));
    const notes = boxes('.react-flow__node-note');
    const nodes = boxes('.react-flow__node-playbook');
    const centre = (rect: DOMRect) => ({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
    const covered: string[] = [];
    for (const note of notes) {
      for (const node of nodes) {
        const a = note.rect;
        const b = node.rect;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) covered.push(`${note.id} / ${node.id}`);
      }
    }
    const all = [...notes, ...nodes];
    let minGap = Number.POSITIVE_INFINITY;
    let closest = '';
    all.forEach((a, i) => {
      for (const b of all.slice(i + 1)) {
        const gapX = Math.max(b.rect.left - a.rect.right, a.rect.left - b.rect.right);
        const gapY = Math.max(b.rect.top - a.rect.bottom, a.rect.top - b.rect.bottom);
        const gap = Math.max(gapX, gapY) / zoom;
        if (gap < minGap) {
          minGap = gap;
          closest = `${a.id} / ${b.id}`;
        }
      }
    });
    const nearest = notes.map((note) => {
      const at = centre(note.rect);
      let best = { note: note.id, node: '', dx: 0, dy: 0 };
      let bestDistance = Number.POSITIVE_INFINITY;
      for (const node of nodes) {
        const to = centre(node.rect);
        const distance = Math.hypot(to.x - at.x, to.y - at.y);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = { note: note.id, node: node.id, dx: at.x - to.x, dy: at.y - to.y };
        }
      }
      return best;
    });
    return { covered, minGap, closest, nearest };
  });
}

describe('notes never cover nodes', () => {
  it.each(ids)('%s: after Auto-layout no note overlaps a node, even one dragged onto a note', async (id) => {
    const { page } = e2e;
    const playbook = shippedPlaybook(id) as ReturnType<typeof shippedPlaybook> & { notes: Array<{ id: string }> };
    expect(playbook.notes.length).toBeGreaterThan(0);
    await openPlaybook(page, playbook.name);
    await page.getByRole('button', { name: 'Fit View' }).click();

    // As shipped, nothing is covered; then a node is dragged onto the note beside it.
    const shipped = await measure(page);
    expect(shipped.covered).toEqual([]);
    expect(shipped.minGap).toBeGreaterThanOrEqual(MIN_GAP);
    const [first] = shipped.nearest;
    await dragNode(page, first!.node, first!.dx, first!.dy);
    await expect.poll(async () => (await measure(page)).covered).toContain(`${first!.note} / ${first!.node}`);

    const layout = page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'Auto-layout' });
    await layout.click();
    await expect.poll(() => layout.isEnabled()).toBe(true);
    const after = await measure(page);
    expect(after.covered).toEqual([]);
    expect(after.minGap).toBeGreaterThanOrEqual(MIN_GAP);
    console.log(`${id}: least gap as shipped ${shipped.minGap.toFixed(1)} px (${shipped.closest}), after Auto-layout ${after.minGap.toFixed(1)} px (${after.closest})`);
  });
});
