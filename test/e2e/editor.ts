import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * What a user does in the editor, as small steps over roles, labels and the canvas's
 * `data-status` / `data-testid` attributes: open or create a playbook, drag from the palette,
 * connect ports, read node statuses, wait for a run to settle.
 */

/** Node statuses a run leaves behind (DESIGN.md §6; `simulated` is a dry run's write). */
export const SETTLED = ['succeeded', 'skipped', 'failed', 'simulated'] as const;
const WAIT_MS = 30_000;

/** A shipped playbook file, as the repository has it. */
export interface ShippedPlaybook {
  id: string;
  name: string;
  nodes: Array<{ id: string; type: string; name: string }>;
  edges: Array<{ id: string; from: string; port: string; to: string }>;
  credentials: Record<string, { connector: string }>;
}

export function shippedPlaybook(id: string): ShippedPlaybook {
  const file = fileURLToPath(new URL(`../../playbooks/${id}.playbook.json`, import.meta.url));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ShippedPlaybook;
}

/** A shipped playbook's node by id; throws naming both when the playbook has lost it. */
export function nodeOf(playbook: ShippedPlaybook, id: string): ShippedPlaybook['nodes'][number] {
  const node = playbook.nodes.find((candidate) => candidate.id === id);
  if (node === undefined) throw new Error(`${playbook.id} has no node ${id}`);
  return node;
}

/** A short random suffix, so names made by one test never clash with another's. */
export function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

export function title(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

export async function expectTitle(page: Page, name: string): Promise<void> {
  await expect.poll(() => title(page).textContent(), { timeout: WAIT_MS }).toBe(name);
}

export async function showPanel(page: Page, tab: 'Inspector' | 'Run' | 'History' | 'Triggers' | 'Credentials' | 'Playbooks'): Promise<Locator> {
  await page.getByRole('tab', { name: tab, exact: true }).click();
  return page.getByRole('tabpanel', { name: tab });
}

/** Opens a workspace playbook from the Playbooks panel (a no-op when it is already the open one). */
export async function openPlaybook(page: Page, name: string): Promise<void> {
  const panel = await showPanel(page, 'Playbooks');
  const open = panel.getByRole('button', { name: `Open ${name}`, exact: true });
  if (await open.isEnabled()) await open.click();
  await expectTitle(page, name);
  await page.getByTestId('canvas').locator('.react-flow__node').first().waitFor();
}

/** Creates an empty playbook from the Playbooks panel; it opens with its manual trigger, `start`. */
export async function createPlaybook(page: Page, name: string): Promise<void> {
  const panel = await showPanel(page, 'Playbooks');
  await panel.getByRole('textbox', { name: 'Name of the new playbook' }).fill(name);
  await panel.getByRole('button', { name: 'New playbook' }).click();
  await expectTitle(page, name);
  await canvasNode(page, 'start').waitFor();
}

/** The node element of the canvas that carries `data-status` (`data-testid="node-<id>"`). */
export function canvasNode(page: Page, id: string): Locator {
  return page.getByTestId('canvas').getByTestId(`node-${id}`);
}

/** React Flow's wrapper of a node (it holds the position as a transform). */
export function nodeWrapper(page: Page, id: string): Locator {
  return page.getByTestId('canvas').locator(`.react-flow__node[data-id="${id}"]`);
}

/** The node's position in flow coordinates, from React Flow's `translate(xpx, ypx)`. */
export async function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const transform = await nodeWrapper(page, id).evaluate((element) => (element as HTMLElement).style.transform);
  const match = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(transform);
  if (match === null) throw new Error(`Node ${id} has no position transform: ${transform}`);
  return { x: Number(match[1]), y: Number(match[2]) };
}

/** The edge from node `from` to node `to`, by their ids (its accessible name holds their names). */
export function edge(page: Page, from: string, to: string): Locator {
  return page.getByTestId('canvas').locator(`.react-flow__edge[data-source="${from}"][data-target="${to}"]`);
}

/** Every playbook node on the canvas with its `data-status`. */
export function nodeStatuses(page: Page): Promise<Record<string, string>> {
  return page
    .getByTestId('canvas')
    .locator('[data-node-id][data-status]')
    .evaluateAll((elements) => Object.fromEntries(elements.map((element) => [(element as HTMLElement).dataset.nodeId ?? '', (element as HTMLElement).dataset.status ?? ''])));
}

export async function canvasNodeIds(page: Page): Promise<string[]> {
  return Object.keys(await nodeStatuses(page)).sort();
}

export async function expectStatus(page: Page, id: string, status: string): Promise<void> {
  await expect.poll(() => canvasNode(page, id).getAttribute('data-status'), { timeout: WAIT_MS }).toBe(status);
}

/** Waits until every node on the canvas shows a settled status, and returns them. */
export async function waitForSettled(page: Page): Promise<Record<string, string>> {
  await page.waitForFunction(
    (settled: string[]) => {
      const nodes = [...document.querySelectorAll<HTMLElement>('[data-testid="canvas"] [data-node-id][data-status]')];
      return nodes.length > 0 && nodes.every((node) => settled.includes(node.dataset.status ?? ''));
    },
    [...SETTLED],
    { timeout: WAIT_MS },
  );
  return nodeStatuses(page);
}

