// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RunToolbar } from '../../../renderer/panels/run-toolbar.tsx';
import { TriggersPanel } from '../../../renderer/panels/triggers-panel.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeHandlers } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { mergeInboxEvent } from '../../../renderer/store/triggers-slice.ts';
import type { InboxEventView, PlaybookTriggersView } from '../../../renderer/store/types.ts';
import { fakeHost, resetStore, samplePlaybook, settle } from './fixture.ts';

afterEach(() => rpc.disconnect());

const URL = 'http://127.0.0.1:8787/hooks/suspicious-login';

/** The sample playbook with a webhook trigger `hook` in place of the manual one. */
function openWebhookPlaybook(verification: Record<string, unknown>, credential?: string): void {
  resetStore();
  const playbook = samplePlaybook();
  playbook.nodes[0] = { id: 'hook', type: 'trigger.webhook@1', name: 'Hook', params: { path: 'suspicious-login', verification }, ...(credential === undefined ? {} : { credential }) };
  playbook.edges[0] = { id: 'e1', from: 'hook', port: 'out', to: 'lookup' };
  playbook.layout = { hook: { x: 0, y: 0 }, lookup: { x: 240, y: 0 }, check: { x: 480, y: 0 } };
  useStore.getState().loadPlaybook(playbook);
}

function state(patch: Partial<PlaybookTriggersView> = {}): PlaybookTriggersView {
  return { playbookId: 'triage', enabled: true, publishedRevision: 2, savedRevision: 3, draft: true, triggers: [], ...patch };
}

function health(patch: Partial<PlaybookTriggersView['triggers'][number]> = {}): PlaybookTriggersView['triggers'][number] {
  return { playbookId: 'triage', triggerNodeId: 'hook', type: 'trigger.webhook@1', state: 'ok', describe: `POST ${URL} (none)`, consecutiveFailures: 0, counts: { accepted: 2 }, ...patch };
}

function inboxEvent(id: string, patch: Partial<InboxEventView> = {}): InboxEventView {
  return { id, playbookId: 'triage', revision: 2, triggerNodeId: 'hook', source: 'webhook', receivedAt: 1_767_225_600_000, status: 'done', duplicates: 0, payload: { body: { user: id } }, ...patch };
}

function hostWith(handlers: FakeHandlers) {
  return fakeHost({ 'events.list': () => ({ events: [] }), ...handlers });
}

