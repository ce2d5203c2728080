import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, createPlaybook, dragFromPalette, paletteItem, searchPalette, selectNode, showPanel, unique } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

const PANOS_BLOCK = 'Add Palo Alto PAN-OS: Block IP (address group)';
const AWS_WAF = 'Add AWS: Add IP to WAF IP set';

/** The open side-panel tab's label (without the Inspector's error count). */
function openTab(page: Page): Promise<string | null> {
  return page
    .getByRole('tablist', { name: 'Panels' })
    .getByRole('tab', { selected: true })
    .evaluate((tab) => tab.firstChild?.textContent ?? null);
}

/** The Inspector's heading: the shown node's name. */
function inspected(page: Page): Promise<string | null> {
  return page.getByRole('tabpanel', { name: 'Inspector' }).getByRole('heading', { level: 2 }).first().textContent();
}

/** Tabs that stick out of the tab bar or the window, and how far the bar itself scrolls sideways. */
function tabsOverflow(page: Page): Promise<{ outside: string[]; scroll: number }> {
  return page.getByRole('tablist', { name: 'Panels' }).evaluate((list) => {
    const bar = list.getBoundingClientRect();
    const outside = [...list.querySelectorAll('[role="tab"]')]
      .filter((tab) => {
        const box = tab.getBoundingClientRect();
        return box.left < bar.left - 0.5 || box.right > bar.right + 0.5 || box.right > window.innerWidth || box.width === 0;
      })
      .map((tab) => tab.textContent ?? '');
    return { outside, scroll: list.scrollWidth - list.clientWidth };
  });
}

describe('building: palette search and the Inspector', () => {
  it('finds firewall actions by category, and shows a dropped or clicked node in the Inspector', async () => {
    const { page } = e2e;
    await page.setViewportSize({ width: 1280, height: 800 });
    await createPlaybook(page, unique('E2E palette'));

    // "firewall" is a category, not a title: it lists PAN-OS's actions and AWS's WAF ones.
    await searchPalette(page, 'firewall');
    await paletteItem(page, PANOS_BLOCK).waitFor();
    await paletteItem(page, AWS_WAF).waitFor();
    await expect.poll(() => paletteItem(page, 'Add Core: Condition').count()).toBe(0);

    // Dropped while the Playbooks panel is open, the new node opens in the Inspector.
    expect(await openTab(page)).toBe('Playbooks');
    const block = await dragFromPalette(page, PANOS_BLOCK, 'start', { x: 300, y: 80 });
    await expect.poll(() => openTab(page)).toBe('Inspector');
    await expect.poll(() => inspected(page)).toBe('Block IP (address group)');

    // A click on another node, with the Credentials panel open, shows that one.
    await showPanel(page, 'Credentials');
    await selectNode(page, 'start');
    await expect.poll(() => openTab(page)).toBe('Inspector');
    await expect.poll(() => inspected(page)).toBe(await canvasNode(page, 'start').locator('.sb-node-name').textContent());

    // A click on the node already selected brings it back too.
    await showPanel(page, 'Triggers');
    await canvasNode(page, 'start').locator('.sb-node-name').click();
    await expect.poll(() => openTab(page)).toBe('Inspector');
    await selectNode(page, block);
    await expect.poll(() => inspected(page)).toBe('Block IP (address group)');
  });

  it('keeps every side-panel tab inside its bar, and reachable, at 1280 and 900 px wide', async () => {
    const { page } = e2e;
    for (const width of [1280, 900]) {
      await page.setViewportSize({ width, height: 800 });
      await expect.poll(() => tabsOverflow(page)).toEqual({ outside: [], scroll: 0 });
      for (const tab of ['Playbooks', 'Credentials', 'Inspector'] as const) {
        await showPanel(page, tab);
        expect(await openTab(page)).toBe(tab);
      }
    }
  });
});