/** The id of the node the run paused before (the one `data-status="paused"` node). */
export async function pausedNodeId(page: Page): Promise<string> {
  const paused = page.getByTestId('canvas').locator('[data-status="paused"]');
  await paused.waitFor({ timeout: WAIT_MS });
  await expect.poll(() => paused.count()).toBe(1);
  const id = await paused.getAttribute('data-node-id');
  if (id === null) throw new Error('The paused node has no data-node-id.');
  return id;
}

/** The run's status as the Run panel shows it (running, paused, succeeded, failed…). */
export function runStatus(page: Page): Locator {
  return page.getByRole('region', { name: 'Run status' }).getByRole('status');
}

export async function expectRunStatus(page: Page, status: string): Promise<void> {
  await expect.poll(() => runStatus(page).textContent(), { timeout: WAIT_MS }).toBe(status);
}

export function runButton(page: Page, name: 'Run' | 'Dry run' | 'Lab' | 'Step' | 'Continue' | 'Skip' | 'Stop'): Locator {
  return page.getByRole('toolbar', { name: 'Run controls' }).getByRole('button', { name, exact: true });
}

/** Types in the palette's search box; the palette then lists only the matching items. */
export async function searchPalette(page: Page, query: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Node palette' }).getByRole('searchbox', { name: 'Search nodes' }).fill(query);
}

export function paletteItem(page: Page, label: string): Locator {
  return page.getByRole('navigation', { name: 'Node palette' }).getByRole('button', { name: label, exact: true });
}

/**
 * Drags a palette item (by its accessible name, "Add VirusTotal: IP address report") onto the
 * canvas with the real mouse, dropping it `offset` pixels right of and below the centre of
 * node `besideId`; returns the new node's id.
 */
export async function dragFromPalette(page: Page, label: string, besideId: string, offset: { x: number; y: number }): Promise<string> {
  const before = new Set(await canvasNodeIds(page));
  const canvas = page.getByTestId('canvas');
  const canvasBox = await box(canvas);
  const anchor = await box(canvasNode(page, besideId));
  const at = { x: anchor.x + anchor.width / 2 + offset.x, y: anchor.y + anchor.height / 2 + offset.y };
  if (at.x < canvasBox.x || at.x > canvasBox.x + canvasBox.width || at.y < canvasBox.y || at.y > canvasBox.y + canvasBox.height) {
    throw new Error(`The drop point (${at.x}, ${at.y}) is outside the canvas.`);
  }
  await paletteItem(page, label).dragTo(canvas, { targetPosition: { x: at.x - canvasBox.x, y: at.y - canvasBox.y } });
  let added: string[] = [];
  await expect
    .poll(async () => {
      added = (await canvasNodeIds(page)).filter((id) => !before.has(id));
      return added.length;
    })
    .toBe(1);
  return added[0] as string;
}

/** Connects `from`'s output port to `to`'s input by dragging from the port's handle to the target handle. */
export async function connect(page: Page, from: string, port: string, to: string): Promise<void> {
  const source = await box(canvasNode(page, from).locator(`[data-port="${port}"]`));
  const target = await box(canvasNode(page, to).locator('.sb-in'));
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** A node's name on the canvas, detailed or (zoomed out) simplified. */
const NODE_NAME = '.sb-node-name, .sb-node-far-name';

/** Drags a node by its name (the body, not a handle) by `dx`, `dy` screen pixels. */
export async function dragNode(page: Page, id: string, dx: number, dy: number): Promise<void> {
  const handle = await box(canvasNode(page, id).locator(NODE_NAME));
  const x = handle.x + handle.width / 2;
  const y = handle.y + handle.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 12 });
  await page.mouse.up();
}

/** Selects a node by clicking its name on the canvas. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await canvasNode(page, id).locator(NODE_NAME).click();
  await expect.poll(() => nodeWrapper(page, id).evaluate((element) => element.classList.contains('selected'))).toBe(true);
}

/** Resolves after the page has rendered two more frames (what a store change shows up in). */
export async function nextFrame(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** The messages of the Inspector's list of all the playbook's problems (opened if folded). */
export async function problemMessages(page: Page): Promise<string[]> {
  const inspector = page.getByRole('tabpanel', { name: 'Inspector' });
  const fold = inspector.locator('details', { has: page.getByText(/All problems of the playbook/) });
  if ((await fold.count()) === 0) return [];
  if ((await fold.getAttribute('open')) === null) await fold.locator('summary').click();
  return fold.getByRole('list', { name: 'Problems' }).locator('.problem-message').allTextContents();
}

/** The save state next to the title: Saved, Unsaved changes, Saving…, Not saved. */
export function saveState(page: Page): Locator {
  return page.getByRole('banner').locator('.sb-save-state');
}

export async function expectSaved(page: Page): Promise<void> {
  await expect.poll(() => saveState(page).getAttribute('data-state'), { timeout: WAIT_MS }).toBe('saved');
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  await locator.waitFor();
  const found = await locator.boundingBox();
  if (found === null) throw new Error(`${locator.toString()} is not visible.`);
  return found;
}
