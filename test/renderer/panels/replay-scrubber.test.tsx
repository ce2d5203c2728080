// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { replayRun } from '../../../engine/run/reducer.ts';
import { RunPanel } from '../../../renderer/panels/run-panel.tsx';
import { RunToolbar } from '../../../renderer/panels/run-toolbar.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore } from './fixture.ts';

const base = { runId: 'r1' };
const events: RunEvent[] = [
  { ...base, seq: 1, at: 1_000, type: 'run.started', playbookId: 'triage', playbookName: 'Triage', revision: 3, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'lookup', 'check'] },
  { ...base, seq: 2, at: 1_005, type: 'node.succeeded', nodeId: 'start', attempt: 1, output: {}, port: 'out', durationMs: 0 },
  { ...base, seq: 3, at: 1_010, type: 'node.started', nodeId: 'lookup', attempt: 1, input: { url: 'http://bad.example' } },
  { ...base, seq: 4, at: 1_250, type: 'node.succeeded', nodeId: 'lookup', attempt: 1, output: { verdict: 'malicious' }, port: 'out', durationMs: 240 },
  { ...base, seq: 5, at: 1_300, type: 'run.finished', status: 'succeeded', durationMs: 300 },
];

beforeEach(async () => {
  fakeHost({ 'runs.get': () => ({ state: replayRun(events)!, events }) });
  resetStore();
  await act(() => useStore.getState().openRun('r1'));
});

afterEach(() => rpc.disconnect());

describe('replay scrubber', () => {
  it('opens on the last event of a finished run, with First and Back enabled and Forward and Last not', () => {
    render(<RunPanel />);
    expect(screen.getByText('Event 5 of 5: Run succeeded in 300 ms')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Back one event' }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Forward one event' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('slider', { name: 'Event shown' }) as HTMLInputElement).value).toBe('5');
  });

  it('steps back and forward one event at a time, with the node status and timeline in step', () => {
    render(<RunPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Back one event' }));
    fireEvent.click(screen.getByRole('button', { name: 'Back one event' }));
    expect(screen.getByText('Event 3 of 5: Lookup started')).toBeTruthy();
    expect(useStore.getState().nodeStatus.lookup).toBe('running');
    expect(screen.getAllByRole('listitem')).toHaveLength(3);

    fireEvent.click(screen.getByRole('button', { name: 'Forward one event' }));
    expect(useStore.getState().nodeStatus.lookup).toBe('succeeded');
    expect(useStore.getState().edgeRun.e2?.state).toBe('taken');
  });

  it('jumps with First, Last and the slider', () => {
    render(<RunPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'First event' }));
    expect(screen.getByText('Event 1 of 5: Run started')).toBeTruthy();
    expect(useStore.getState().nodeStatus).toEqual({});
    fireEvent.change(screen.getByRole('slider', { name: 'Event shown' }), { target: { value: '4' } });
    expect(useStore.getState().nodeStatus.lookup).toBe('succeeded');
    fireEvent.click(screen.getByRole('button', { name: 'Last event' }));
    expect(useStore.getState().run?.status).toBe('succeeded');
  });

  it('offers no controls at a past moment: a pause there cannot be continued, skipped, overridden or stopped', async () => {
    const paused: RunEvent[] = [
      ...events.slice(0, 2),
      { ...base, seq: 3, at: 1_006, type: 'run.paused', nodeId: 'lookup', reason: 'breakpoint', input: {} },
      { ...base, seq: 4, at: 1_007, type: 'run.resumed', nodeId: 'lookup', action: 'continue' },
      ...events.slice(2).map((event, index) => ({ ...event, seq: 5 + index })),
    ];
    fakeHost({ 'runs.get': () => ({ state: replayRun(paused)!, events: paused }) });
    await act(() => useStore.getState().openRun('r1'));
    render(
      <>
        <RunToolbar />
        <RunPanel />
      </>,
    );
    fireEvent.change(screen.getByRole('slider', { name: 'Event shown' }), { target: { value: '3' } });
    expect(useStore.getState().run?.status).toBe('paused');
    expect(screen.getByRole('region', { name: 'Run status' }).textContent).toContain('paused');
    expect(screen.queryByRole('button', { name: 'Override input' })).toBeNull();
    expect((screen.getByRole('button', { name: 'Continue' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Stop' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('is not shown for a live run (one started elsewhere is adopted while it runs)', () => {
    act(() => useStore.getState().clearRun());
    act(() => {
      for (const event of events.slice(0, 3)) useStore.getState().receive({ ...event, runId: 'r2' } as RunEvent);
    });
    render(<RunPanel />);
    expect(screen.queryByRole('slider', { name: 'Event shown' })).toBeNull();
  });
});
