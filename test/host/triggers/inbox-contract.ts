import { describe, expect, it } from 'vitest';
import type { EventInbox, EventStatus, InboxEvent } from '../../../host/triggers/contract.ts';
import { waitFor } from '../../support/wait-for.ts';
import { hookEvent } from './inbox-behaviour.ts';

/** The moment every contract test starts at (epoch ms). */
const START = 1_700_000_000_000;

/**
 * The EventInbox contract (host/triggers/contract.ts) as one suite that every adapter passes: the
 * embedded store and PostgreSQL. `open` gives a fresh, empty inbox on the suite's clock `now`.
 * Subscribers may hear changes after the call that made them resolves (NOTIFY is asynchronous),
 * so the suite waits for what it expects to hear.
 */
export function describeInboxContract(name: string, open: (now: () => number) => Promise<EventInbox>): void {
  describe(`${name}: the EventInbox contract`, () => {
    /** A fresh inbox and the lever of its clock. */
    const fresh = async (): Promise<{ inbox: EventInbox; advance: (ms: number) => void }> => {
      let time = START;
      const inbox = await open(() => time);
      return { inbox, advance: (ms) => void (time += ms) };
    };

    it('accepts an event as `accepted` with an id sortable by arrival, and reads it back as committed', async () => {
      const { inbox } = await fresh();
      const { event, duplicate } = await inbox.accept(hookEvent('d1', { replayOf: 'evt-0000000000001-aa' }));
      expect(duplicate).toBe(false);
      expect(event).toMatchObject({ playbookId: 'pb', revision: 1, triggerNodeId: 'hook', source: 'webhook', receivedAt: START, status: 'accepted', duplicates: 0, dedupeKey: 'd1', replayOf: 'evt-0000000000001-aa', payload: { body: { n: 1 } } });
      expect(event.id).toMatch(/^evt-1700000000000-[0-9a-f]+$/);
      expect(await inbox.get(event.id)).toEqual(event);
      expect(await inbox.get('evt-nope')).toBeUndefined();
      await inbox.close();
    });

    it('keeps a payload exactly as given, whatever its keys and characters', async () => {
      const { inbox } = await fresh();
      const payload = { z: 1, a: [true, null, 2.5], 'ключ': 'значение \u0000 \ud83d\ude00', nested: { b: 'x', a: 'y' } };
      const { event } = await inbox.accept(hookEvent(undefined, { payload }));
      const read = await inbox.get(event.id);
      expect(read?.payload).toEqual(payload);
      expect(Object.keys(read?.payload as object)).toEqual(Object.keys(payload));
      await inbox.close();
    });

    it('records an event whose key was seen in the window as a duplicate of the first, which counts every one', async () => {
      const { inbox } = await fresh();
      const first = (await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }))).event;
      const again = await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }));
      const third = await inbox.accept(hookEvent('d1'));
      expect(again.duplicate).toBe(true);
      expect(again.event).toMatchObject({ status: 'duplicate', duplicateOf: first.id, duplicates: 0 });
      expect(again.event.id).not.toBe(first.id);
      expect(third.event.duplicateOf).toBe(first.id);
      expect(await inbox.get(again.event.id)).toEqual(again.event);
      expect((await inbox.get(first.id))?.duplicates).toBe(2);
      expect((await inbox.accept(hookEvent('d1', { triggerNodeId: 'other' }))).duplicate).toBe(false);
      expect((await inbox.accept(hookEvent('d1', { playbookId: 'pb2' }))).duplicate).toBe(false);
      await inbox.close();
    });

    it('forgets a key when its window has passed: the next event with it is new and holds the key', async () => {
      const { inbox, advance } = await fresh();
      const first = (await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }))).event;
      advance(59_999);
      expect((await inbox.accept(hookEvent('d1'))).event.duplicateOf).toBe(first.id);
      advance(1);
      const fresher = await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }));
      expect(fresher.duplicate).toBe(false);
      expect((await inbox.accept(hookEvent('d1'))).event.duplicateOf).toBe(fresher.event.id);
      expect((await inbox.accept(hookEvent('k0', { dedupeWindowMs: 0 }))).duplicate).toBe(false);
      expect((await inbox.accept(hookEvent('k0', { dedupeWindowMs: 0 }))).duplicate).toBe(false);
      await inbox.close();
    });

    it('lets one of 16 concurrent events with the same key through; the other 15 are its duplicates', async () => {
      const { inbox } = await fresh();
      const out = await Promise.all(Array.from({ length: 16 }, () => inbox.accept(hookEvent('burst'))));
      const firsts = out.filter((a) => !a.duplicate);
      expect(firsts).toHaveLength(1);
      expect(new Set(out.filter((a) => a.duplicate).map((a) => a.event.duplicateOf))).toEqual(new Set([firsts[0]!.event.id]));
      expect((await inbox.get(firsts[0]!.event.id))?.duplicates).toBe(15);
      await inbox.close();
    });

    it('gives a duplicate of a claimed event the run id of that event', async () => {
      const { inbox } = await fresh();
      const first = (await inbox.accept(hookEvent('d1'))).event;
      await inbox.enqueue(first.id);
      await inbox.claim(() => 'run-first');
      expect((await inbox.accept(hookEvent('d1'))).event).toMatchObject({ status: 'duplicate', duplicateOf: first.id, runId: 'run-first' });
      await inbox.close();
    });

    it('refuses a malformed event with a one-line INVALID_EVENT naming the field, committing nothing', async () => {
      const { inbox } = await fresh();
      await expect(inbox.accept({ ...hookEvent(), playbookId: '' })).rejects.toThrow(/^INVALID_EVENT: playbookId must be a non-empty string$/);
      await expect(inbox.accept({ ...hookEvent(), revision: 1.5 })).rejects.toThrow(/^INVALID_EVENT: revision /);
      await expect(inbox.accept({ ...hookEvent(), triggerNodeId: '' })).rejects.toThrow(/^INVALID_EVENT: triggerNodeId /);
      await expect(inbox.accept({ ...hookEvent(), receivedAt: Number.NaN })).rejects.toThrow(/^INVALID_EVENT: receivedAt /);
      await expect(inbox.accept(hookEvent('x'.repeat(1025)))).rejects.toThrow(/^INVALID_EVENT: dedupeKey /);
      await expect(inbox.accept({ ...hookEvent(), dedupeWindowMs: -1 })).rejects.toThrow(/^INVALID_EVENT: dedupeWindowMs /);
      await expect(inbox.accept({ ...hookEvent(), payload: 'x'.repeat(1024 * 1024 + 1) })).rejects.toThrow(/^INVALID_EVENT: payload is 1048579 bytes, over the 1048576-byte limit$/);
      expect(await inbox.list()).toEqual([]);
      await inbox.close();
    });

    it('commits a batch with its cursor, deduplicating inside the batch', async () => {
      const { inbox } = await fresh();
      expect(await inbox.cursor('splunk:pb:poll')).toBeUndefined();
      const out = await inbox.acceptBatch([hookEvent('a'), hookEvent('b'), hookEvent('a')], { key: 'splunk:pb:poll', value: 'c-2' });
      expect(out.map((a) => a.duplicate)).toEqual([false, false, true]);
      expect(out[2]!.event.duplicateOf).toBe(out[0]!.event.id);
      expect((await inbox.get(out[0]!.event.id))?.duplicates).toBe(1);
      expect(await inbox.cursor('splunk:pb:poll')).toBe('c-2');
      await inbox.acceptBatch([], { key: 'splunk:pb:poll', value: 'c-3' });
      expect(await inbox.cursor('splunk:pb:poll')).toBe('c-3');
      await inbox.close();
    });

    it('commits nothing of a batch with a malformed event: neither its events nor its cursor', async () => {
      const { inbox } = await fresh();
      await inbox.acceptBatch([hookEvent('a')], { key: 'poll', value: 'c-1' });
      await expect(inbox.acceptBatch([hookEvent('b'), { ...hookEvent('c'), playbookId: '' }], { key: 'poll', value: 'c-2' })).rejects.toThrow(/^INVALID_EVENT: playbookId /);
      expect(await inbox.cursor('poll')).toBe('c-1');
      expect((await inbox.list()).map((e) => e.dedupeKey)).toEqual(['a']);
      await inbox.close();
    });

    it('records each schedule fire exactly once, even when asked at once, and knows the latest', async () => {
      const { inbox } = await fresh();
      expect(await inbox.lastFire('pb', 'cron')).toBeUndefined();
      expect(await inbox.recordFire('pb', 'cron', 60_000)).toBe(true);
      expect(await inbox.recordFire('pb', 'cron', 60_000)).toBe(false);
      const racing = await Promise.all(Array.from({ length: 8 }, () => inbox.recordFire('pb', 'cron', 180_000)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      expect(await inbox.recordFire('pb', 'cron', 120_000)).toBe(true);
      expect(await inbox.lastFire('pb', 'cron')).toBe(180_000);
      expect(await inbox.recordFire('pb', 'other', 60_000)).toBe(true);
      expect(await inbox.lastFire('pb', 'other')).toBe(60_000);
      await inbox.close();
    });

    it('claims queued events in arrival order, recording the run id, and never claims one twice', async () => {
      const { inbox } = await fresh();
      const a = (await inbox.accept(hookEvent())).event;
      const b = (await inbox.accept(hookEvent())).event;
      const c = (await inbox.accept(hookEvent())).event;
      await inbox.enqueue(a.id);
      await inbox.enqueue(b.id);
      expect(await inbox.get(a.id)).toMatchObject({ status: 'queued' });
      const claims = await Promise.all([inbox.claim((e) => `run-${e.id}`), inbox.claim((e) => `run-${e.id}`), inbox.claim(() => 'x')]);
      expect(claims.map((e) => e?.id)).toEqual([a.id, b.id, undefined]);
      expect(claims[0]).toMatchObject({ status: 'running', runId: `run-${a.id}` });
      expect(await inbox.get(b.id)).toEqual(claims[1]);
      expect(await inbox.claim(() => 'y')).toBeUndefined();
      expect(await inbox.get(c.id)).toMatchObject({ status: 'accepted' });
      await inbox.close();
    });

    it('records the end of a run, and refuses a move the queue does not allow with one line naming the event', async () => {
      const { inbox } = await fresh();
      const a = (await inbox.accept(hookEvent())).event;
      const b = (await inbox.accept(hookEvent())).event;
      const c = (await inbox.accept(hookEvent())).event;
      await inbox.enqueue(a.id);
      await inbox.enqueue(b.id);
      await inbox.claim(() => 'r-a');
      await inbox.claim(() => 'r-b');
      await inbox.finish(a.id, 'done');
      await inbox.finish(b.id, 'failed', 'node x failed');
      await inbox.finish(c.id, 'rejected', 'playbook pb was disabled');
      expect(await inbox.get(a.id)).toMatchObject({ status: 'done', runId: 'r-a' });
      expect(await inbox.get(b.id)).toMatchObject({ status: 'failed', runId: 'r-b', error: 'node x failed' });
      expect(await inbox.get(c.id)).toMatchObject({ status: 'rejected', error: 'playbook pb was disabled' });
      await expect(inbox.finish(a.id, 'failed')).rejects.toThrow(new RegExp(`^EVENT_STATE: event ${a.id} is done and cannot become failed$`));
      await expect(inbox.enqueue(a.id)).rejects.toThrow(new RegExp(`^EVENT_STATE: event ${a.id} is done and cannot become queued$`));
      await expect(inbox.enqueue('evt-nope')).rejects.toThrow(/^EVENT_NOT_FOUND: no event evt-nope in the inbox$/);
      await expect(inbox.finish('evt-nope', 'done')).rejects.toThrow(/^EVENT_NOT_FOUND: /);
      const d = (await inbox.accept(hookEvent())).event;
      await expect(inbox.finish(d.id, 'done')).rejects.toThrow(new RegExp(`^EVENT_STATE: event ${d.id} is accepted and cannot become done$`));
      await inbox.enqueue(d.id);
      await expect(inbox.enqueue(d.id)).rejects.toThrow(/is queued and cannot become queued$/);
      const dup = (await inbox.accept(hookEvent('k'))).event;
      const second = (await inbox.accept(hookEvent('k'))).event;
      await expect(inbox.enqueue(second.id)).rejects.toThrow(/is duplicate and cannot become queued$/);
      expect(await inbox.get(dup.id)).toMatchObject({ status: 'accepted' });
      await inbox.close();
    });

    it('lists unfinished events (queued or running), oldest first', async () => {
      const { inbox } = await fresh();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await inbox.accept(hookEvent())).event.id);
      for (const id of ids.slice(0, 3)) await inbox.enqueue(id);
      await inbox.claim(() => 'r0');
      await inbox.claim(() => 'r1');
      await inbox.finish(ids[1]!, 'done');
      expect((await inbox.unfinished()).map((e) => [e.id, e.status])).toEqual([
        [ids[0], 'running'],
        [ids[2], 'queued'],
      ]);
      await inbox.close();
    });

    it('lists newest first, filtered by playbook, status and source, paged with `before`, 100 at most by default', async () => {
      const { inbox } = await fresh();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await inbox.accept(hookEvent(undefined, { playbookId: i % 2 ? 'odd' : 'even', source: i === 2 ? 'poll' : 'webhook' }))).event.id);
      await inbox.enqueue(ids[4]!);
      expect((await inbox.list()).map((e) => e.id)).toEqual([...ids].reverse());
      expect((await inbox.list({ playbookId: 'odd' })).map((e) => e.id)).toEqual([ids[3], ids[1]]);
      expect((await inbox.list({ status: 'queued' })).map((e) => e.id)).toEqual([ids[4]]);
      expect((await inbox.list({ source: 'poll' })).map((e) => e.id)).toEqual([ids[2]]);
      expect((await inbox.list({ playbookId: 'even', status: 'accepted' })).map((e) => e.id)).toEqual([ids[2], ids[0]]);
      expect((await inbox.list({ limit: 2, before: ids[3] })).map((e) => e.id)).toEqual([ids[2], ids[1]]);
      expect((await inbox.list({ limit: 2, before: ids[1] })).map((e) => e.id)).toEqual([ids[0]]);
      expect(await inbox.list({ before: 'evt-unknown' })).toEqual([]);
      await inbox.acceptBatch(Array.from({ length: 100 }, () => hookEvent()), { key: 'k', value: 'v' });
      const page = await inbox.list();
      expect(page).toHaveLength(100);
      expect(page.map((e) => e.id)).not.toContain(ids[4]);
      await inbox.close();
    });

    it('tells subscribers of each committed change, in order, and nothing after they unsubscribe', async () => {
      const { inbox } = await fresh();
      const seen: Array<[string, EventStatus, number]> = [];
      const all: InboxEvent[] = [];
      const stop = inbox.subscribe((e) => seen.push([e.id, e.status, e.duplicates]));
      inbox.subscribe((e) => all.push(e));
      const { event } = await inbox.accept(hookEvent('d1'));
      await inbox.enqueue(event.id);
      await expect(inbox.finish(event.id, 'done')).rejects.toThrow(/^EVENT_STATE/);
      const claimed = await inbox.claim(() => 'r1');
      const dup = (await inbox.accept(hookEvent('d1'))).event;
      await inbox.finish(event.id, 'done');
      const expected: Array<[string, EventStatus, number]> = [
        [event.id, 'accepted', 0],
        [event.id, 'queued', 0],
        [event.id, 'running', 0],
        [dup.id, 'duplicate', 0],
        [event.id, 'running', 1],
        [event.id, 'done', 1],
      ];
      await waitFor(() => (seen.length >= expected.length ? true : undefined), { timeoutMs: 20_000 });
      expect(seen).toEqual(expected);
      expect(all[2]).toEqual(claimed);
      stop();
      const later = (await inbox.accept(hookEvent())).event;
      await waitFor(() => (all.some((e) => e.id === later.id) ? true : undefined), { timeoutMs: 20_000 });
      expect(seen).toHaveLength(expected.length);
      await inbox.close();
    });

    it('refuses every call once closed, with INBOX_UNAVAILABLE', async () => {
      const { inbox } = await fresh();
      await inbox.close();
      await expect(inbox.accept(hookEvent())).rejects.toThrow(/^INBOX_UNAVAILABLE: /);
    });
  });
}
