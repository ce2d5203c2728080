import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRunStatus, openPlaybook, runButton, shippedPlaybook, showPanel, waitForSettled } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const phishing = shippedPlaybook('phishing-response');

/** The `approval.decided` events the host journalled, read from the workspace's run journals. */
function journalledDecisions(workspace: string): Array<Record<string, unknown>> {
  const dir = path.join(workspace, 'runs');
  const lines = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((file) => {
    const full = path.join(dir, file);
    return fs.statSync(full).isFile() ? fs.readFileSync(full, 'utf8').split('\n') : [];
  });
  return lines.filter((line) => line.includes('"approval.decided"')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('approval evidence', () => {
  it('shows the evidence in the card and records the display name and comment with the decision', async () => {
    const { page, server } = e2e;
    const approvalNode = phishing.nodes.find((node) => node.type.startsWith('core.approval@'));
    if (approvalNode === undefined) throw new Error('phishing-response has no approval node');
    await openPlaybook(page, phishing.name);
    await runButton(page, 'Run').click();

    const card = page.getByRole('group', { name: `Approval for ${approvalNode.name}` });
    await card.waitFor();
    const evidence = card.locator('dl[aria-label="Evidence"]');
    const rows = await evidence.locator('div').evaluateAll((divs) => divs.map((div) => [div.querySelector('dt')?.textContent ?? '', div.querySelector('dd')?.textContent ?? '']));
    expect(Object.fromEntries(rows)).toEqual({
      Sender: 'billing@paypa1-secure.com',
      Subject: 'Action required: your invoice is overdue',
      'Reported by': 'alice@corp.example',
      'Malicious URLs': 'hxxp://paypa1-secure.com/login/verify',
      'Malicious attachment SHA-256': expect.stringMatching(/^[0-9a-f]{64}$/),
      'Copies still in an inbox': '2',
      Mailboxes: 'alice@corp.example, bob@corp.example',
    });

    // "Your name" goes to the workspace settings; the comment goes with the decision.
    const panel = await showPanel(page, 'Run');
    await panel.getByRole('textbox', { name: 'Your name' }).fill('Dana Scully');
    await card.getByRole('textbox', { name: 'Comment (optional)' }).fill('Lookalike domain, both copies confirmed');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');

    const timeline = panel.getByRole('list', { name: 'Timeline' });
    await expect.poll(() => timeline.textContent()).toContain(`${approvalNode.name}: approved by Dana Scully — “Lookalike domain, both copies confirmed”`);
    expect(await timeline.textContent()).toContain('Sender: billing@paypa1-secure.com');
    expect(journalledDecisions(server.workspace)).toEqual([
      expect.objectContaining({ nodeId: approvalNode.id, decision: 'approved', by: 'Dana Scully', comment: 'Lookalike domain, both copies confirmed' }),
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(server.workspace, 'settings.json'), 'utf8'))).toMatchObject({ displayName: 'Dana Scully' });
  });
});
