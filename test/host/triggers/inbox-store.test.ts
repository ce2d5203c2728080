import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InboxBusyError, openInboxStore } from '../../../host/triggers/inbox-store.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { describeInboxBehaviour, hookEvent } from './inbox-behaviour.ts';

const CHILD = path.join(import.meta.dirname, 'inbox-child.ts');

const suiteRoots: string[] = [];
afterAll(() => {
  for (const root of suiteRoots) fs.rmSync(root, { recursive: true, force: true });
});
describeInboxBehaviour('the embedded store (openInboxStore)', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'inbox-behaviour-'));
  suiteRoots.push(root);
  let time = 1_700_000_000_000;
  const inbox = await openInboxStore(root, { clock: { now: () => time } });
  return { inbox, advance: (ms: number) => void (time += ms) };
});

/** Runs the child script; `killAfter` kills it with SIGKILL once that many ACC lines were printed. */
function runChild(args: string[], killAfter?: number): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let rest = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
      if (killAfter !== undefined && lines.length >= killAfter) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ lines, signal });
    });
  });
}

describe('the embedded store on disk', () => {
  const dir = useTempDir('inbox-store-');

  it('keeps events, statuses, dedupe keys and cursors across a reopen', async () => {
    const first = await openInboxStore(dir());
    const { event } = await first.accept(hookEvent('d1'));
    await first.enqueue(event.id);
    await first.acceptBatch([], { key: 'poll', value: 'c1' });
    await first.close();
    const again = await openInboxStore(dir());
    expect(await again.get(event.id)).toMatchObject({ status: 'queued' });
    expect((await again.unfinished()).map((e) => e.id)).toEqual([event.id]);
    expect((await again.accept(hookEvent('d1'))).event).toMatchObject({ status: 'duplicate', duplicateOf: event.id });
    expect(await again.cursor('poll')).toBe('c1');
    await again.close();
  });

  it('drops a torn last line (a crash mid-write) and cuts it off so later lines are whole', async () => {
    const first = await openInboxStore(dir());
    const kept = (await first.accept(hookEvent())).event;
    await first.close();
    fs.appendFileSync(path.join(dir(), 'inbox', 'events.jsonl'), '{"t":"event","event":{"id":"evt-');
    const second = await openInboxStore(dir());
    expect(second.recovered).toEqual({ torn: true, corrupt: 0, compacted: false });
    const added = (await second.accept(hookEvent())).event;
    await second.close();
    const third = await openInboxStore(dir());
    expect(third.recovered.torn).toBe(false);
    expect((await third.list()).map((e) => e.id)).toEqual([added.id, kept.id]);
    await third.close();
  });

  it('compacts a log of superseded status lines at open, keeping every event as it stands', async () => {
    const first = await openInboxStore(dir(), { compactAfter: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { event } = await first.accept(hookEvent(`k${i}`));
      await first.enqueue(event.id);
      ids.push(event.id);
    }
    for (let i = 0; i < 8; i++) await first.claim((e) => `run-${e.id}`);
    await first.close();
    const log = path.join(dir(), 'inbox', 'events.jsonl');
    const before = fs.readFileSync(log, 'utf8').split('\n').length;
    const second = await openInboxStore(dir(), { compactAfter: 10 });
    expect(second.recovered.compacted).toBe(true);
    expect(fs.readFileSync(log, 'utf8').split('\n').length).toBeLessThan(before);
    expect((await second.unfinished()).map((e) => [e.id, e.status, e.runId])).toEqual(ids.map((id) => [id, 'running', `run-${id}`]));
    expect((await second.accept(hookEvent('k3'))).duplicate).toBe(true);
    await second.close();
  });

  it('can be read beside its owner without taking it, refusing every write', async () => {
    const owner = await openInboxStore(dir());
    const { event } = await owner.accept(hookEvent());
    const reader = await openInboxStore(dir(), { readOnly: true });
    expect((await reader.list()).map((e) => e.id)).toEqual([event.id]);
    await expect(reader.accept(hookEvent())).rejects.toThrow('INBOX_UNAVAILABLE: the inbox was opened read-only');
    await reader.close();
    await owner.accept(hookEvent());
    await owner.close();
  });

  it('belongs to one live process at a time', async () => {
    const first = await openInboxStore(dir());
    await first.close();
    fs.writeFileSync(path.join(dir(), 'inbox', 'inbox.lock'), `${process.ppid}\n`);
    await expect(openInboxStore(dir())).rejects.toThrow(InboxBusyError);
    await expect(openInboxStore(dir())).rejects.toThrow(/^INBOX_BUSY: the event inbox in .* is in use by process \d+$/);
  });

  it('keeps every event whose accept resolved when its process is killed -9 mid-burst', async () => {
    const { lines, signal } = await runChild(['burst', dir(), '5000', '50'], 1500);
    expect(signal).toBe('SIGKILL');
    const printed = lines.filter((l) => l.startsWith('ACC ')).map((l) => l.slice(4));
    expect(printed.length).toBeGreaterThanOrEqual(1500);
    const inbox = await openInboxStore(dir());
    const stored = new Set((await inbox.list({ limit: 10_000 })).map((e) => e.id));
    expect(printed.filter((id) => !stored.has(id))).toEqual([]);
    expect(new Set((await inbox.list({ limit: 10_000 })).map((e) => e.dedupeKey)).size).toBe(stored.size);
    await inbox.close();
  }, 90_000);

  it('records each schedule fire once when two processes race on the same workspace', async () => {
    const [a, b] = await Promise.all([runChild(['fires', dir(), '200']), runChild(['fires', dir(), '200'])]);
    const won = [...a.lines, ...b.lines].filter((l) => l.startsWith('WON ')).map((l) => Number(l.slice(4)));
    expect(won.sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const inbox = await openInboxStore(dir());
    expect(await inbox.lastFire('pb', 'cron')).toBe(199);
    expect(await inbox.recordFire('pb', 'cron', 199)).toBe(false);
    await inbox.close();
  }, 90_000);
});
