import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, expectRunStatus, openPlaybook, runButton, runStatus, nodeOf, selectNode, shippedPlaybook, showPanel, waitForSettled } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const suspiciousLogin = shippedPlaybook('suspicious-login');

const nodeNamed = (id: string) => nodeOf(suspiciousLogin, id);

/** A canvas node's size in CSS pixels (zoom left out) and the line height of its name. */
function nodeSize(page: Page, id: string): Promise<{ width: number; height: number; nameLine: number }> {
  return canvasNode(page, id).evaluate((element) => {
    const name = element.querySelector('.sb-node-name');
    const line = name === null ? 0 : Number.parseFloat(getComputedStyle(name).lineHeight);
    return { width: (element as HTMLElement).offsetWidth, height: (element as HTMLElement).offsetHeight, nameLine: Number.isNaN(line) ? 20 : line };
  });
}

describe('guided while building', () => {
  it('opens expression completion on typing {{ in a text field and in a number field, and inserts the picked path', async () => {
    const { page } = e2e;
    const ticket = nodeNamed('create_ticket');
    await openPlaybook(page, suspiciousLogin.name);

    await selectNode(page, ticket.id);
    const inspector = await showPanel(page, 'Inspector');
    const summary = inspector.getByRole('combobox', { name: 'Summary', exact: true });
    await summary.fill('');
    await summary.pressSequentially('Score {{');
    const list = inspector.getByRole('listbox', { name: 'Expression suggestions' });
    await list.waitFor();
    expect(await summary.getAttribute('aria-expanded')).toBe('true');
    // The list opens under the {{ typed, not at the field's left edge.
    const [field, opened] = await Promise.all([summary.boundingBox(), list.boundingBox()]);
    expect((opened?.x ?? 0) - (field?.x ?? 0)).toBeGreaterThan(20);
    await summary.pressSequentially('abuseConfidenceSc');
    await expect.poll(() => list.getByRole('option').first().locator('code').textContent()).toBe('{{ nodes.check_abuseipdb.output.abuseConfidenceScore }}');
    await summary.press('Enter');
    expect(await summary.inputValue()).toBe('Score {{ nodes.check_abuseipdb.output.abuseConfidenceScore }}');
    expect(await list.isHidden()).toBe(true);

    // A number field turns into an expression field as soon as {{ is typed: no fx toggle.
    await selectNode(page, 'check_abuseipdb');
    // Labelled by its title, with the vendor's parameter name beside it.
    const maxAge = inspector.getByLabel('Reports from the last (days)', { exact: true });
    expect(await inspector.locator('.field', { hasText: 'Reports from the last (days)' }).locator('code.field-key').textContent()).toBe('maxAgeInDays');
    await maxAge.fill('');
    await maxAge.pressSequentially('{{');
    const expression = inspector.getByRole('combobox', { name: 'Reports from the last (days)', exact: true });
    await expect.poll(() => expression.getAttribute('aria-expanded')).toBe('true');
    await expression.pressSequentially('trigger.body.sr');
    await expression.press('ArrowDown');
    await expression.press('ArrowUp');
    await expression.press('Tab');
    expect(await expression.inputValue()).toBe('{{ trigger.body.src }}');
  });

  it('refuses a node name longer than the format allows while typing, and keeps the node small on the canvas', async () => {
    const { page } = e2e;
    await openPlaybook(page, suspiciousLogin.name);
    await selectNode(page, 'verdict');
    const before = await nodeSize(page, 'verdict');
    const inspector = await showPanel(page, 'Inspector');
    const name = inspector.getByRole('textbox', { name: 'Name', exact: true });
    await name.fill('');
    await name.pressSequentially('A'.repeat(190));
    await expect.poll(() => inspector.getByText('190 / 200 characters').count()).toBe(1);
    await name.pressSequentially('B'.repeat(30));
    expect((await name.inputValue()).length).toBe(200);
    await expect.poll(() => inspector.getByText('A node name can be at most 200 characters: 200 / 200.').count()).toBe(1);
    await name.press('Enter');
    await expect.poll(() => canvasNode(page, 'verdict').locator('.sb-node-name').textContent()).toBe(`${'A'.repeat(190)}${'B'.repeat(10)}`);
    // Clipped to two lines: the node grows by one line of its name at most, and not at all in width.
    const after = await nodeSize(page, 'verdict');
    expect(after.height - before.height).toBeLessThanOrEqual(before.nameLine + 1);
    expect(after.width).toBe(before.width);
  });

  it('keeps the Inspector on the node when a rename is undone after clicking away', async () => {
    const { page } = e2e;
    const verdict = nodeNamed('verdict');
    await openPlaybook(page, suspiciousLogin.name);
    await selectNode(page, verdict.id);
    const inspector = await showPanel(page, 'Inspector');
    const name = inspector.getByRole('textbox', { name: 'Name', exact: true });
    await name.fill('Renamed verdict');
    await name.press('Enter');
    await expect.poll(() => canvasNode(page, verdict.id).locator('.sb-node-name').textContent()).toBe('Renamed verdict');

    // Click the empty canvas: nothing is selected.
    const pane = page.getByTestId('canvas').locator('.react-flow__pane');
    await pane.click({ position: { x: 8, y: 8 } });
    await inspector.getByText('Select a node on the canvas to edit it.').waitFor();

    await page.keyboard.press('Control+z');
    await expect.poll(() => canvasNode(page, verdict.id).locator('.sb-node-name').textContent()).toBe(verdict.name);
    await expect.poll(() => inspector.getByRole('heading', { level: 2 }).first().textContent()).toBe(verdict.name);
    expect(await page.getByTestId('canvas').locator(`.react-flow__node[data-id="${verdict.id}"]`).evaluate((element) => element.classList.contains('selected'))).toBe(true);

    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => inspector.getByRole('heading', { level: 2 }).first().textContent()).toBe('Renamed verdict');
  });

  it('asks before Run from here on a path with live writes, naming only those, and Cancel starts nothing', async () => {
    const { page } = e2e;
    const suspend = nodeNamed('suspend_user');
    await openPlaybook(page, suspiciousLogin.name);
    await runButton(page, 'Run').click();
    await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');

    // A real (not lab) Okta credential bound to the playbook's okta slot: Okta writes become live.
    const credentials = await showPanel(page, 'Credentials');
    await credentials.getByRole('combobox', { name: 'Connector of the new credential' }).selectOption({ label: 'Okta' });
    await credentials.getByRole('button', { name: 'New credential', exact: true }).click();
    const form = credentials.getByRole('form', { name: 'New Okta credential' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Okta production');
    await form.getByLabel('Base URL', { exact: true }).fill('https://acme.okta.example');
    await form.getByLabel('API token', { exact: true }).fill('not-a-real-token');
    await form.getByRole('button', { name: 'Save credential' }).click();
    await credentials.getByRole('list', { name: 'Stored credentials' }).getByText('Okta production', { exact: true }).waitFor();
    await selectNode(page, suspend.id);
    const inspector = await showPanel(page, 'Inspector');
    const binding = inspector.getByRole('combobox', { name: 'Credential for slot okta' });
    await binding.selectOption({ label: 'Okta production' });
    await expect.poll(() => binding.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('Okta production');

    await selectNode(page, 'is_confirmed');
    const panel = await showPanel(page, 'Run');
    const header = page.getByRole('region', { name: 'Run status' });
    const shown = await header.textContent();
    await panel.getByRole('button', { name: 'Run from here' }).click();
    const dialog = page.getByRole('dialog', { name: 'Please confirm' });
    await dialog.waitFor();
    // PAN-OS, Jira, Slack and Splunk still go to the lab's twins: only the Okta write is live.
    expect(await dialog.getByText(/^This will run/).textContent()).toBe(`This will run 1 live write: ${suspend.name} (Okta). Run from here?`);

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await runStatus(page).textContent()).toBe('succeeded');
    expect(await header.textContent()).toBe(shown);
  });
});
