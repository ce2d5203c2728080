import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventPipeline } from '../../../engine/run/event-pipeline.ts';
import type { RunEvent } from '../../../engine/run/events.ts';

const log = (nodeId: string) => ({ type: 'node.log' as const, nodeId, level: 'info' as const, message: nodeId });

afterEach(() => {
  vi.useRealTimers();
});

describe('EventPipeline', () => {
  it('writes the events of one turn in one append, in order, and publishes them only once written', async () => {
    const appended: string[][] = [];
    const published: string[] = [];
    let written = 0;
    const pipeline = new EventPipeline('run-1', () => 0, {
      append: (batch) => {
        appended.push(batch.map((e) => (e as RunEvent & { nodeId: string }).nodeId));
        written += batch.length;
      },
    });
    pipeline.subscribe((event) => {
      expect(written).toBeGreaterThanOrEqual(event.seq);
      published.push((event as RunEvent & { nodeId: string }).nodeId);
    });
    for (const id of ['a', 'b', 'c']) pipeline.emit(log(id));
    expect(published).toEqual([]);
    await pipeline.flushed();
    expect(appended).toEqual([['a', 'b', 'c']]);
    expect(published).toEqual(['a', 'b', 'c']);
  });

  it('stamps each event with its run, a growing sequence number and the time', async () => {
    const pipeline = new EventPipeline('run-9', () => 1_234, undefined);
    const first = pipeline.emit(log('a'));
    const second = pipeline.emit(log('b'));
    await pipeline.flushed();
    expect([first, second].map((e) => [e.runId, e.seq, e.at])).toEqual([['run-9', 1, 1_234], ['run-9', 2, 1_234]]);
  });

  it('lets a finishing run flush at once instead of waiting out the group-commit window', async () => {
    const appended: number[] = [];
    const pipeline = new EventPipeline('run-1', () => 0, { append: (batch) => void appended.push(batch.length) });
    pipeline.emit(log('a'));
    await pipeline.flushed();
    // The window is a real setTimeout; frozen here, so only the hurry can end the wait.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    pipeline.emit(log('b'));
    pipeline.emit(log('c'));
    await pipeline.flushed();
    expect(appended).toEqual([1, 2]);
  });

  it('keeps the first journal failure and stops writing, so the run can fail on it', async () => {
    let calls = 0;
    const pipeline = new EventPipeline('run-1', () => 0, {
      append: () => {
        calls++;
        return Promise.reject(new Error('disk full'));
      },
    });
    pipeline.emit(log('a'));
    await pipeline.flushed();
    expect((pipeline.failure as Error).message).toBe('disk full');
    expect(calls).toBe(1);
  });
});
