// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../../host/protocol/contract.ts';
import { RunPanel } from '../../../renderer/panels/run-panel.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

const base = { runId: 'r1' };
let host: FakeTransport;

beforeEach(() => {
  host = fakeHost({
    'runs.decide': () => ({ ok: true }),
    'settings.get': () => ({ settings: { labMode: false, displayName: 'Dana' } }),
    'settings.save': (params) => ({ settings: { labMode: false, displayName: String((params as { displayName: string }).displayName).trim() } }),
  });
  resetStore();
  act(() => {
    useStore.getState().receive({ ...base, seq: 1, at: 1_000, type: 'run.started', playbookId: 'triage', playbookName: 'Triage', revision: 3, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'lookup', 'check'] });
    useStore.getState().receive({
      ...base,
      seq: 2,
      at: 1_260,
      type: 'approval.requested',
      nodeId: 'check',
      prompt: 'Block 203.0.113.7?',
      expiresAt: 3_600_000,
      evidence: [
        { label: 'IP', value: '203.0.113.7' },
        { label: 'AbuseIPDB score', value: '87' },
        { label: 'Host', error: 'The right side of the "+" operator must evaluate to a number' },
      ],
    });
  });
});

afterEach(() => rpc.disconnect());

const methods = () => host.sent.map((frame) => frame.method).filter((method) => method === 'settings.save' || method === 'runs.decide');

describe('the approval card', () => {
  it('lists the evidence, and says why a row could not be worked out', () => {
    render(<RunPanel />);
    const card = screen.getByRole('group', { name: 'Approval for Check' });
    const rows = [...card.querySelectorAll('dl[aria-label="Evidence"] > div')].map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent]);
    expect(rows).toEqual([
      ['IP', '203.0.113.7'],
      ['AbuseIPDB score', '87'],
      ['Host', 'Could not be evaluated: The right side of the "+" operator must evaluate to a number'],
    ]);
  });

  it('saves a changed name first, then sends the decision with the comment', async () => {
    render(<RunPanel />);
    await settle();
    const name = screen.getByRole('textbox', { name: 'Your name' }) as HTMLInputElement;
    expect(name.value).toBe('Dana');
    fireEvent.change(name, { target: { value: 'Dana Scully' } });
    const card = screen.getByRole('group', { name: 'Approval for Check' });
    fireEvent.change(within(card).getByRole('textbox', { name: 'Comment (optional)' }), { target: { value: '  Score 87, blocking  ' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    await settle();
    expect(methods()).toEqual(['settings.save', 'runs.decide']);
    expect(host.sent.find((frame) => frame.method === 'settings.save')?.params).toEqual({ displayName: 'Dana Scully' });
    expect(host.sent.find((frame) => frame.method === 'runs.decide')?.params).toEqual({ runId: 'r1', nodeId: 'check', decision: 'approved', comment: 'Score 87, blocking' });
  });

  it('sends no comment and saves no name when neither was typed', async () => {
    render(<RunPanel />);
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    await settle();
    expect(methods()).toEqual(['runs.decide']);
    expect(host.sent.find((frame) => frame.method === 'runs.decide')?.params).toEqual({ runId: 'r1', nodeId: 'check', decision: 'rejected' });
  });

  it('answers as the signed-in person on a team server, with no name to set', () => {
    const host: HostInfo = {
      version: '1',
      workspace: '/w',
      vault: { protection: 'environment', detail: '' },
      lab: { running: false, twins: [] },
      user: { name: 'abe', role: 'approver', may: { edit: true, run: true, decide: true, admin: false } },
    };
    act(() => useStore.setState({ host }));
    render(<RunPanel />);
    expect(screen.getByText('Answering as abe.')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Your name' })).toBeNull();
  });

  it('shows the approver and the comment in the timeline once decided', () => {
    act(() => useStore.getState().receive({ ...base, seq: 3, at: 1_300, type: 'approval.decided', nodeId: 'check', decision: 'approved', by: 'Dana Scully', comment: 'Score 87, blocking' }));
    render(<RunPanel />);
    const items = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem').map((item) => item.textContent?.replace(/^[\d:.]+/, ''));
    expect(items).toContain('Check asks: Block 203.0.113.7? — IP: 203.0.113.7 · AbuseIPDB score: 87 · Host: could not be evaluated: The right side of the "+" operator must evaluate to a number');
    expect(items).toContain('Check: approved by Dana Scully — “Score 87, blocking”');
  });
});
