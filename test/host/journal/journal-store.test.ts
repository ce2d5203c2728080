import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../engine/journal/redact.ts';
import { createEncoder, createJournalStore, isSafeRunId, JournalStoreError } from '../../../host/journal/journal-store.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { finished, journalStoreContract, ok, runEvents, started } from './journal-store-contract.ts';

const dir = useTempDir('switchboard-journal-');

const events = runEvents;

describe('journal store: what every store does, in files', () => {
  journalStoreContract(() => createJournalStore(dir()));
});

describe('journal store', () => {
  it('appends each batch as JSON Lines and reads the run back through the reducer', async () => {
    const store = createJournalStore(dir());
    const journal = await store.open('run-1');
    const all = events('run-1', [started(), ok('start'), ok('a'), ok('b'), finished]);
    await journal.append(all.slice(0, 2));
    await journal.append(all.slice(2));
    await journal.close();

    const text = fs.readFileSync(path.join(dir(), 'runs', 'run-1.jsonl'), 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(5);
    const run = await store.readRun('run-1');
    expect(run.events).toEqual(all);
    expect(run.state?.status).toBe('succeeded');
    expect(run.live).toBe(false);
    expect(fs.existsSync(path.join(dir(), 'runs', 'run-1.lock'))).toBe(false);
  });

  it('keeps batches in order even when appends are not awaited', async () => {
    const journal = await createJournalStore(dir()).open('run-2');
    const all = events('run-2', [started(), ok('start'), ok('a'), ok('b'), finished]);
    const pending = all.map((event) => journal.append([event]));
    await Promise.all(pending);
    await journal.close();
    const run = await createJournalStore(dir()).readRun('run-2');
    expect(run.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows an open run as live, and one whose writer is gone as interrupted', async () => {
    const store = createJournalStore(dir());
    const journal = await store.open('run-3');
    await journal.append(events('run-3', [started(), ok('start'), ok('a')]));
    expect((await store.readRun('run-3')).state?.status).toBe('running');

    fs.writeFileSync(path.join(dir(), 'runs', 'run-4.jsonl'), events('run-4', [started(), ok('start')]).map((e) => JSON.stringify(e)).join('\n') + '\n{"seq":3,"ty');
    fs.writeFileSync(path.join(dir(), 'runs', 'run-4.lock'), '999999999\n');
    const killed = await store.readRun('run-4');
    expect(killed.torn).toBe(true);
    expect(killed.live).toBe(false);
    expect(killed.state?.status).toBe('interrupted');
    expect(killed.state?.lastCompletedNodeId).toBe('start');
    await journal.close();
  });

  it('lists runs newest first with their summaries', async () => {
    const store = createJournalStore(dir());
    for (const [id, at, bodies] of [
      ['old', 1_000, [started('Old'), ok('start'), finished]],
      ['new', 5_000, [started('New'), ok('start'), ok('a')]],
    ] as const) {
      const journal = await store.open(id);
      await journal.append(events(id, [...bodies], at));
      await journal.close();
    }
    fs.writeFileSync(path.join(dir(), 'runs', 'empty.jsonl'), '');
    fs.writeFileSync(path.join(dir(), 'runs', 'notes.txt'), 'ignored');
    const runs = await store.listRuns();
    expect(runs.map((r) => [r.runId, r.status, r.playbookName])).toEqual([
      ['new', 'interrupted', 'New'],
      ['old', 'succeeded', 'Old'],
    ]);
    expect(runs[0]).toMatchObject({ startedAt: 5_000, durationMs: 20, lastCompletedNodeId: 'a', trigger: { ip: '10.0.0.1' } });
    expect(runs[1]?.durationMs).toBe(30);
  });

  it('lists nothing for a workspace that has no runs yet', async () => {
    expect(await createJournalStore(path.join(dir(), 'nowhere')).listRuns()).toEqual([]);
  });

  it('redacts secret values and sensitive fields before writing', async () => {
    const journal = await createJournalStore(dir()).open('run-5', { secrets: ['sk-live-123456'] });
    await journal.append(
      events('run-5', [started(), { type: 'node.started', nodeId: 'a', attempt: 1, input: { url: 'https://x/?key=sk-live-123456', password: 'pw' } }]),
    );
    await journal.close();
    const text = fs.readFileSync(journal.path, 'utf8');
    expect(text).not.toContain('sk-live-123456');
    expect(text).not.toContain('"pw"');
    expect(text).toContain(`?key=${REDACTED}`);
  });

  it('encodes clean batches once, and only walks batches a probe flags', () => {
    const clean = events('e', [started(), ok('start')]);
    expect(createEncoder(['sk-live-123456'], true)(clean)).toBe(clean.map((e) => JSON.stringify(e) + '\n').join(''));
    const dirty = events('e', [{ type: 'node.log', nodeId: 'a', level: 'info', message: 'token sk-live-123456' }]);
    const text = createEncoder(['sk-live-123456'], false)(dirty);
    expect(text).toContain(`token ${REDACTED}`);
    expect(dirty[0]).toMatchObject({ message: 'token sk-live-123456' });
  });

  it('refuses run ids that are not safe file names', async () => {
    const store = createJournalStore(dir());
    for (const id of ['../escape', 'a/b', '..', '', '.hidden', 'a\\b', 'a\0b', 'x'.repeat(200)]) {
      expect(isSafeRunId(id)).toBe(false);
      await expect(store.open(id)).rejects.toThrow(JournalStoreError);
    }
    expect(isSafeRunId('20250301-140209-3fa9c1')).toBe(true);
    await expect(store.readRun('../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_RUN_ID' });
  });

  it('refuses to open a run twice and to read a run that does not exist', async () => {
    const store = createJournalStore(dir());
    const journal = await store.open('once');
    await expect(store.open('once')).rejects.toThrow(/RUN_EXISTS/);
    await journal.close();
    await expect(store.readRun('never')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    await expect(journal.append(events('once', [started()]))).rejects.toMatchObject({ code: 'JOURNAL_CLOSED' });
  });

  it('syncs every batch when asked for OS-level durability', async () => {
    const journal = await createJournalStore(dir(), { durability: 'os' }).open('durable');
    await journal.append(events('durable', [started(), ok('start')]));
    expect(fs.readFileSync(journal.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    await journal.close();
  });

  it('saves and reads the details a resume needs', async () => {
    const store = createJournalStore(dir());
    await store.saveRunInfo('with-info', { playbookFile: '/x.playbook.json', dryRun: false });
    expect(await store.readRunInfo('with-info')).toEqual({ playbookFile: '/x.playbook.json', dryRun: false });
    await expect(store.readRunInfo('without')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('costs about one write per batch: 1,000 small batches well under a second', async () => {
    const journal = await createJournalStore(dir()).open('fast');
    const all = events('fast', [started(), ...Array.from({ length: 2_000 }, (_, i) => ok(`n${i}`))]);
    const startedAt = performance.now();
    for (let i = 0; i < all.length; i += 2) await journal.append(all.slice(i, i + 2));
    const perBatchUs = ((performance.now() - startedAt) * 1000) / 1_000;
    await journal.close();
    expect(perBatchUs).toBeLessThan(1_000);
  });
});
