import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, nextFrame, openPlaybook, shippedPlaybook } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

/** Issue 14: the smallest text, in screen pixels, that counts as legible. */
const LEGIBLE_PX = 11;

interface Labels {
  zoom: number;
  /** Nodes drawn on screen (inside the canvas pane), and how many of them are simplified. */
  shown: number;
  simplified: number;
  /** The smallest node name on screen: computed font size × zoom, and the text box's height. */
  smallestPx: number;
  smallestBoxPx: number;
  /** Ids of the nodes on screen. */
  ids: string[];
}

/** Measures the node names the canvas shows right now, as the user sees them. */
function labels(page: Page): Promise<Labels> {
  return page.getByTestId('canvas').evaluate((canvas) => {
    const pane = canvas.querySelector('.react-flow')!.getBoundingClientRect();
    const viewport = canvas.querySelector<HTMLElement>('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    let shown = 0;
    let simplified = 0;
    let smallestPx = Number.POSITIVE_INFINITY;
    let smallestBoxPx = Number.POSITIVE_INFINITY;
    const ids: string[] = [];
    for (const node of canvas.querySelectorAll<HTMLElement>('.sb-node')) {
      const box = node.getBoundingClientRect();
      if (box.right <= pane.left || box.left >= pane.right || box.bottom <= pane.top || box.top >= pane.bottom) continue;
      const name = node.querySelector<HTMLElement>('.sb-node-name, .sb-node-far-name');
      if (name === null) continue;
      shown++;
      if (node.classList.contains('sb-node-far')) simplified++;
      ids.push(node.dataset['nodeId'] ?? '');
      const range = document.createRange();
      range.selectNodeContents(name);
      const lineHeight = Math.min(...[...range.getClientRects()].map((rect) => rect.height));
      smallestPx = Math.min(smallestPx, Number.parseFloat(getComputedStyle(name).fontSize) * zoom);
      smallestBoxPx = Math.min(smallestBoxPx, lineHeight);
    }
    return { zoom, shown, simplified, smallestPx, smallestBoxPx, ids };
  });
}

/** Waits until the viewport's transform stops changing (a zoom animates over a few frames). */
async function settled(page: Page): Promise<void> {
  const transform = () => page.getByTestId('canvas').locator('.react-flow__viewport').evaluate((element) => (element as HTMLElement).style.transform);
  let before = '';
  await expect
    .poll(async () => {
      await nextFrame(page);
      const now = await transform();
      const still = now === before;
      before = now;
      return still;
    })
    .toBe(true);
}

const PLAYBOOKS = [
  { id: 'incident-investigation', name: 'Incident investigation' },
  { id: 'suspicious-login', name: 'Suspicious login' },
];

describe('a legible first view, and semantic zoom', () => {
  for (const { id, name } of PLAYBOOKS) {
    it(`opens ${name} with node names of at least ${LEGIBLE_PX} px on screen, its trigger in view`, async () => {
      const { page } = e2e;
      await openPlaybook(page, name);
      await settled(page);
      const first = await labels(page);
      expect(first.shown).toBeGreaterThan(0);
      expect(first.smallestPx).toBeGreaterThanOrEqual(LEGIBLE_PX);
      expect(first.smallestBoxPx).toBeGreaterThanOrEqual(LEGIBLE_PX);
      const triggers = shippedPlaybook(id).nodes.filter((node) => node.type.startsWith('trigger.'));
      for (const trigger of triggers) expect(first.ids).toContain(trigger.id);
      await expect.poll(() => canvasNode(page, triggers[0]!.id).locator('.sb-node-name').count()).toBe(1);
    });

    it(`zoomed out on ${name}, draws simplified nodes whose names still read at least ${LEGIBLE_PX} px`, async () => {
      const { page } = e2e;
      await openPlaybook(page, name);
      await settled(page);
      const zoomOut = page.getByTestId('canvas').locator('.react-flow__controls-zoomout');
      let far = await labels(page);
      for (let clicks = 0; far.simplified === 0 && clicks < 10; clicks++) {
        await zoomOut.click();
        await settled(page);
        far = await labels(page);
      }
      expect(far.simplified).toBe(far.shown);
      expect(far.shown).toBeGreaterThan(0);
      expect(far.smallestPx).toBeGreaterThanOrEqual(LEGIBLE_PX);
      expect(far.smallestBoxPx).toBeGreaterThanOrEqual(LEGIBLE_PX);

      // "Fit view" still shows the whole graph, simplified.
      await page.getByTestId('canvas').locator('.react-flow__controls-fitview').click();
      await settled(page);
      const whole = await labels(page);
      expect(whole.shown).toBe(shippedPlaybook(id).nodes.length);
      expect(whole.simplified).toBe(whole.shown);
      console.log(`${name}: fit-view zoom ${whole.zoom.toFixed(2)}, smallest name ${whole.smallestPx.toFixed(1)} px`);
    });
  }
});
