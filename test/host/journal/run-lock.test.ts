import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { holdsLock, lockText, ownIdentity, parseLock, startTimeOfProcStat } from '../../../host/journal/process-identity.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { waitFor } from '../../support/wait-for.ts';
import { useProtocolServer, writeShipped } from '../protocol/harness.ts';

const linux = process.platform === 'linux';
const { client, workspace } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), [TINY]), workspace: dir() }));
const runsDir = () => path.join(workspace(), 'runs');

/**
 * A run of tiny that a killed host left after `first` (its journal and saved details copied from a
 * real run, cut before `second`), under a new id, with `lock` as its lock file.
 */
async function interruptedRun(runId: string, lock: string): Promise<void> {
  const { runId: source } = await client().call('runs.start', { playbookId: 'tiny' });
  await client().waitForEvent((e) => e.runId === source && e.type === 'run.finished');
  await waitFor(() => !fs.existsSync(path.join(runsDir(), `${source}.lock`)) || undefined);
  const events = fs
    .readFileSync(path.join(runsDir(), `${source}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ ...(JSON.parse(line) as RunEvent), runId }));
  const cut = events.findIndex((e) => e.type === 'node.succeeded' && e.nodeId === 'first');
  fs.writeFileSync(path.join(runsDir(), `${runId}.jsonl`), events.slice(0, cut + 1).map((e) => `${JSON.stringify(e)}\n`).join(''));
  fs.copyFileSync(path.join(runsDir(), `${source}.run.json`), path.join(runsDir(), `${runId}.run.json`));
  fs.writeFileSync(path.join(runsDir(), `${runId}.lock`), lock);
}

describe('a run lock', () => {
  it.runIf(linux)('naming a live pid with another start time (pid reused) is stale: the run is interrupted and resumes', async () => {
    await interruptedRun('r-reused-parent', `${process.ppid}\n1\n`);
    await interruptedRun('r-reused-init', '1\n2\n');
    for (const runId of ['r-reused-parent', 'r-reused-init']) {
      const { state } = await client().call('runs.get', { runId });
      expect(state).toMatchObject({ status: 'interrupted', lastCompletedNodeId: 'first' });
      expect(fs.existsSync(path.join(runsDir(), `${runId}.lock`))).toBe(false);
    }
    const { runs } = await client().call('runs.list', { playbookId: 'tiny' });
    expect(runs.find((r) => r.runId === 'r-reused-parent')).toMatchObject({ status: 'interrupted' });

    const { runId } = await client().call('runs.start', { playbookId: 'tiny', from: { runId: 'r-reused-parent', nodeId: 'second' } });
    const finished = await client().waitForEvent((e) => e.runId === runId && e.type === 'run.finished');
    expect(finished).toMatchObject({ status: 'succeeded' });
    expect(client().events.find((e) => e.runId === runId && e.type === 'node.succeeded' && e.nodeId === 'first')).toMatchObject({ source: 'reused' });
  });

  it('naming a process that is gone is stale too', async () => {
    const gone = spawn(process.execPath, ['-e', '0']);
    const pid = gone.pid ?? 0;
    await new Promise((resolve) => gone.on('exit', resolve));
    await interruptedRun('r-gone', `${pid}\n123\n`);
    expect((await client().call('runs.get', { runId: 'r-gone' })).state.status).toBe('interrupted');
  });

  it.runIf(linux)('held by the live process it names (same start time) keeps the run running: no resume beside it', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = holder.pid ?? 0;
      const start = startTimeOfProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      expect(start).toMatch(/^[0-9]+$/);
      await interruptedRun('r-held', lockText({ pid, start: start ?? '' }));
      expect((await client().call('runs.get', { runId: 'r-held' })).state.status).toBe('running');
      await expect(client().call('runs.start', { playbookId: 'tiny', from: { runId: 'r-held', nodeId: 'second' } })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(fs.existsSync(path.join(runsDir(), 'r-held.lock'))).toBe(true);
    } finally {
      holder.kill();
    }
  });

  it('is written with the pid and the start time of the writing process', async () => {
    const { runId } = await client().call('runs.start', { playbookId: 'tiny', mode: 'step' });
    await client().waitForEvent((e) => e.runId === runId && e.type === 'run.paused');
    const lock = parseLock(fs.readFileSync(path.join(runsDir(), `${runId}.lock`), 'utf8'));
    expect(lock).toEqual(ownIdentity());
    if (linux) expect(lock?.start).toMatch(/^[0-9]+$/);
    await client().call('runs.control', { runId, action: 'stop' });
  });
});

describe('process identity', () => {
  it('reads the start time after a command name holding spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    expect(startTimeOfProcStat(`4242 (a) b (c)) ${fields.join(' ')}`)).toBe('22');
    expect(startTimeOfProcStat('garbage')).toBeUndefined();
  });

  it('parses locks of this version and older pid-only ones, and nothing else', () => {
    expect(parseLock('123\n456\n')).toEqual({ pid: 123, start: '456' });
    expect(parseLock('123\nMon Jan  1 10:00:00 2024\n')).toEqual({ pid: 123, start: 'Mon Jan  1 10:00:00 2024' });
    expect(parseLock('123\n')).toEqual({ pid: 123 });
    for (const text of ['', 'abc', '0\n', '-5\n', '12 34\n']) expect(parseLock(text)).toBeUndefined();
    expect(parseLock(lockText({ pid: 7, start: '99' }))).toEqual({ pid: 7, start: '99' });
  });

  it('holds a lock only while the same process lives', () => {
    expect(holdsLock({ pid: 5, start: '10' }, true, '10')).toBe(true);
    expect(holdsLock({ pid: 5, start: '10' }, true, '11')).toBe(false);
    expect(holdsLock({ pid: 5, start: '10' }, false, undefined)).toBe(false);
    expect(holdsLock({ pid: 5 }, true, '11')).toBe(true);
    expect(holdsLock({ pid: 5, start: '10' }, true, undefined)).toBe(true);
  });
});
