import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPROVAL, useProtocolServer, writeShipped } from './harness.ts';

// Who an approval is recorded as when nobody is signed in: the "Your name" setting, not the OS account.

const { client, workspace } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [APPROVAL]), workspace: dir() }));

async function approveOnce(comment?: string) {
  const { runId } = await client().call('runs.start', { playbookId: 'approve' });
  await client().waitForEvent((e) => e.runId === runId && e.type === 'approval.requested');
  expect(await client().call('runs.decide', { runId, nodeId: 'ask', decision: 'approved', ...(comment === undefined ? {} : { comment }) })).toEqual({ ok: true });
  return client().waitForEvent((e) => e.runId === runId && e.type === 'approval.decided');
}

describe('the approver of a decision', () => {
  it('is the OS account until a display name is set, then that name, with the comment', async () => {
    expect(await approveOnce()).toMatchObject({ by: os.userInfo().username });

    const { settings } = await client().call('settings.save', { displayName: '  Dana Scully ' });
    expect(settings.displayName).toBe('Dana Scully');
    expect(JSON.parse(fs.readFileSync(path.join(workspace(), 'settings.json'), 'utf8'))).toMatchObject({ displayName: 'Dana Scully' });
    expect(await approveOnce('Checked the AbuseIPDB score first')).toMatchObject({ by: 'Dana Scully', comment: 'Checked the AbuseIPDB score first' });
  });

  it('clears with an empty name, and refuses one too long naming the field', async () => {
    expect((await client().call('settings.save', { displayName: '' })).settings).not.toHaveProperty('displayName');
    await expect(client().call('settings.save', { displayName: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringContaining('displayName') });
  });
});
