import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasPlaybook, dragNodeId } from '../../bench/canvas-graph.ts';
import { canvasNode, expectTitle, nodePosition, nodeWrapper } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

/** Over map-mode.ts's 400 nodes, so Fit View shows it as a map. */
const NODES = 450;

/** The Inspector's heading: the shown node's name. */
function inspected(page: Page): Promise<string | null> {
  return page.getByRole('tabpanel', { name: 'Inspector' }).getByRole('heading', { level: 2 }).first().textContent();
}

/** How many node elements the canvas displays (the map draws the others on its own canvas). */
function displayedNodes(page: Page): Promise<number> {
  return page.getByTestId('canvas').evaluate((canvas) => [...canvas.querySelectorAll('.react-flow__node')].filter((node) => getComputedStyle(node).display !== 'none').length);
}

/** Where node `id` is on screen by its layout (its wrapper's translate through the viewport's transform), displayed or not. */
function pointOnNode(page: Page, id: string): Promise<{ x: number; y: number; zoom: number }> {
  return page.getByTestId('canvas').evaluate((canvas, nodeId) => {
    const pane = canvas.querySelector('.react-flow')!.getBoundingClientRect();
    const viewport = new DOMMatrixReadOnly(getComputedStyle(canvas.querySelector('.react-flow__viewport')!).transform);
    const wrapper = canvas.querySelector<HTMLElement>(`.react-flow__node[data-id="${nodeId}"]`)!;
    const [, x, y] = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(wrapper.style.transform)!;
    const zoom = viewport.a;
    return { x: pane.left + viewport.e + (Number(x) + 80) * zoom, y: pane.top + viewport.f + (Number(y) + 30) * zoom, zoom };
  }, id);
}

/** Opens a generated NODES-node playbook and presses Fit View: the whole graph, far out. */
async function openBigPlaybookFitted(page: Page, workspace: string): Promise<ReturnType<typeof canvasPlaybook>> {
  const playbook = canvasPlaybook(NODES);
  fs.writeFileSync(path.join(workspace, 'playbooks', `${playbook.id}.playbook.json`), `${JSON.stringify(playbook, null, 2)}\n`);
  await page.goto(`${e2e.server.url}&playbook=${encodeURIComponent(playbook.id)}`);
  await expectTitle(page, playbook.name);
  const canvas = page.getByTestId('canvas');
  await canvas.locator('.react-flow__controls-fitview').click();
  await expect.poll(() => canvas.getAttribute('data-map')).toBe('true');
  return playbook;
}

/** Points at node `id` on the map and returns its box on screen once it is displayed. */
async function displayedBox(page: Page, id: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const point = await pointOnNode(page, id);
  await page.mouse.move(point.x, point.y);
  await expect.poll(() => canvasNode(page, id).isVisible()).toBe(true);
  return (await nodeWrapper(page, id).boundingBox())!;
}

describe('a big playbook zoomed out to a map', () => {
  it('draws the graph on one canvas, and a node can still be selected (the Inspector shows it) and dragged', async () => {
    const { page, server } = e2e;
    const playbook = await openBigPlaybookFitted(page, server.workspace);
    await expect.poll(() => page.getByTestId('canvas-map').isVisible()).toBe(true);
    await expect.poll(() => displayedNodes(page)).toBe(0);

    const id = dragNodeId(playbook);
    const name = playbook.nodes.find((node) => node.id === id)!.name;
    const point = await pointOnNode(page, id);
    await page.mouse.move(point.x, point.y);
    await expect.poll(() => canvasNode(page, id).isVisible()).toBe(true);
    await page.mouse.click(point.x, point.y);
    await expect.poll(() => nodeWrapper(page, id).evaluate((element) => element.classList.contains('selected'))).toBe(true);
    await expect.poll(() => inspected(page)).toBe(name);

    const before = await nodePosition(page, id);
    await page.mouse.move(point.x, point.y);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(point.x + 15 * step, point.y + 5 * step);
    await page.mouse.up();
    // 150 screen px right and 50 down, in flow pixels at the map's zoom.
    await expect.poll(async () => (await nodePosition(page, id)).x - before.x).toBeGreaterThan((150 * 0.8) / point.zoom);
    const after = await nodePosition(page, id);
    expect(after.y - before.y).toBeGreaterThan((50 * 0.8) / point.zoom);
    await expect.poll(() => inspected(page)).toBe(name);
  });

  it('displays the edge under the pointer, so it can be clicked and selected', async () => {
    const { page, server } = e2e;
    const playbook = await openBigPlaybookFitted(page, server.workspace);
    const edge = playbook.edges.find((candidate) => candidate.from === dragNodeId(playbook))!;
    const from = await displayedBox(page, edge.from);
    const to = await displayedBox(page, edge.to);
    // The curve's middle: halfway between the source's right side and the target's left side.
    const middle = { x: (from.x + from.width + to.x) / 2, y: (from.y + from.height / 2 + to.y + to.height / 2) / 2 };
    await page.mouse.move(middle.x, middle.y);
    const drawn = page.getByTestId('canvas').locator(`.react-flow__edge[data-id="${edge.id}"]`);
    await expect.poll(() => drawn.count()).toBe(1);
    await page.mouse.click(middle.x, middle.y);
    await expect.poll(() => drawn.evaluate((element) => element.classList.contains('selected'))).toBe(true);
  });
});
