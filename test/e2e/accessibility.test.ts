import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, expectRunStatus, nodeWrapper, openPlaybook, runButton, shippedPlaybook, showPanel, waitForSettled } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
/** axe-core's browser build; evaluated through the debugging protocol, as the page's CSP allows no inline script tag. */
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const investigation = shippedPlaybook('incident-investigation');
const suspiciousLogin = shippedPlaybook('suspicious-login');
const THEMES = ['light', 'dark'] as const;

/** What the page's axe.run answers, as far as these tests read it. */
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules and best practices) on the page as it is and returns
 * its serious and critical violations, each as "rule (impact): help — the first elements".
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.slice(0, 6).map((node) => node.target.join(' ')).join(', ')}`);
  });
}

/** Switches the app to `theme` with the top bar's button (a no-op when it is on already). */
async function useTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
  const current = () => page.evaluate(() => document.documentElement.dataset.theme);
  if ((await current()) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click();
  await expect.poll(current).toBe(theme);
}

describe.each(THEMES)('axe-core finds nothing serious (%s theme)', (theme) => {
  it('on the home view', async () => {
    const { page } = e2e;
    await page.getByRole('banner').getByRole('button', { name: 'All playbooks', exact: true }).click();
    await page.getByRole('table', { name: 'Playbooks' }).waitFor();
    await useTheme(page, theme);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('in the editor with a playbook open', async () => {
    const { page } = e2e;
    await openPlaybook(page, investigation.name);
    await useTheme(page, theme);
    expect(await seriousViolations(page)).toEqual([]);
    // Edges are announced by the names of their ends, not React Flow's "Edge from <id> to <id>".
    const first = investigation.edges[0]!;
    const nameOf = (id: string) => investigation.nodes.find((node) => node.id === id)?.name;
    const label = `${nameOf(first.from)} to ${nameOf(first.to)}${first.port === 'out' ? '' : `, port ${first.port}`}`;
    await page.locator(`.react-flow__edge[data-id="${first.id}"]`).waitFor({ state: 'attached' });
    expect(await page.locator(`.react-flow__edge[data-id="${first.id}"]`).getAttribute('aria-label')).toBe(label);
    expect(await page.locator('.react-flow__edge[aria-label^="Edge from"]').count()).toBe(0);
  });

  it('in the run panel after a lab run', async () => {
    const { page } = e2e;
    await openPlaybook(page, investigation.name);
    await useTheme(page, theme);
    await runButton(page, 'Run').click();
    await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    await showPanel(page, 'Run');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('on a run with a skipped node in view', async () => {
    const { page } = e2e;
    await openPlaybook(page, suspiciousLogin.name);
    await useTheme(page, theme);
    await runButton(page, 'Run').click();
    const statuses = await waitForSettled(page);
    const skipped = Object.keys(statuses).find((id) => statuses[id] === 'skipped');
    if (skipped === undefined) throw new Error('The Suspicious login run skipped no node.');
    // A node focused from the keyboard is brought into view (React Flow pans to it).
    await page.keyboard.press('Shift');
    await nodeWrapper(page, skipped).focus();
    await expect.poll(() => canvasNode(page, skipped).evaluate((node) => {
      const box = node.getBoundingClientRect();
      const canvas = (node.closest('[data-testid="canvas"]') as HTMLElement).getBoundingClientRect();
      return box.left >= canvas.left && box.right <= canvas.right && box.top >= canvas.top && box.bottom <= canvas.bottom;
    })).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('in the import dialog', async () => {
    const { page } = e2e;
    await useTheme(page, theme);
    const file = new URL('../../playbooks/suspicious-login.playbook.json', import.meta.url);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import', exact: true }).first().click()]);
    await chooser.setFiles({ name: 'suspicious-login.playbook.json', mimeType: 'application/json', buffer: fs.readFileSync(file) });
    await page.getByRole('dialog', { name: /^Import / }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