describe('the Triggers panel', () => {
  it('shows live state, the draft note, the webhook URL and an unverified flag; Disable and Publish call the host', async () => {
    let current = state({ triggers: [health()] });
    const host = hostWith({
      'triggers.list': () => ({ playbooks: [current] }),
      'triggers.disable': () => {
        current = { ...current, enabled: false, triggers: [] };
        return { enabled: false, publishedRevision: 2 };
      },
      'triggers.publish': () => ({ enabled: true, publishedRevision: 3 }),
    });
    openWebhookPlaybook({ type: 'none' });
    render(<TriggersPanel />);
    await settle();
    const section = screen.getByRole('region', { name: 'Triggers' });
    expect(within(section).getByText('Enabled: live triggers run published r2.')).toBeTruthy();
    expect(within(section).getByText('Draft differs from published r2: live triggers run r2 until you publish.')).toBeTruthy();
    const item = within(section).getByRole('listitem', { name: 'Trigger Hook' });
    expect((within(item).getByRole('textbox', { name: 'Webhook URL of Hook' }) as HTMLInputElement).value).toBe(URL);
    expect(within(item).getByText('unverified')).toBeTruthy();
    expect(within(item).getByText('live')).toBeTruthy();
    expect(within(item).getByLabelText('curl example for Hook').textContent).toContain(`curl -sS '${URL}'`);

    fireEvent.click(within(section).getByRole('button', { name: 'Publish' }));
    await settle();
    fireEvent.click(within(section).getByRole('button', { name: 'Disable' }));
    await settle();
    expect(host.sent.map((frame) => frame.method).filter((method) => method.startsWith('triggers.') && method !== 'triggers.list')).toEqual(['triggers.publish', 'triggers.disable']);
    expect(within(section).getByText('Disabled: nothing fires (published r2).')).toBeTruthy();
    expect(within(section).getByRole('button', { name: 'Enable' })).toBeTruthy();
  });

  it('turns a failing trigger red with its last error', async () => {
    hostWith({ 'triggers.list': () => ({ playbooks: [state({ triggers: [health({ state: 'failing', lastError: 'no secret: credential slot hook has no webhook credential with a secret bound', consecutiveFailures: 3 })] })] }) });
    openWebhookPlaybook({ type: 'standard-webhooks' }, 'hook');
    render(<TriggersPanel />);
    await settle();
    const item = screen.getByRole('listitem', { name: 'Trigger Hook' });
    expect(item.className).toBe('trigger-failing');
    expect(within(item).getByRole('alert').textContent).toBe('no secret: credential slot hook has no webhook credential with a secret bound (3 in a row)');
    expect(within(item).getByText('failing')).toBeTruthy();
  });

  it('names the secret slot and whether it is bound, and signs the curl example from the environment, never with a secret', async () => {
    hostWith({ 'triggers.list': () => ({ playbooks: [state({ triggers: [health({ describe: `POST ${URL} (standard-webhooks)` })] })] }) });
    openWebhookPlaybook({ type: 'standard-webhooks' }, 'hook');
    render(<TriggersPanel />);
    await settle();
    const item = screen.getByRole('listitem', { name: 'Trigger Hook' });
    expect(within(item).getByText('Secret slot hook is not bound: requests are refused (401) until a webhook credential is bound.')).toBeTruthy();
    act(() =>
      useStore.setState({
        slots: [{ slot: 'hook', connector: 'webhook', credentialId: 'c1' }],
        credentials: [{ id: 'c1', name: 'Lab hook secret', connector: 'webhook', fields: { secret: { set: true } }, secretFields: ['secret'], updatedAt: 1, lab: true }],
      }),
    );
    expect(within(item).getByText(/credential Lab hook secret/)).toBeTruthy();
    expect(within(item).getByText('LAB')).toBeTruthy();
    const curl = within(item).getByLabelText('curl example for Hook').textContent ?? '';
    expect(curl).toContain('WEBHOOK_SECRET');
    expect(curl).toContain('webhook-signature: v1,$SIG');
    expect(within(item).queryByText('unverified')).toBeNull();
  });

  it('lists a live schedule’s next five fires from its health', async () => {
    const fires = [1, 2, 3, 4, 5].map((minute) => Date.UTC(2026, 0, 1, 0, minute));
    hostWith({ 'triggers.list': () => ({ playbooks: [state({ draft: false, publishedRevision: 3, triggers: [health({ triggerNodeId: 'hook', type: 'trigger.schedule@1', describe: '* * * * * (UTC)', nextFires: fires })] })] }) });
    resetStore();
    const playbook = samplePlaybook();
    playbook.nodes[0] = { id: 'hook', type: 'trigger.schedule@1', name: 'Every minute', params: { cron: '* * * * *' } };
    useStore.getState().loadPlaybook(playbook);
    render(<TriggersPanel />);
    await settle();
    const fireList = screen.getByRole('region', { name: 'Next fires' });
    expect(within(fireList).getAllByRole('listitem').map((li) => li.querySelector('time')?.getAttribute('datetime'))).toEqual(fires.map((at) => new Date(at).toISOString()));
    expect((screen.getByRole('button', { name: 'Publish' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('the Events view', () => {
  it('lists the inbox newest first and applies live frames: a new event on top, a status change in place', async () => {
    const host = hostWith({
      'triggers.list': () => ({ playbooks: [state()] }),
      'events.list': () => ({ events: [inboxEvent('evt-2', { dedupeKey: 'msg_2', duplicates: 1 }), inboxEvent('evt-1', { status: 'failed', error: 'run r1 cancelled' })] }),
    });
    openWebhookPlaybook({ type: 'none' });
    render(<TriggersPanel />);
    await settle();
    const list = () => screen.getByRole('list', { name: 'Events, newest first' });
    expect(within(list()).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Event evt-2', 'Event evt-1']);
    const second = within(list()).getByRole('listitem', { name: 'Event evt-2' });
    expect(within(second).getByText('msg_2')).toBeTruthy();
    expect(second.textContent).toContain('1 duplicate absorbed');
    expect(within(list()).getByText('run r1 cancelled')).toBeTruthy();
    expect(host.sent.find((frame) => frame.method === 'events.list')?.params).toEqual({ filter: { playbookId: 'triage', limit: 200 } });

    act(() => host.emit('inbox.event', inboxEvent('evt-3', { status: 'accepted' })));
    expect(within(list()).getAllByRole('listitem')[0]?.getAttribute('aria-label')).toBe('Event evt-3');
    act(() => host.emit('inbox.event', inboxEvent('evt-3', { status: 'running', runId: 'run-3' })));
    const third = within(list()).getByRole('listitem', { name: 'Event evt-3' });
    expect(within(third).getByText('running')).toBeTruthy();
    expect(within(third).getByRole('button', { name: 'Open run run-3 of event evt-3' })).toBeTruthy();
    act(() => host.emit('inbox.event', inboxEvent('evt-9', { playbookId: 'other' })));
    expect(within(list()).queryByRole('listitem', { name: 'Event evt-9' })).toBeNull();
  });

  it('filters by status and source through the host', async () => {
    const host = hostWith({ 'triggers.list': () => ({ playbooks: [state()] }), 'events.list': () => ({ events: [] }) });
    openWebhookPlaybook({ type: 'none' });
    render(<TriggersPanel />);
    await settle();
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'failed' } });
    await settle();
    fireEvent.change(screen.getByRole('combobox', { name: 'Source' }), { target: { value: 'schedule' } });
    await settle();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Only this playbook' }));
    await settle();
    const asked = host.sent.filter((frame) => frame.method === 'events.list').map((frame) => frame.params);
    expect(asked.slice(-3)).toEqual([
      { filter: { playbookId: 'triage', status: 'failed', limit: 200 } },
      { filter: { playbookId: 'triage', status: 'failed', source: 'schedule', limit: 200 } },
      { filter: { status: 'failed', source: 'schedule', limit: 200 } },
    ]);
  });

  it('opens an event’s run, replays it, and tests its payload on the draft', async () => {
    const payload = { body: { user: 'alice' }, eventId: 'evt-1' };
    const host = hostWith({
      'triggers.list': () => ({ playbooks: [state()] }),
      'events.list': () => ({ events: [inboxEvent('evt-1', { runId: 'run-1', payload })] }),
      'events.replay': () => ({ event: inboxEvent('evt-5', { source: 'replay', status: 'accepted', replayOf: 'evt-1', payload }) }),
      'runs.start': () => ({ runId: 'run-draft' }),
      'runs.get': () => {
        throw { code: 'NOT_FOUND', message: 'no run run-1' };
      },
    });
    openWebhookPlaybook({ type: 'none' });
    render(<TriggersPanel />);
    await settle();
    const item = screen.getByRole('listitem', { name: 'Event evt-1' });
    fireEvent.click(within(item).getByRole('button', { name: 'Open run run-1 of event evt-1' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Replay event evt-1' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Test event evt-1 on the draft' }));
    await settle();
    expect(host.sent.find((frame) => frame.method === 'runs.get')?.params).toEqual({ runId: 'run-1' });
    expect(host.sent.find((frame) => frame.method === 'events.replay')?.params).toEqual({ eventId: 'evt-1' });
    expect(host.sent.find((frame) => frame.method === 'runs.start')?.params).toMatchObject({ playbookId: 'triage', mode: 'run', dryRun: false, trigger: payload });
    expect(screen.getByRole('listitem', { name: 'Event evt-5' }).textContent).toContain('replay of evt-1');
  });
});

describe('mergeInboxEvent', () => {
  it('inserts by id, replaces in place, drops what left the filter, and stays bounded', () => {
    const list = [inboxEvent('evt-3'), inboxEvent('evt-1')];
    expect(mergeInboxEvent(list, inboxEvent('evt-2'), {}).map((e) => e.id)).toEqual(['evt-3', 'evt-2', 'evt-1']);
    expect(mergeInboxEvent(list, inboxEvent('evt-1', { status: 'failed' }), {}).map((e) => e.status)).toEqual(['done', 'failed']);
    expect(mergeInboxEvent(list, inboxEvent('evt-1', { status: 'failed' }), { status: 'done' }).map((e) => e.id)).toEqual(['evt-3']);
    expect(mergeInboxEvent(list, inboxEvent('evt-4'), {}, 2).map((e) => e.id)).toEqual(['evt-4', 'evt-3']);
  });
});

describe('the Trigger event editor', () => {
  it('takes a past inbox event of this playbook as the sample', async () => {
    const payload = { body: { user: 'bob@example.com' }, eventId: 'evt-7' };
    const host = hostWith({ 'events.list': () => ({ events: [inboxEvent('evt-7', { payload }), inboxEvent('evt-6', { status: 'duplicate' })] }), 'runs.start': () => ({ runId: 'r9' }) });
    resetStore();
    render(<RunToolbar />);
    fireEvent.click(screen.getByRole('button', { name: 'Trigger event' }));
    await settle();
    const picker = screen.getByRole('combobox', { name: 'Use a past inbox event' });
    expect(within(picker).getAllByRole('option')).toHaveLength(2);
    fireEvent.change(picker, { target: { value: 'evt-7' } });
    expect(JSON.parse((screen.getByRole('textbox', { name: /Event the run starts with/ }) as HTMLTextAreaElement).value)).toEqual(payload);
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await settle();
    expect(host.sent.find((frame) => frame.method === 'events.list')?.params).toEqual({ filter: { playbookId: 'triage', limit: 20 } });
    expect(host.sent.find((frame) => frame.method === 'runs.start')?.params).toMatchObject({ trigger: payload });
  });
});
