import { expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../../engine/run/events.ts';
import type { JournalStore } from '../../../host/journal/journal-store.ts';

/** Events of one run as the executor would stamp them, `at` 10 ms apart from `at`. */
export function runEvents(runId: string, bodies: RunEventBody[], at = 1_000): RunEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, runId, at: at + i * 10 }) as RunEvent);
}

/** A `run.started` body of a three-node playbook named `name`. */
export const started = (name = 'Triage'): RunEventBody => ({
  type: 'run.started',
  playbookId: name.toLowerCase(),
  playbookName: name,
  revision: 1,
  mode: 'run',
  dryRun: false,
  trigger: { ip: '10.0.0.1' },
  nodeIds: ['start', 'a', 'b'],
});
/** A `node.succeeded` body whose output names the node. */
export const ok = (nodeId: string): RunEventBody => ({ type: 'node.succeeded', nodeId, attempt: 1, output: { nodeId }, port: 'out', durationMs: 5 });
/** The `run.finished` body of a run that succeeded after 30 ms. */
export const finished: RunEventBody = { type: 'run.finished', status: 'succeeded', durationMs: 30 };

/**
 * What every JournalStore does, whatever it keeps runs in (files, PostgreSQL): call inside a
 * describe, with `store` giving a store over an empty journal for the current test.
 */
export function journalStoreContract(store: () => JournalStore): void {
  it('appends batches and reads the run back through the reducer, no longer live once closed', async () => {
    const journal = await store().open('run-1');
    const all = runEvents('run-1', [started(), ok('start'), ok('a'), ok('b'), finished]);
    await journal.append(all.slice(0, 2));
    await journal.append([]);
    await journal.append(all.slice(2));
    await journal.close();
    const run = await store().readRun('run-1');
    expect(run).toMatchObject({ runId: 'run-1', events: all, torn: false, corrupt: 0, live: false });
    expect(run.state?.status).toBe('succeeded');
  });

  it('keeps batches in order even when appends are not awaited', async () => {
    const journal = await store().open('run-2');
    const all = runEvents('run-2', [started(), ok('start'), ok('a'), ok('b'), finished]);
    await Promise.all(all.map((event) => journal.append([event])));
    await journal.close();
    expect((await store().readRun('run-2')).events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows a run whose journal is open as live and running', async () => {
    const journal = await store().open('run-3');
    await journal.append(runEvents('run-3', [started(), ok('start'), ok('a')]));
    const run = await store().readRun('run-3');
    expect(run.live).toBe(true);
    expect(run.state?.status).toBe('running');
    await journal.close();
  });

  it('lists runs newest first with their summaries, leaving out runs that never started', async () => {
    for (const [id, at, bodies] of [
      ['old', 1_000, [started('Old'), ok('start'), finished]],
      ['new', 5_000, [started('New'), ok('start'), ok('a')]],
      ['empty', 9_000, []],
    ] as const) {
      const journal = await store().open(id);
      await journal.append(runEvents(id, [...bodies], at));
      await journal.close();
    }
    const runs = await store().listRuns();
    expect(runs.map((r) => [r.runId, r.status, r.playbookName])).toEqual([
      ['new', 'interrupted', 'New'],
      ['old', 'succeeded', 'Old'],
    ]);
    expect(runs[0]).toMatchObject({ startedAt: 5_000, durationMs: 20, lastCompletedNodeId: 'a', trigger: { ip: '10.0.0.1' } });
    expect(runs[1]?.durationMs).toBe(30);
    expect((await store().runIds()).sort()).toEqual(['empty', 'new', 'old']);
  });

  it('lists nothing before the first run', async () => {
    expect(await store().listRuns()).toEqual([]);
    expect(await store().runIds()).toEqual([]);
  });

  it('keeps secret values and sensitive fields out of what it stores', async () => {
    const journal = await store().open('run-5', { secrets: ['sk-live-123456'] });
    await journal.append(
      runEvents('run-5', [started(), { type: 'node.started', nodeId: 'a', attempt: 1, input: { url: 'https://x/?key=sk-live-123456', password: 'pw' } }]),
    );
    await journal.close();
    const text = JSON.stringify((await store().readRun('run-5')).events);
    expect(text).not.toContain('sk-live-123456');
    expect(text).not.toContain('"pw"');
  });

  it('refuses run ids that are not safe file names', async () => {
    for (const id of ['../escape', 'a/b', '..', '', '.hidden', 'a b', 'x'.repeat(200)]) {
      await expect(store().open(id)).rejects.toMatchObject({ code: 'INVALID_RUN_ID' });
      await expect(store().readRun(id)).rejects.toMatchObject({ code: 'INVALID_RUN_ID' });
    }
  });

  it('refuses to open a run twice, to read a run that does not exist and to append after close', async () => {
    const journal = await store().open('once');
    await expect(store().open('once')).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    await journal.close();
    await journal.close();
    await expect(store().open('once')).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    await expect(store().readRun('never')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    await expect(journal.append(runEvents('once', [started()]))).rejects.toMatchObject({ code: 'JOURNAL_CLOSED' });
  });

  it('saves and reads the details a resume needs, before or after the run opens', async () => {
    await store().saveRunInfo('with-info', { playbookFile: '/x.playbook.json', dryRun: false });
    expect(await store().readRunInfo('with-info')).toEqual({ playbookFile: '/x.playbook.json', dryRun: false });
    await expect(store().readRunInfo('without')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    const journal = await store().open('with-info');
    await store().saveRunInfo('with-info', { playbookFile: '/y.playbook.json', dryRun: true });
    await journal.close();
    expect(await store().readRunInfo('with-info')).toEqual({ playbookFile: '/y.playbook.json', dryRun: true });
  });

  it('stamps a run so that the stamp changes when its journal grows, and has none for an unknown run', async () => {
    expect(await store().stamp('nothing')).toBeUndefined();
    const journal = await store().open('stamped');
    await journal.append(runEvents('stamped', [started()]));
    const before = await store().stamp('stamped');
    expect(before).toEqual(expect.any(String));
    expect(await store().stamp('stamped')).toBe(before);
    await journal.append(runEvents('stamped', [ok('start')]).map((e) => ({ ...e, seq: 2 })));
    expect(await store().stamp('stamped')).not.toBe(before);
    await journal.close();
  });
}
