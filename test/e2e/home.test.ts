import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectRunStatus, expectTitle, runButton, shippedPlaybook, title, waitForSettled } from './editor.ts';
import { useEditor, waitForEditor, waitForHome } from './fixture.ts';

const e2e = useEditor({ startAt: 'home' });
const SHIPPED = ['incident-investigation', 'phishing-response', 'suspicious-login', 'vulnerability-response'].map(shippedPlaybook);
const suspiciousLogin = shippedPlaybook('suspicious-login');

function playbookTable(page: Page) {
  return page.getByRole('table', { name: 'Playbooks' });
}

function playbookRow(page: Page, name: string) {
  return playbookTable(page).getByRole('row', { name, exact: true });
}

/** Each row's cells as text: name (with description), nodes, last run, triggers. */
async function rowCells(page: Page, name: string): Promise<string[]> {
  return playbookRow(page, name).getByRole('cell').allTextContents();
}

async function canvasNodeCount(page: Page): Promise<number> {
  return page.getByTestId('canvas').locator('[data-node-id]').count();
}

async function expectEditorWith(page: Page, name: string, nodeCount: number): Promise<void> {
  await expectTitle(page, name);
  await expect.poll(() => canvasNodeCount(page)).toBe(nodeCount);
}

async function goHome(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'All playbooks', exact: true }).click();
  await waitForHome(page);
}

describe('the home view', () => {
  it('opens on the workspace playbooks with their node counts, and a guided start that opens Suspicious login', async () => {
    const { page } = e2e;
    expect(await title(page).textContent()).toBe('Playbooks');
    expect(new URL(page.url()).searchParams.has('playbook')).toBe(false);
    expect(await page.locator('.react-flow').count()).toBe(0);

    const names = await playbookTable(page).getByRole('row').getByRole('link').allTextContents();
    expect(names).toEqual(SHIPPED.map((playbook) => playbook.name));
    for (const playbook of SHIPPED) {
      const [, nodes, lastRun] = await rowCells(page, playbook.name);
      expect(nodes).toBe(String(playbook.nodes.length));
      expect(lastRun).toBe('Never run');
    }

    // A new workspace: nothing has run yet, and its lab credentials keep Suspicious login on the lab.
    const start = page.getByRole('region', { name: 'Getting started' });
    expect(await start.getByRole('paragraph').textContent()).toBe('Open Suspicious login and press Run: it runs on the lab, nothing real is touched.');
    await start.getByRole('button', { name: 'Open Suspicious login', exact: true }).click();
    await expectEditorWith(page, suspiciousLogin.name, suspiciousLogin.nodes.length);
    expect(new URL(page.url()).searchParams.get('playbook')).toBe('suspicious-login');
  });

  it("opens a playbook by its name, goes home, and reopens one from its link after a reload", async () => {
    const { page } = e2e;
    const phishing = shippedPlaybook('phishing-response');
    await playbookRow(page, phishing.name).getByRole('link', { name: phishing.name, exact: true }).click();
    await expectEditorWith(page, phishing.name, phishing.nodes.length);
    expect(new URL(page.url()).searchParams.get('playbook')).toBe('phishing-response');

    // A reload of the playbook's address reopens it.
    await page.reload();
    await waitForEditor(page);
    await expectEditorWith(page, phishing.name, phishing.nodes.length);

    await goHome(page);
    expect(new URL(page.url()).searchParams.has('playbook')).toBe(false);
    // The browser's Back returns to the playbook, Forward to home.
    await page.goBack();
    await expectEditorWith(page, phishing.name, phishing.nodes.length);
    await page.goForward();
    await waitForHome(page);

    // The plain address, reloaded, stays home.
    await page.reload();
    await waitForHome(page);
  });

  it('opens the focused row with Enter', async () => {
    const { page } = e2e;
    const vulnerability = shippedPlaybook('vulnerability-response');
    await playbookRow(page, vulnerability.name).focus();
    await page.keyboard.press('Enter');
    await expectEditorWith(page, vulnerability.name, vulnerability.nodes.length);
  });

  it('asks before leaving a playbook with unsaved changes for home', async () => {
    const { page } = e2e;
    await playbookRow(page, suspiciousLogin.name).getByRole('link').click();
    await expectEditorWith(page, suspiciousLogin.name, suspiciousLogin.nodes.length);
    await page.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect.poll(() => page.getByRole('banner').locator('.sb-save-state').textContent()).toBe('Unsaved changes');

    await page.getByRole('banner').getByRole('button', { name: 'All playbooks', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Please confirm' });
    expect(await dialog.textContent()).toContain('Suspicious login has unsaved changes. Going to the playbook list discards them.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await title(page).textContent()).toBe(suspiciousLogin.name);

    await page.getByRole('banner').getByRole('button', { name: 'All playbooks', exact: true }).click();
    await page.getByRole('dialog', { name: 'Please confirm' }).getByRole('button', { name: 'Discard changes' }).click();
    await waitForHome(page);
  });

  it('shows the last run and its status on the row once the playbook has run, and the guided start is gone', async () => {
    const { page } = e2e;
    await playbookRow(page, suspiciousLogin.name).getByRole('link').click();
    await expectEditorWith(page, suspiciousLogin.name, suspiciousLogin.nodes.length);
    await runButton(page, 'Run').click();
    await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');

    await goHome(page);
    await expect.poll(async () => (await rowCells(page, suspiciousLogin.name))[2]).toMatch(/^Succeeded.*just now$/);
    expect((await rowCells(page, 'Incident investigation'))[2]).toBe('Never run');
    expect(await page.getByRole('region', { name: 'Getting started' }).count()).toBe(0);
  });
});
