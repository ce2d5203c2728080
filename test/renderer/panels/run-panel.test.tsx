// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { describeEvent, RunPanel } from '../../../renderer/panels/run-panel.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

const base = { runId: 'r1' };
const events: RunEvent[] = [
  { ...base, seq: 1, at: 1_000, type: 'run.started', playbookId: 'triage', playbookName: 'Triage', revision: 3, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'lookup', 'check'] },
  { ...base, seq: 2, at: 1_010, type: 'node.started', nodeId: 'lookup', attempt: 1, input: { url: 'http://bad.example' } },
  { ...base, seq: 3, at: 1_250, type: 'node.succeeded', nodeId: 'lookup', attempt: 1, output: { verdict: 'malicious' }, port: 'out', durationMs: 240 },
  { ...base, seq: 4, at: 1_260, type: 'approval.requested', nodeId: 'check', prompt: 'Block bad.example on the proxy?', expiresAt: 3_600_000 },
];

let host: FakeTransport;

beforeEach(() => {
  host = fakeHost({ 'runs.decide': () => ({ ok: true }), 'runs.start': () => ({ runId: 'r2' }) });
  resetStore();
  act(() => {
    for (const event of events) useStore.getState().receive(event);
  });
});

afterEach(() => rpc.disconnect());

describe('run panel', () => {
  it('shows a waiting approval with Approve and Reject buttons that send the decision', async () => {
    render(<RunPanel />);
    const approval = screen.getByRole('group', { name: 'Approval for Check' });
    expect(within(approval).getByText('Block bad.example on the proxy?')).toBeTruthy();
    fireEvent.click(within(approval).getByRole('button', { name: 'Approve' }));
    fireEvent.click(within(approval).getByRole('button', { name: 'Reject' }));
    await settle();
    expect(host.sent.filter((frame) => frame.method === 'runs.decide').map((frame) => frame.params)).toEqual([
      { runId: 'r1', nodeId: 'check', decision: 'approved' },
      { runId: 'r1', nodeId: 'check', decision: 'rejected' },
    ]);

    act(() => useStore.getState().receive({ ...base, seq: 5, at: 1_300, type: 'approval.decided', nodeId: 'check', decision: 'approved' }));
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('shows the selected node’s input and output, and a timeline with times', () => {
    act(() => useStore.getState().select('lookup'));
    render(<RunPanel />);
    expect(screen.getByRole('group', { name: 'Input of Lookup' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy the path of verdict' })).toBeTruthy();
    const timeline = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(timeline.map((item) => item.textContent?.replace(/^[\d:.]+/, ''))).toEqual([
      'Run started',
      'Lookup started',
      'Lookup succeeded → out in 240 ms',
      'Check asks: Block bad.example on the proxy?',
    ]);
    expect(timeline[0]?.querySelector('time')?.textContent).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
  });

  it('names the nodes a failed run never ran, in the timeline and on the selected node', () => {
    act(() => {
      useStore.getState().receive({ ...base, seq: 5, at: 1_300, type: 'node.failed', nodeId: 'check', attempt: 1, error: { code: 'VENDOR', message: '502' }, durationMs: 40, handled: false });
      useStore.getState().receive({ ...base, seq: 6, at: 1_310, type: 'run.finished', status: 'failed', durationMs: 310, error: { code: 'VENDOR', message: '502', nodeId: 'check' } });
      useStore.getState().select('start');
    });
    render(<RunPanel />);
    const timeline = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(timeline.at(-1)?.textContent?.replace(/^[\d:.]+/, '')).toBe('Not run: Start');
    expect(within(timeline.at(-1)!).getByRole('button', { name: 'Start' })).toBeTruthy();
    expect(screen.getByText('not run').className).toBe('status-badge status-not-run');
  });

  it('tells when a forEach write is about to send an item', () => {
    expect(describeEvent({ ...base, seq: 9, at: 1_500, type: 'node.item.started', nodeId: 'lookup', index: 2 }, (id) => id.toUpperCase())).toBe('LOOKUP: sending item 2');
  });

  it('pins a node’s output and reruns from a node once the run has ended', async () => {
    act(() => {
      useStore.getState().select('lookup');
      useStore.getState().receive({ ...base, seq: 5, at: 1_400, type: 'run.finished', status: 'succeeded', durationMs: 400 });
    });
    render(<RunPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Pin output' }));
    expect(useStore.getState().pins.lookup).toEqual({ output: { verdict: 'malicious' }, port: 'out' });
    fireEvent.click(screen.getByRole('button', { name: 'Run from here' }));
    await settle();
    expect(host.sent.find((frame) => frame.method === 'runs.start')?.params).toMatchObject({ playbookId: 'triage', from: { runId: 'r1', nodeId: 'lookup' } });
  });
});

describe('run panel on a write of unknown outcome', () => {
  const resumed = { runId: 'r2' };
  /** A "run from here" of r0 that reached lookup, which r0 had sent when it stopped. */
  function pauseOnUnknown(): void {
    act(() => {
      useStore.getState().clearRun();
      for (const event of [
        { ...resumed, seq: 1, at: 2_000, type: 'run.started', playbookId: 'triage', playbookName: 'Triage', revision: 3, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'lookup', 'check'], fromRunId: 'r0', keyRoot: 'r0' },
        { ...resumed, seq: 2, at: 2_001, type: 'node.succeeded', nodeId: 'start', attempt: 0, output: {}, port: 'out', durationMs: 0, source: 'reused' },
        { ...resumed, seq: 3, at: 2_002, type: 'run.paused', nodeId: 'lookup', reason: 'unknown-outcome', input: { url: 'http://bad.example' } },
      ] satisfies RunEvent[]) {
        useStore.getState().receive(event);
      }
    });
  }

  function controls(): unknown[] {
    return host.sent.filter((frame) => frame.method === 'runs.control').map((frame) => frame.params);
  }

  beforeEach(() => {
    host = fakeHost({ 'runs.control': () => ({ ok: true }) });
    pauseOnUnknown();
  });

  it('says plainly what happened, with the key a resend uses, and offers only the three decisions', async () => {
    render(<RunPanel />);
    const section = screen.getByRole('region', { name: 'Outcome unknown: Lookup' });
    expect(section.textContent).toContain(
      'Outcome unknown: the earlier run sent this request and stopped before the answer was recorded. Sending again uses the same idempotency key.',
    );
    expect(within(section).getByText('r0:lookup')).toBeTruthy();
    expect(within(section).getByRole('group', { name: 'Resolved input of Lookup' })).toBeTruthy();
    expect(within(section).queryByRole('button', { name: 'Skip with output' })).toBeNull();
    expect(within(section).queryByRole('button', { name: 'Override input' })).toBeNull();

    fireEvent.click(within(section).getByRole('button', { name: 'Send again (same key)' }));
    fireEvent.click(within(section).getByRole('button', { name: 'Fail' }));
    await settle();
    expect(controls()).toEqual([
      { runId: 'r2', action: 'resend' },
      { runId: 'r2', action: 'fail' },
    ]);
  });

  it('marks it done with the output typed in the JSON editor, refusing text that is not JSON', async () => {
    render(<RunPanel />);
    const section = screen.getByRole('region', { name: 'Outcome unknown: Lookup' });
    expect(within(section).queryByLabelText(/Output to mark it done with/)).toBeNull();
    fireEvent.click(within(section).getByRole('button', { name: 'Mark done with output…' }));
    const editor = within(section).getByLabelText('Output to mark it done with (JSON; empty for null)');
    fireEvent.change(editor, { target: { value: '{"verdict": ' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Mark done' }));
    expect(within(section).getByRole('alert').textContent).toMatch(/^The output is not valid JSON/);
    fireEvent.change(editor, { target: { value: '{"verdict": "checked in the console"}' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Mark done' }));
    await settle();
    expect(controls()).toEqual([{ runId: 'r2', action: 'mark-done', output: { verdict: 'checked in the console' } }]);
  });

  it('shows the decision in the timeline, and a node marked done as such', () => {
    act(() => {
      useStore.getState().receive({ ...resumed, seq: 4, at: 2_010, type: 'run.resumed', nodeId: 'lookup', action: 'mark-done', by: 'analyst' });
      useStore.getState().receive({ ...resumed, seq: 5, at: 2_011, type: 'node.succeeded', nodeId: 'lookup', attempt: 0, output: { verdict: 'x' }, port: 'out', durationMs: 0, source: 'marked' });
      useStore.getState().select('lookup');
    });
    render(<RunPanel />);
    expect(screen.queryByRole('region', { name: 'Outcome unknown: Lookup' })).toBeNull();
    const timeline = within(screen.getByRole('list', { name: 'Timeline' })).getAllByRole('listitem');
    expect(timeline.map((item) => item.textContent?.replace(/^[\d:.]+/, '')).slice(2)).toEqual([
      'Paused before Lookup: outcome unknown',
      'Resumed at Lookup: marked done (analyst)',
      'Lookup marked done → out in 0 ms',
    ]);
    expect(screen.getByText('marked done').className).toBe('badge');
  });

  it('words every decision, and who made it', () => {
    const at = { ...resumed, seq: 9, at: 2_020, nodeId: 'lookup' };
    const name = (id: string) => id.toUpperCase();
    expect(describeEvent({ ...at, type: 'run.resumed', action: 'resend', by: 'analyst' }, name)).toBe('Resumed at LOOKUP: sent again with the same key (analyst)');
    expect(describeEvent({ ...at, type: 'run.resumed', action: 'fail', by: 'policy' }, name)).toBe('Resumed at LOOKUP: failed, not sent again (policy)');
    expect(describeEvent({ ...at, type: 'run.resumed', action: 'continue' }, name)).toBe('Resumed at LOOKUP: continue');
  });
});
