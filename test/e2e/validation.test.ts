import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPlaybook, problemMessages, saveState, nodeOf, selectNode, shippedPlaybook, showPanel } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const suspiciousLogin = shippedPlaybook('suspicious-login');

const nodeNamed = (id: string) => nodeOf(suspiciousLogin, id);

const ticket = nodeNamed('create_ticket');

/**
 * Types a reference to `upstream`'s output field `wrong` into the Jira ticket's summary, and
 * expects the message that names both nodes, the action and the closest field `right`, in the
 * playbook's problems and under the field. Returns the summary box and the message.
 */
async function expectMisspeltFieldNamed(page: Page, upstream: { id: string; type: string; name: string }, wrong: string, right: string): Promise<{ summary: Locator; misspelt: string }> {
  await openPlaybook(page, suspiciousLogin.name);
  await selectNode(page, ticket.id);
  const inspector = await showPanel(page, 'Inspector');
  const summary = inspector.getByRole('combobox', { name: 'Summary', exact: true });
  await summary.fill(`Upstream says {{ nodes.${upstream.id}.output.${wrong} }}`);
  await summary.press('Enter');
  await expect.poll(() => saveState(page).textContent()).toBe('Unsaved changes');
  const misspelt =
    `${ticket.name}: Summary reads nodes.${upstream.id}.output.${wrong}, but ${upstream.name} (${upstream.type}) ` +
    `has no field ${wrong} in its output (did you mean ${right}?)`;
  await expect.poll(() => problemMessages(page), { timeout: 15_000 }).toContain(misspelt);
  // The field itself shows it too, under the box.
  await expect.poll(() => inspector.locator(`#param-${ticket.id}-summary-errors`).textContent()).toBe(misspelt);
  return { summary, misspelt };
}

describe('validation while building', () => {
  it("names a misspelt AbuseIPDB output field, with the closest one, and an emptied required field by the node's name", async () => {
    const { page } = e2e;
    const check = nodeNamed('check_abuseipdb');
    const { summary, misspelt } = await expectMisspeltFieldNamed(page, check, 'abuseConfidenceScroe', 'abuseConfidenceScore');

    // Spelt right, the warning goes away.
    await summary.fill(`Abuse score {{ nodes.${check.id}.output.abuseConfidenceScore }}`);
    await summary.press('Enter');
    await expect.poll(() => problemMessages(page), { timeout: 15_000 }).not.toContain(misspelt);

    // Emptied, the required field is named by the node's name and the field's label.
    await summary.fill('');
    await summary.press('Enter');
    await expect.poll(() => problemMessages(page), { timeout: 15_000 }).toContain(`${ticket.name}: Summary is required`);
  });

  it('names a misspelt VirusTotal output field too, and an emptied field by its title', async () => {
    const { page } = e2e;
    await expectMisspeltFieldNamed(page, nodeNamed('vt_ip_report'), 'verdcit', 'verdict');

    const check = nodeNamed('check_abuseipdb');
    await selectNode(page, check.id);
    const ip = page.getByRole('tabpanel', { name: 'Inspector' }).getByRole('combobox', { name: 'IP address', exact: true });
    await ip.fill('');
    await ip.press('Enter');
    await expect.poll(() => problemMessages(page), { timeout: 15_000 }).toContain(`${check.name}: IP address is required`);
  });
});
