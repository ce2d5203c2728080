import { describe, expect, it } from 'vitest';
import type { EventInbox, InboxEvent, NewEvent } from '../../../host/triggers/contract.ts';

/** A webhook event of playbook `pb`, trigger `hook`, with the given dedupe key. */
export function hookEvent(dedupeKey?: string, extra: Partial<NewEvent> = {}): NewEvent {
  return {
    playbookId: 'pb',
    revision: 1,
    triggerNodeId: 'hook',
    source: 'webhook',
    receivedAt: 1_700_000_000_000,
    payload: { body: { n: 1 } },
    ...(dedupeKey !== undefined ? { dedupeKey } : {}),
    ...extra,
  };
}

/**
 * The behaviour every EventInbox shares (the durable store and the test inbox), as one suite:
 * `open` gives a fresh inbox whose clock the test moves with `advance`.
 */
export function describeInboxBehaviour(name: string, open: () => Promise<{ inbox: EventInbox; advance: (ms: number) => void }>): void {
  describe(`${name}: EventInbox behaviour`, () => {
    it('accepts an event as `accepted`, with an id sortable by arrival and no duplicates yet', async () => {
      const { inbox } = await open();
      const { event, duplicate } = await inbox.accept(hookEvent('d1'));
      expect(duplicate).toBe(false);
      expect(event).toMatchObject({ playbookId: 'pb', status: 'accepted', duplicates: 0, dedupeKey: 'd1', payload: { body: { n: 1 } } });
      expect(event.id).toMatch(/^evt-\d{13}-[0-9a-f]+$/);
      expect(await inbox.get(event.id)).toEqual(event);
      await inbox.close();
    });

    it('records a second event with the same key in the window as a duplicate linked to the first, which counts it', async () => {
      const { inbox, advance } = await open();
      const first = (await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }))).event;
      const again = await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }));
      expect(again.duplicate).toBe(true);
      expect(again.event).toMatchObject({ status: 'duplicate', duplicateOf: first.id });
      expect((await inbox.get(first.id))?.duplicates).toBe(1);
      const otherTrigger = await inbox.accept(hookEvent('d1', { triggerNodeId: 'other' }));
      expect(otherTrigger.duplicate).toBe(false);
      advance(60_001);
      const afterWindow = await inbox.accept(hookEvent('d1', { dedupeWindowMs: 60_000 }));
      expect(afterWindow.duplicate).toBe(false);
      await inbox.close();
    });

    it('dedupes within one batch and commits the batch with its cursor', async () => {
      const { inbox } = await open();
      const out = await inbox.acceptBatch([hookEvent('a'), hookEvent('b'), hookEvent('a')], { key: 'splunk:pb:poll', value: 'c-2' });
      expect(out.map((a) => a.duplicate)).toEqual([false, false, true]);
      expect(out[2]!.event.duplicateOf).toBe(out[0]!.event.id);
      expect(await inbox.cursor('splunk:pb:poll')).toBe('c-2');
      await inbox.close();
    });

    it('refuses a malformed event with a one-line error naming the field', async () => {
      const { inbox } = await open();
      await expect(inbox.accept({ ...hookEvent(), playbookId: '' })).rejects.toThrow(/^INVALID_EVENT: playbookId /);
      await expect(inbox.accept({ ...hookEvent(), payload: 'x'.repeat(1024 * 1024 + 1) })).rejects.toThrow(/INVALID_EVENT: payload is \d+ bytes/);
      await inbox.close();
    });

    it('queues, claims oldest first with a run id, and finishes; a claimed event is never claimed again', async () => {
      const { inbox } = await open();
      const a = (await inbox.accept(hookEvent())).event;
      const b = (await inbox.accept(hookEvent())).event;
      await inbox.enqueue(a.id);
      await inbox.enqueue(b.id);
      const claims = await Promise.all([inbox.claim((e) => `run-${e.id}`), inbox.claim((e) => `run-${e.id}`), inbox.claim(() => 'x')]);
      expect(claims.map((e) => e?.id)).toEqual([a.id, b.id, undefined]);
      expect(claims[0]).toMatchObject({ status: 'running', runId: `run-${a.id}` });
      expect((await inbox.unfinished()).map((e) => e.id)).toEqual([a.id, b.id]);
      await inbox.finish(a.id, 'done');
      await inbox.finish(b.id, 'failed', 'node x failed');
      expect(await inbox.get(b.id)).toMatchObject({ status: 'failed', error: 'node x failed' });
      expect(await inbox.unfinished()).toEqual([]);
      await expect(inbox.finish(a.id, 'failed')).rejects.toThrow(/EVENT_STATE: event .* is done and cannot become failed/);
      await expect(inbox.enqueue('evt-nope')).rejects.toThrow(/EVENT_NOT_FOUND/);
      await inbox.close();
    });

    it('lists newest first with filters and paging', async () => {
      const { inbox } = await open();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await inbox.accept(hookEvent(undefined, { playbookId: i % 2 ? 'odd' : 'even' }))).event.id);
      await inbox.enqueue(ids[4]!);
      expect((await inbox.list()).map((e) => e.id)).toEqual([...ids].reverse());
      expect((await inbox.list({ playbookId: 'odd' })).map((e) => e.id)).toEqual([ids[3], ids[1]]);
      expect((await inbox.list({ status: 'queued' })).map((e) => e.id)).toEqual([ids[4]]);
      expect((await inbox.list({ limit: 2, before: ids[3] })).map((e) => e.id)).toEqual([ids[2], ids[1]]);
      await inbox.close();
    });

    it('records each schedule fire once and knows the latest', async () => {
      const { inbox } = await open();
      expect(await inbox.recordFire('pb', 'cron', 60_000)).toBe(true);
      expect(await inbox.recordFire('pb', 'cron', 60_000)).toBe(false);
      expect(await inbox.recordFire('pb', 'cron', 120_000)).toBe(true);
      expect(await inbox.lastFire('pb', 'cron')).toBe(120_000);
      expect(await inbox.lastFire('pb', 'other')).toBeUndefined();
      await inbox.close();
    });

    it('tells subscribers of every committed change', async () => {
      const { inbox } = await open();
      const seen: InboxEvent[] = [];
      const stop = inbox.subscribe((e) => seen.push(e));
      const { event } = await inbox.accept(hookEvent());
      await inbox.enqueue(event.id);
      stop();
      await inbox.claim(() => 'r1');
      expect(seen.map((e) => e.status)).toEqual(['accepted', 'queued']);
      await inbox.close();
    });
  });
}
