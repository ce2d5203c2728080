// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../engine/run/events.ts';
import type { RunState } from '../../../engine/run/types.ts';
import { RunToolbar } from '../../../renderer/panels/run-toolbar.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

const NAMES = ['Run', 'Dry run', 'Step', 'Continue', 'Skip', 'Stop'] as const;

/** Which of the six run buttons are enabled. */
function enabled(): string[] {
  return NAMES.filter((name) => !(screen.getByRole('button', { name }) as HTMLButtonElement).disabled);
}

function showRun(status: RunStatus): void {
  const run: RunState = {
    runId: 'r1',
    playbookId: 'triage',
    playbookName: 'Triage',
    revision: 3,
    mode: 'run',
    dryRun: false,
    status,
    trigger: {},
    startedAt: 1,
    nodes: {},
    approvals: {},
    lastSeq: 4,
    ...(status === 'paused' ? { paused: { nodeId: 'lookup', reason: 'breakpoint' as const, input: { url: 'x' } } } : {}),
  };
  act(() => useStore.setState({ runId: 'r1', run }));
}

let host: FakeTransport;

beforeEach(() => {
  host = fakeHost({ 'runs.start': () => ({ runId: 'r2' }), 'runs.control': () => ({ ok: true }) });
  resetStore();
});

afterEach(() => rpc.disconnect());

describe('run toolbar', () => {
  it('enables only what can act: start when idle, step/continue/skip when paused, stop while live', () => {
    render(<RunToolbar />);
    expect(enabled()).toEqual(['Run', 'Dry run', 'Step']);
    showRun('running');
    expect(enabled()).toEqual(['Stop']);
    expect(screen.getByRole('status').textContent).toBe('running');
    showRun('paused');
    expect(enabled()).toEqual(['Step', 'Continue', 'Skip', 'Stop']);
    expect(screen.getByRole('status').textContent).toBe('Paused before Lookup');
    showRun('succeeded');
    expect(enabled()).toEqual(['Run', 'Dry run', 'Step']);
  });

  it('disables step, continue and skip on a write of unknown outcome, and says so in the status', () => {
    render(<RunToolbar />);
    showRun('paused');
    act(() => useStore.setState({ run: { ...useStore.getState().run!, paused: { nodeId: 'lookup', reason: 'unknown-outcome', input: {} } } }));
    expect(enabled()).toEqual(['Stop']);
    expect(screen.getByRole('status').textContent).toBe('Outcome unknown: Lookup');
    expect(screen.getByRole('button', { name: 'Continue' }).getAttribute('title')).toMatch(/^Decide in the Run panel first: send again, mark done or fail/);
  });

  it('enables nothing without an open playbook, or while a start is in flight', () => {
    act(() => useStore.setState({ playbook: undefined }));
    render(<RunToolbar />);
    expect(enabled()).toEqual([]);
    act(() => useStore.setState({ playbook: useStore.getState().toPlaybook(), starting: true }));
    expect(enabled()).toEqual([]);
  });

  it('starts a run with the trigger event prefilled from the trigger’s sample', async () => {
    render(<RunToolbar />);
    fireEvent.click(screen.getByRole('button', { name: 'Trigger event' }));
    const editor = screen.getByLabelText(/Event the run starts with/) as HTMLTextAreaElement;
    expect(JSON.parse(editor.value)).toEqual({ alert: { id: 'A-7', url: 'http://bad.example' } });

    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    await settle();
    const start = host.sent.find((frame) => frame.method === 'runs.start');
    expect(start?.params).toMatchObject({ playbookId: 'triage', mode: 'run', dryRun: true, trigger: { alert: { id: 'A-7', url: 'http://bad.example' } } });
  });

  it('refuses a trigger event that is not JSON, saying why in a sentence', async () => {
    render(<RunToolbar />);
    fireEvent.click(screen.getByRole('button', { name: 'Trigger event' }));
    fireEvent.change(screen.getByLabelText(/Event the run starts with/), { target: { value: '{"alert": ' } });
    expect(screen.getByRole('alert').textContent).toMatch(/^The trigger event is not valid JSON: .+\.$/);
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await settle();
    expect(host.sent.some((frame) => frame.method === 'runs.start')).toBe(false);
  });

  it('steps the paused run, and sends continue, skip and stop', async () => {
    render(<RunToolbar />);
    showRun('paused');
    for (const name of ['Step', 'Continue', 'Skip', 'Stop']) fireEvent.click(screen.getByRole('button', { name }));
    await settle();
    expect(host.sent.filter((frame) => frame.method === 'runs.control').map((frame) => frame.params)).toEqual([
      { runId: 'r1', action: 'step' },
      { runId: 'r1', action: 'continue' },
      { runId: 'r1', action: 'skip' },
      { runId: 'r1', action: 'stop' },
    ]);
  });
});
