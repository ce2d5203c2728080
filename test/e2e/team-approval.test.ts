import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { RunEvent } from '../../engine/run/events.ts';
import type { RunState } from '../../engine/run/types.ts';
import { describeWithPostgres } from '../support/postgres.ts';
import { expectRunStatus, openPlaybook, showPanel } from './editor.ts';
import { launchChromium, SHOTS_DIR, waitForEditor } from './fixture.ts';
import { startTeamServer, type Person, type TeamServer } from './team-server.ts';

/**
 * Team mode end to end (DESIGN.md §11): a team server on PostgreSQL, an analyst and an approver
 * signing in to the browser editor in turn, and a run waiting for approval that only the
 * approver can answer; the journal names who approved.
 */

const ana: Person = { name: 'ana', password: 'ana-password-0001', role: 'analyst' };
const abe: Person = { name: 'abe', password: 'abe-password-0002', role: 'approver' };

/** trigger → approval → done on the approved path: nothing but core nodes, so no credential is needed. */
const playbook = {
  format: 'switchboard/playbook@1',
  id: 'team-approval',
  name: 'Team approval',
  description: 'Waits for an approver.',
  nodes: [
    { id: 'start', type: 'trigger.manual@1', name: 'Start', params: { sample: { host: 'laptop-17' } } },
    { id: 'ask', type: 'core.approval@1', name: 'Ask', params: { prompt: 'Isolate {{ trigger.host }}?', expiresInMinutes: 60 } },
    { id: 'done', type: 'core.set@1', name: 'Done', params: { values: { isolated: '{{ trigger.host }}' } } },
  ],
  edges: [
    { id: 'e1', from: 'start', port: 'out', to: 'ask' },
    { id: 'e2', from: 'ask', port: 'approved', to: 'done' },
  ],
  layout: { start: { x: 0, y: 0 }, ask: { x: 260, y: 0 }, done: { x: 520, y: 0 } },
};

const WAIT_MS = 30_000;

describeWithPostgres('team mode in the browser', () => {
  let server: TeamServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    server = await startTeamServer(inject('rendererDir'), [ana, abe]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an analyst cannot approve; the approver can, and the journal names them', async () => {
    if (server === undefined || browser === undefined) throw new Error('The team server or the browser did not start.');
    const team = server;

    // Ana (analyst) saves the playbook and starts a run; it waits for approval at Ask.
    const anaToken = await team.signIn(ana);
    await team.call(anaToken, 'playbooks.save', { playbook });
    const { runId } = await team.call<{ runId: string }>(anaToken, 'runs.start', { playbookId: playbook.id });
    await expect.poll(async () => (await team.call<{ state: RunState }>(anaToken, 'runs.get', { runId })).state.approvals.ask?.prompt, { timeout: WAIT_MS }).toBe('Isolate laptop-17?');

    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    context.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
      await page.goto(team.url);

      // The page has no token: it asks to sign in. A wrong password is refused in one line.
      await signIn(page, { ...ana, password: 'not-the-password' });
      await expect.poll(() => page.getByRole('dialog', { name: 'Sign in to Switchboard' }).getByRole('alert').textContent()).toBe('Wrong user name or password.');
      await signIn(page, ana);
      await waitForEditor(page);
      await expect.poll(() => badge(page).textContent()).toContain('ana · analyst');

      // Ana opens the run: it waits for approval, and Approve is not hers to press.
      const approval = await openRun(page);
      const approve = approval.getByRole('button', { name: 'Approve', exact: true });
      await expect.poll(() => approve.isDisabled()).toBe(true);
      expect(await approve.getAttribute('title')).toBe('Needs the approver role');
      expect(await approval.getByRole('button', { name: 'Reject', exact: true }).isDisabled()).toBe(true);
      await expect.poll(() => page.getByRole('toolbar', { name: 'Run controls' }).getByRole('status').textContent()).toBe('Waiting for approval');
      // Nor can she answer it by calling the host herself.
      await expect(team.call(anaToken, 'runs.decide', { runId, nodeId: 'ask', decision: 'approved' })).rejects.toThrow('FORBIDDEN runs.decide needs the approver role; you are analyst');

      // Ana signs out: the form is back and the tab holds no token.
      await badge(page).getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('dialog', { name: 'Sign in to Switchboard' }).waitFor();
      expect(await page.evaluate(() => window.sessionStorage.getItem('switchboard.token'))).toBeNull();

      // Abe (approver) signs in on the same page and approves; the run goes on to the end.
      await signIn(page, abe);
      await expect.poll(() => badge(page).textContent()).toContain('abe · approver');
      await expect.poll(() => approve.isEnabled(), { timeout: WAIT_MS }).toBe(true);
      await approve.click();
      await expectRunStatus(page, 'succeeded');
      await expect.poll(() => approval.count()).toBe(0);
    } catch (error) {
      await screenshot(context.pages()[0]);
      throw error;
    } finally {
      await context.close();
    }
    expect(pageErrors).toEqual([]);

    // The journal records the decision and who made it.
    const abeToken = await team.signIn(abe);
    const { state, events } = await team.call<{ state: RunState; events: RunEvent[] }>(abeToken, 'runs.get', { runId });
    expect(state.status).toBe('succeeded');
    expect(state.nodes.done?.status).toBe('succeeded');
    const decided = events.filter((event) => event.type === 'approval.decided');
    expect(decided).toMatchObject([{ nodeId: 'ask', decision: 'approved', by: 'abe' }]);
  });
});

/** Leaves what the page showed when the test failed in /tmp/e2e-shots. */
async function screenshot(page: Page | undefined): Promise<void> {
  if (page === undefined || page.isClosed()) return;
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, 'team-approval.png');
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  console.error(`Screenshot of the failed test: ${file}`);
}

/** Fills the sign-in form and presses Enter. */
async function signIn(page: Page, person: Pick<Person, 'name' | 'password'>): Promise<void> {
  const form = page.getByRole('dialog', { name: 'Sign in to Switchboard' });
  await form.getByLabel('User name').fill(person.name);
  await form.getByLabel('Password').fill(person.password);
  await form.getByLabel('Password').press('Enter');
}

function badge(page: Page) {
  return page.getByRole('banner').getByRole('group', { name: 'Signed in' });
}

/** Opens the playbook and its run from History; returns the run's waiting approval. */
async function openRun(page: Page) {
  await openPlaybook(page, playbook.name);
  const history = await showPanel(page, 'History');
  await history.getByRole('button', { name: /^Open the run of Team approval/ }).first().click();
  const approval = page.getByRole('group', { name: 'Approval for Ask' });
  await approval.waitFor({ timeout: WAIT_MS });
  return approval;
}
