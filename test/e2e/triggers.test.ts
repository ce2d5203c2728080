import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectRunStatus, openPlaybook, showPanel, unique, waitForSettled } from './editor.ts';
import { hostCall, useEditor } from './fixture.ts';

const e2e = useEditor();
const WAIT_MS = 30_000;

/** The secret of the seeded "Lab webhook secret" credential (README, Webhooks). */
const LAB_WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** Headers of a Standard Webhooks delivery of `body`, signed as a sender does with `secret`. */
function signed(body: string, secret: string): Record<string, string> {
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/** A webhook trigger verified as Standard Webhooks, its secret in the slot `hook_secret`, feeding one set node. */
function webhookPlaybook(id: string, name: string, path: string): Record<string, unknown> {
  return {
    format: 'switchboard/playbook@1',
    id,
    name,
    description: 'A webhook starts it.',
    revision: 1,
    tags: [],
    credentials: { hook_secret: { connector: 'webhook' } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook@1', name: 'Hook', params: { path, verification: { type: 'standard-webhooks' } }, credential: 'hook_secret' },
      { id: 'note_user', type: 'core.set@1', name: 'Note user', params: { values: { user: '{{ trigger.body.user }}' } } },
    ],
    edges: [{ id: 'e1', from: 'hook', port: 'out', to: 'note_user' }],
    layout: { hook: { x: 0, y: 0 }, note_user: { x: 260, y: 0 } },
    notes: [],
  };
}

describe('triggers in the editor', () => {
  it('publishes and enables a webhook playbook, shows its URL, and a signed event posted to it appears live with its run, which opens on the canvas', async () => {
    const { page, server } = e2e;
    const name = unique('Hooked');
    const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    await hostCall(server.port, server.token, 'playbooks.save', { playbook: webhookPlaybook(id, name, id) });
    await hostCall(server.port, server.token, 'playbooks.bind', { playbookId: id, slot: 'hook_secret', credentialId: 'lab-webhook' });
    await openPlaybook(page, name);

    const panel = await showPanel(page, 'Triggers');
    const triggers = panel.getByRole('region', { name: 'Triggers' });
    await expect.poll(() => triggers.getByRole('status').textContent(), { timeout: WAIT_MS }).toBe('Disabled, never published: nothing fires.');
    await triggers.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => triggers.getByRole('status').textContent(), { timeout: WAIT_MS }).toBe('Disabled: nothing fires (published r1).');
    await triggers.getByRole('button', { name: 'Enable', exact: true }).click();
    await expect.poll(() => triggers.getByRole('status').textContent(), { timeout: WAIT_MS }).toBe('Enabled: live triggers run published r1.');

    const hook = triggers.getByRole('listitem', { name: 'Trigger Hook' });
    const urlBox = hook.getByRole('textbox', { name: 'Webhook URL of Hook' });
    await urlBox.waitFor({ timeout: WAIT_MS });
    const url = await urlBox.inputValue();
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/hooks/${id}$`));

    const body = JSON.stringify({ user: 'alice@example.com' });
    const forged = await fetch(url, { method: 'POST', headers: signed(body, 'whsec_bm90IHRoZSBzZWNyZXQ='), body });
    expect(forged.status).toBe(401);
    const response = await fetch(url, { method: 'POST', headers: signed(body, LAB_WEBHOOK_SECRET), body });
    expect(response.status).toBe(202);
    const { eventId, status } = (await response.json()) as { eventId: string; status: string };
    expect(status).toBe('accepted');

    const events = panel.getByRole('list', { name: 'Events, newest first' });
    const item = events.getByRole('listitem', { name: `Event ${eventId}` });
    await item.waitFor({ timeout: WAIT_MS });
    await expect.poll(() => item.locator('.status-badge').textContent(), { timeout: WAIT_MS }).toBe('done');
    const openRun = item.getByRole('button', { name: /^Open run / });
    await openRun.click();

    await expectRunStatus(page, 'succeeded');
    expect(await waitForSettled(page)).toEqual({ hook: 'succeeded', note_user: 'succeeded' });
  });
});
