import { describe, expect, it } from 'vitest';
import {
  canvasNode,
  expectRunStatus,
  expectSaved,
  expectStatus,
  nodeOf,
  nodeStatuses,
  openPlaybook,
  pausedNodeId,
  runButton,
  selectNode,
  shippedPlaybook,
  showPanel,
  waitForSettled,
} from './editor.ts';
import type { ShippedPlaybook } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

const suspiciousLogin = shippedPlaybook('suspicious-login');
const phishing = shippedPlaybook('phishing-response');

function nameOf(playbook: ShippedPlaybook, id: string): string {
  return nodeOf(playbook, id).name;
}

function triggerOf(playbook: ShippedPlaybook): string {
  const trigger = playbook.nodes.find((node) => node.type.startsWith('trigger.'));
  if (trigger === undefined) throw new Error(`${playbook.id} has no trigger`);
  return trigger.id;
}

describe('debugging a run', () => {
  it('steps through a run: pause, inspect the resolved input, step, skip, continue', async () => {
    const { page } = e2e;
    await openPlaybook(page, suspiciousLogin.name);
    const status = page.getByRole('toolbar', { name: 'Run controls' }).getByRole('status');
    expect(await runButton(page, 'Continue').isDisabled()).toBe(true);
    expect(await runButton(page, 'Skip').isDisabled()).toBe(true);

    // Step starts a run that pauses before the first node after the trigger.
    await runButton(page, 'Step').click();
    const first = await pausedNodeId(page);
    const firstName = nameOf(suspiciousLogin, first);
    await expectStatus(page, triggerOf(suspiciousLogin), 'succeeded');
    await expect.poll(() => status.textContent()).toBe(`Paused before ${firstName}`);
    expect(await runButton(page, 'Continue').isEnabled()).toBe(true);

    // The run panel shows the paused node's input, its templates resolved from the trigger event.
    const paused = page.getByRole('region', { name: `Paused before ${firstName} (step)` });
    const input = paused.getByRole('group', { name: `Resolved input of ${firstName}` });
    await input.waitFor();
    const inputText = (await input.textContent()) ?? '';
    expect(inputText).not.toContain('{{');
    expect(inputText).toContain('185.220.101.45');

    // Step runs it and pauses before the next one.
    await runButton(page, 'Step').click();
    await expectStatus(page, first, 'succeeded');
    const second = await pausedNodeId(page);
    expect(second).not.toBe(first);
    const secondName = nameOf(suspiciousLogin, second);
    await expect.poll(() => status.textContent()).toBe(`Paused before ${secondName}`);

    // Skip does not run it; the run pauses before the next node.
    await runButton(page, 'Skip').click();
    await expectStatus(page, second, 'skipped');
    const third = await pausedNodeId(page);
    expect([first, second]).not.toContain(third);

    // Continue runs to the end without pausing again.
    await runButton(page, 'Continue').click();
    const statuses = await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    expect(Object.keys(statuses).sort()).toEqual(suspiciousLogin.nodes.map((node) => node.id).sort());
    expect(statuses[first]).toBe('succeeded');
    expect(statuses[second]).toBe('skipped');
    expect(statuses[third]).toBe('succeeded');
    expect(Object.entries(statuses).filter(([, value]) => value === 'failed')).toEqual([]);
    // The lab's alert is a confirmed compromise: the response path ran, the benign one was skipped.
    expect(statuses.notify_soc).toBe('succeeded');
    expect(statuses.close_notable).toBe('skipped');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    expect(await timeline.textContent()).toContain(`Resumed at ${secondName}: skip`);
    expect(await runButton(page, 'Continue').isDisabled()).toBe(true);
  });

  it('pauses at a breakpoint set in the inspector, then continues to the end', async () => {
    const { page } = e2e;
    // Work on a copy, so the shipped playbook stays as it is for the other tests.
    const playbooks = await showPanel(page, 'Playbooks');
    await playbooks.getByRole('button', { name: `Duplicate ${suspiciousLogin.name}`, exact: true }).click();
    const copy = `${suspiciousLogin.name} (copy)`;
    await playbooks.getByRole('button', { name: `Open ${copy}`, exact: true }).waitFor();
    await openPlaybook(page, copy);

    const target = 'is_confirmed';
    const targetName = nameOf(suspiciousLogin, target);
    await selectNode(page, target);
    const inspector = await showPanel(page, 'Inspector');
    await inspector.getByRole('heading', { level: 2, name: targetName }).waitFor();
    await inspector.getByRole('checkbox', { name: 'Breakpoint (pause before it runs)' }).check();
    await canvasNode(page, target).getByRole('img', { name: 'Breakpoint' }).waitFor();

    // Run saves the change first, then pauses before the breakpoint.
    await runButton(page, 'Run').click();
    expect(await pausedNodeId(page)).toBe(target);
    await expectSaved(page);
    await page.getByRole('region', { name: `Paused before ${targetName} (breakpoint)` }).waitFor();
    const statuses = await nodeStatuses(page);
    expect(statuses.verdict).toBe('succeeded');
    expect(statuses.check_abuseipdb).toBe('succeeded');
    expect(statuses.block_ip).toBe('idle');
    expect(statuses.notify_soc).toBe('idle');

    await runButton(page, 'Continue').click();
    const settled = await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    expect(settled[target]).toBe('succeeded');
    expect(settled.notify_soc).toBe('succeeded');
    expect(Object.entries(settled).filter(([, value]) => value === 'failed')).toEqual([]);
  });

  it('shows Approve and Reject on a waiting approval; Approve lets the run go on', async () => {
    const { page } = e2e;
    await openPlaybook(page, phishing.name);
    const approvalNode = phishing.nodes.find((node) => node.type.startsWith('core.approval@'));
    if (approvalNode === undefined) throw new Error('phishing-response has no approval node');

    await runButton(page, 'Run').click();
    const approval = page.getByRole('group', { name: `Approval for ${approvalNode.name}` });
    await approval.waitFor();
    expect(await approval.getByRole('button', { name: 'Reject', exact: true }).isEnabled()).toBe(true);
    await expectStatus(page, approvalNode.id, 'running');
    await expect.poll(() => page.getByRole('toolbar', { name: 'Run controls' }).getByRole('status').textContent()).toBe('Waiting for approval');
    expect(await approval.textContent()).toContain('Quarantine');

    await approval.getByRole('button', { name: 'Approve', exact: true }).click();
    const statuses = await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    await expect.poll(() => approval.count()).toBe(0);
    expect(statuses[approvalNode.id]).toBe('succeeded');
    // The approved path ran: every copy moved, then the ticket and the notice.
    expect(statuses.quarantine).toBe('succeeded');
    expect(statuses.open_ticket).toBe('succeeded');
    expect(statuses.notify_soc).toBe('succeeded');
  });
});
