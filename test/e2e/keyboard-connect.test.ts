import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, createPlaybook, dragFromPalette, edge, nodeWrapper, searchPalette, unique } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

const PANOS_BLOCK = 'Add Palo Alto PAN-OS: Block IP (address group)';
const AWS_WAF = 'Add AWS: Add IP to WAF IP set';

/** Presses Tab until the canvas node `id` has focus (React Flow makes nodes focusable). */
async function tabToNode(page: Page, id: string): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('.react-flow__node')?.getAttribute('data-id') ?? null);
    if (focused === id) return;
  }
  throw new Error(`Tab never reached node ${id}`);
}

/** The focused element's outline, as drawn. */
function focusRing(page: Page): Promise<{ style: string; width: string }> {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element);
    return { style: style.outlineStyle, width: style.outlineWidth };
  });
}

/** Drags from `from`'s output port and drops at the middle of `selector` inside node `to`. */
async function dragPortOnto(page: Page, from: string, port: string, to: string, selector: string): Promise<void> {
  const source = await canvasNode(page, from).locator(`[data-port="${port}"]`).boundingBox();
  const target = await canvasNode(page, to).locator(selector).first().boundingBox();
  if (source === null || target === null) throw new Error('a handle is not visible');
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** `#2f5fd0` as getComputedStyle writes it: `rgb(47, 95, 208)`. */
function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

function notice(page: Page, text: string) {
  return page.getByRole('status').filter({ hasText: text });
}

/** What has focus: a skip link's text, a canvas node's id, or a tab's name. */
function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const node = element?.closest('.react-flow__node')?.getAttribute('data-id');
    return node !== null && node !== undefined ? `node ${node}` : (element?.textContent ?? null);
  });
}

describe('skip links', () => {
  it('are the first stops of Tab, shown when focused, and move focus to the canvas or the panels', async () => {
    const { page } = e2e;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to canvas');
    const shown = await page.getByRole('button', { name: 'Skip to canvas' }).boundingBox();
    expect(shown !== null && shown.y >= 0 && shown.height > 0).toBe(true);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/^node /);

    await page.getByRole('button', { name: 'Skip to canvas' }).focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to panels');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tab');
  });
});

describe('connecting from the keyboard, and refused connections', () => {
  it('connects two nodes with Tab, Enter, C, arrows and Enter; undo removes the edge', async () => {
    const { page } = e2e;
    await createPlaybook(page, unique('E2E keyboard'));
    await searchPalette(page, 'firewall');
    const block = await dragFromPalette(page, PANOS_BLOCK, 'start', { x: 320, y: -60 });
    const waf = await dragFromPalette(page, AWS_WAF, 'start', { x: 320, y: 140 });
    const start = (await canvasNode(page, 'start').locator('.sb-node-name').textContent()) ?? '';

    // Tab reaches the trigger with a visible ring; Enter selects it; C opens Connect….
    await tabToNode(page, 'start');
    expect(await focusRing(page)).toEqual({ style: 'solid', width: '3px' });
    await page.keyboard.press('Enter');
    await expect.poll(() => nodeWrapper(page, 'start').evaluate((element) => element.classList.contains('selected'))).toBe(true);
    await page.keyboard.press('c');
    const dialog = page.getByRole('dialog', { name: `Connect ${start}` });
    const list = dialog.getByRole('listbox', { name: /To/ });
    await list.waitFor();
    expect(await list.getByRole('option').allTextContents()).toEqual(['Block IP (address group)', 'Add IP to WAF IP set']);

    // The first target is picked; ArrowDown picks the second and Enter connects it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await edge(page, 'start', waf).waitFor();
    expect(await edge(page, 'start', block).count()).toBe(0);
    await notice(page, `Connected ${start} (out) → Add IP to WAF IP set.`).waitFor();

    // Focus went back to the node; undo takes the edge away.
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.react-flow__node')?.getAttribute('data-id'))).toBe('start');
    await page.keyboard.press('Control+z');
    await edge(page, 'start', waf).waitFor({ state: 'detached' });

    // Connected nodes leave the list: after start → block, only the WAF node is offered.
    await page.keyboard.press('Enter');
    await page.keyboard.press('c');
    await dialog.getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    await edge(page, 'start', block).waitFor();
    await page.keyboard.press('c');
    expect(await dialog.getByRole('option').allTextContents()).toEqual(['Add IP to WAF IP set']);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // An edge focused from the keyboard is drawn in the focus colour, thicker.
    await edge(page, 'start', block).focus();
    const stroke = await edge(page, 'start', block).locator('.react-flow__edge-path').evaluate((path) => {
      const style = getComputedStyle(path);
      return { colour: style.stroke, width: style.strokeWidth, focus: getComputedStyle(document.documentElement).getPropertyValue('--sb-focus').trim() };
    });
    expect(stroke.width).toBe('4px');
    expect(stroke.colour).toBe(hexToRgb(stroke.focus));
  });

  it('says why a dragged connection is refused: into a trigger, output onto output', async () => {
    const { page } = e2e;
    await createPlaybook(page, unique('E2E refused'));
    await searchPalette(page, 'firewall');
    const block = await dragFromPalette(page, PANOS_BLOCK, 'start', { x: 320, y: -60 });
    const waf = await dragFromPalette(page, AWS_WAF, 'start', { x: 320, y: 140 });
    const start = (await canvasNode(page, 'start').locator('.sb-node-name').textContent()) ?? '';

    await dragPortOnto(page, block, 'out', 'start', '.sb-node-name');
    await notice(page, `Can't connect: Block IP (address group) → ${start} is into a trigger`).waitFor();
    expect(await edge(page, block, 'start').count()).toBe(0);

    await dragPortOnto(page, block, 'out', waf, '[data-port="out"]');
    await notice(page, "Can't connect: Block IP (address group) → Add IP to WAF IP set joins two outputs").waitFor();
    expect(await edge(page, block, waf).count()).toBe(0);
  });
});
