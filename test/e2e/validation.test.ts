import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPlaybook, saveState, selectNode, shippedPlaybook, showPanel } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const suspiciousLogin = shippedPlaybook('suspicious-login');

/** The messages of the Inspector's list of all the playbook's problems (opened if folded). */
async function problemMessages(page: Page): Promise<string[]> {
  const inspector = page.getByRole('tabpanel', { name: 'Inspector' });
  const fold = inspector.locator('details', { has: page.getByText(/All problems of the playbook/) });
  if ((await fold.count()) === 0) return [];
  if ((await fold.getAttribute('open')) === null) await fold.locator('summary').click();
  return fold.getByRole('list', { name: 'Problems' }).locator('.problem-message').allTextContents();
}

describe('validation while building', () => {
  it("names a misspelt upstream output field, with the closest one, and an emptied required field by the node's name", async () => {
    const { page } = e2e;
    const check = suspiciousLogin.nodes.find((node) => node.type === 'abuseipdb.check_ip@1');
    const ticket = suspiciousLogin.nodes.find((node) => node.id === 'create_ticket');
    if (check === undefined || ticket === undefined) throw new Error('suspicious-login lost its AbuseIPDB check or its Jira ticket');

    await openPlaybook(page, suspiciousLogin.name);
    await selectNode(page, ticket.id);
    const inspector = await showPanel(page, 'Inspector');
    const summary = inspector.getByRole('combobox', { name: 'summary', exact: true });

    // A field read from the AbuseIPDB check that its output does not have.
    await summary.fill(`Abuse score {{ nodes.${check.id}.output.abuseConfidenceScroe }}`);
    await summary.press('Enter');
    await expect.poll(() => saveState(page).textContent()).toBe('Unsaved changes');
    const misspelt =
      `${ticket.name}: summary reads nodes.${check.id}.output.abuseConfidenceScroe, but ${check.name} (abuseipdb.check_ip@1) ` +
      'has no field abuseConfidenceScroe in its output (did you mean abuseConfidenceScore?)';
    await expect.poll(() => problemMessages(page), { timeout: 15_000 }).toContain(misspelt);
    // The field itself shows it too, under the box.
    await expect.poll(() => inspector.locator(`#param-${ticket.id}-summary-errors`).textContent()).toBe(misspelt);

    // Spelt right, the warning goes away.
    await summary.fill(`Abuse score {{ nodes.${check.id}.output.abuseConfidenceScore }}`);
    await summary.press('Enter');
    await expect.poll(() => problemMessages(page), { timeout: 15_000 }).not.toContain(misspelt);

    // Emptied, the required field is named by the node's name and the field's label.
    await summary.fill('');
    await summary.press('Enter');
    await expect.poll(() => problemMessages(page), { timeout: 15_000 }).toContain(`${ticket.name}: summary is required`);
  });
});
