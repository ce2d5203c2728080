import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, expectRunStatus, expectStatus, openPlaybook, pausedNodeId, runButton, shippedPlaybook, showPanel, waitForSettled } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const suspiciousLogin = shippedPlaybook('suspicious-login');
const investigation = shippedPlaybook('incident-investigation');

/** The edge with playbook id `id` as the shown run draws it: `taken`, `dead`, or null while not settled. */
function edgeRun(page: Page, id: string): Promise<string | null> {
  return page
    .getByTestId('canvas')
    .locator(`[data-edge-id="${id}"]`)
    .evaluateAll((elements) => (elements[0] as HTMLElement | undefined)?.dataset.run ?? null);
}

/** The id of the edge `from` → `to` on `port` in the shipped playbook. */
function edgeId(from: string, port: string, to: string): string {
  const found = suspiciousLogin.edges.find((edge) => edge.from === from && edge.port === port && edge.to === to);
  if (found === undefined) throw new Error(`suspicious-login has no edge ${from}:${port} → ${to}`);
  return found.id;
}

describe('replaying a run', () => {
  it('opens a finished run from History with the path taken drawn, and steps through its events', async () => {
    const { page } = e2e;
    await openPlaybook(page, suspiciousLogin.name);
    await runButton(page, 'Run').click();
    await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');

    const history = await showPanel(page, 'History');
    await history.getByRole('button', { name: new RegExp(`^Open the run of ${suspiciousLogin.name}`) }).first().click();
    await expectRunStatus(page, 'succeeded');

    // The lab's alert is a confirmed compromise: the response branch is taken, the benign one dead.
    const confirmed = edgeId('is_confirmed', 'true', 'check_block');
    const benign = edgeId('is_confirmed', 'false', 'benign_verdict');
    const fromTrigger = edgeId('alert', 'out', 'check_abuseipdb');
    await expect.poll(() => edgeRun(page, confirmed)).toBe('taken');
    expect(await edgeRun(page, benign)).toBe('dead');
    expect(await page.getByTestId('canvas').locator('[data-run="dead"]').count()).toBeGreaterThan(0);

    const replay = page.getByRole('region', { name: 'Replay' });
    const position = replay.locator('.replay-position');
    const total = Number(/of (\d+)/.exec((await position.textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(10);

    // Back to the first event: the run has only started, nothing has settled, no edge is drawn.
    await replay.getByRole('button', { name: 'First event' }).click();
    await expect.poll(() => position.textContent()).toBe(`Event 1 of ${total}: Run started`);
    await expectStatus(page, 'alert', 'idle');
    expect(await edgeRun(page, fromTrigger)).toBeNull();
    expect(await edgeRun(page, confirmed)).toBeNull();
    await expectRunStatus(page, 'running');

    // Forward one event at a time until the trigger has settled: its edge is then taken.
    const forward = replay.getByRole('button', { name: 'Forward one event' });
    for (let step = 0; step < 5 && (await canvasNode(page, 'alert').getAttribute('data-status')) !== 'succeeded'; step++) await forward.click();
    await expectStatus(page, 'alert', 'succeeded');
    expect(await edgeRun(page, fromTrigger)).toBe('taken');
    expect(await canvasNode(page, 'notify_soc').getAttribute('data-status')).toBe('idle');
    const timeline = page.getByRole('list', { name: 'Timeline' }).getByRole('listitem');
    const shown = Number(/^Event (\d+)/.exec((await position.textContent()) ?? '')?.[1]);
    expect(await timeline.count()).toBe(shown);

    // The slider is a keyboard control too: End goes to the last event, the run as it ended.
    await replay.getByRole('slider', { name: 'Event shown' }).focus();
    await page.keyboard.press('End');
    await expect.poll(() => position.textContent()).toMatch(new RegExp(`^Event ${total} of ${total}: Run succeeded`));
    await expectStatus(page, 'notify_soc', 'succeeded');
    expect(await edgeRun(page, confirmed)).toBe('taken');
    await expectRunStatus(page, 'succeeded');

    // One step back, the run has not finished yet.
    await replay.getByRole('button', { name: 'Back one event' }).click();
    await expectRunStatus(page, 'running');
  });

  it('labels the edges out of forEach nodes with their item counts as the live run goes', async () => {
    const { page } = e2e;
    await openPlaybook(page, investigation.name);
    await runButton(page, 'Run').click();
    await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    const fromLookups = investigation.edges.find((edge) => edge.from === 'vt_ips' && edge.port === 'out');
    if (fromLookups === undefined) throw new Error('incident-investigation has no edge out of vt_ips');
    const label = page.getByTestId('canvas').locator(`[data-edge-id="${fromLookups.id}"]`);
    await expect.poll(() => label.getAttribute('data-run')).toBe('taken');
    expect(await label.textContent()).toMatch(/^\d+ items?$/);
  });

  it('re-attaches to a paused run after a reload: Continue is enabled and runs it to the end', async () => {
    const { page } = e2e;
    await openPlaybook(page, suspiciousLogin.name);
    await runButton(page, 'Step').click();
    const paused = await pausedNodeId(page);

    await page.reload();
    await canvasNode(page, paused).waitFor();
    await expectStatus(page, paused, 'paused');
    await expect.poll(() => runButton(page, 'Continue').isEnabled()).toBe(true);
    await expectRunStatus(page, 'paused');

    await runButton(page, 'Continue').click();
    const statuses = await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    expect(statuses[paused]).toBe('succeeded');
    expect(statuses.notify_soc).toBe('succeeded');
  });
});
