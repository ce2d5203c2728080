import { describe, expect, it } from 'vitest';
import type { PlaybookSummary } from '../../../host/protocol/contract.ts';
import { runSummary } from '../../support/run-summary.ts';
import { homeRows, lastRunByPlaybook, runStatusText, timeAgo } from '../../../renderer/home/home-rows.ts';

const playbook = (id: string, name: string, extra: Partial<PlaybookSummary> = {}): PlaybookSummary => ({
  id,
  name,
  description: `${name} does things.`,
  revision: 1,
  tags: [],
  nodeCount: id.length,
  updatedAt: 0,
  slots: [],
  ...extra,
});

const run = runSummary;

describe('the home table rows', () => {
  it('lists the playbooks by name as people sort them, whatever the host order and case', () => {
    const rows = homeRows([playbook('zeta', 'zeta sweep'), playbook('b', 'Beta'), playbook('a2', 'alpha 10'), playbook('a1', 'Alpha 9')], [], []);
    expect(rows.map((row) => row.name)).toEqual(['Alpha 9', 'alpha 10', 'Beta', 'zeta sweep']);
  });

  it('carries name, description, node count and validation errors of each playbook', () => {
    const [row] = homeRows([playbook('triage', 'Triage', { nodeCount: 7, errorCount: 2 })], [], []);
    expect(row).toMatchObject({ id: 'triage', name: 'Triage', description: 'Triage does things.', nodeCount: 7, errorCount: 2, lastRun: undefined, enabled: undefined });
  });

  it('shows the newest run of each playbook, even when the history is not sorted', () => {
    const runs = [run('r1', 'triage', 100, { status: 'failed' }), run('r3', 'triage', 300, { status: 'paused' }), run('r2', 'triage', 200), run('p1', 'phish', 50, { status: 'cancelled' })];
    const rows = homeRows([playbook('triage', 'Triage'), playbook('phish', 'Phish'), playbook('idle', 'Idle')], runs, []);
    const byId = Object.fromEntries(rows.map((row) => [row.id, row.lastRun]));
    expect(byId.triage).toEqual({ runId: 'r3', status: 'paused', statusText: 'Paused', startedAt: 300 });
    expect(byId.phish).toMatchObject({ runId: 'p1', statusText: 'Stopped' });
    expect(byId.idle).toBeUndefined();
  });

  it('takes enabled or not from the trigger states, unknown when the host has not said', () => {
    const rows = homeRows([playbook('on', 'On'), playbook('off', 'Off'), playbook('new', 'New')], [], [
      { playbookId: 'on', enabled: true },
      { playbookId: 'off', enabled: false },
    ]);
    expect(rows.map((row) => [row.id, row.enabled])).toEqual([
      ['new', undefined],
      ['off', false],
      ['on', true],
    ]);
  });

  it('keeps one newest run per playbook id', () => {
    const last = lastRunByPlaybook([run('a', 'x', 1), run('b', 'y', 5), run('c', 'x', 9)]);
    expect([...last.entries()].map(([id, summary]) => [id, summary.runId])).toEqual([
      ['x', 'c'],
      ['y', 'b'],
    ]);
  });
});

describe('a run status in words', () => {
  it('names each status and marks dry runs and lab runs', () => {
    expect(runStatusText({ status: 'succeeded', dryRun: false })).toBe('Succeeded');
    expect(runStatusText({ status: 'failed', dryRun: true })).toBe('Failed (dry run)');
    expect(runStatusText({ status: 'running', dryRun: false, lab: true })).toBe('Running (lab)');
    expect(runStatusText({ status: 'interrupted', dryRun: true, lab: true })).toBe('Interrupted (dry run, lab)');
    expect(runStatusText({ status: 'cancelled', dryRun: false })).toBe('Stopped');
  });
});

describe('how long ago', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it('reads at a glance up to a week, then leaves the date to the caller', () => {
    expect(timeAgo(now - 20_000, now)).toBe('just now');
    expect(timeAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(timeAgo(now - 3 * 3_600_000 - 1, now)).toBe('3 h ago');
    expect(timeAgo(now - 26 * 3_600_000, now)).toBe('yesterday');
    expect(timeAgo(now - 3 * 86_400_000, now)).toBe('3 days ago');
    expect(timeAgo(now - 8 * 86_400_000, now)).toBeUndefined();
  });

  it('treats a start a little in the future (clock skew) as just now', () => {
    expect(timeAgo(now + 5_000, now)).toBe('just now');
  });
});
