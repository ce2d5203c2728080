import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../engine/ports.ts';
import type { LiveTrigger, TriggerSource } from '../../../../host/triggers/contract.ts';
import { createScheduleSource, RETRY_MS } from '../../../../host/triggers/schedules/schedule-source.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import type { MemoryInbox } from '../../../support/memory-inbox.ts';
import { createMemoryInbox } from '../../../support/memory-inbox.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function schedule(params: Record<string, unknown>, playbookId = 'nightly-sweep'): LiveTrigger {
  return { playbookId, revision: 3, triggerNodeId: 'tick', type: 'trigger.schedule@1', params };
}

/** The scheduled times of the inbox's events, in the order they were accepted. */
function fired(inbox: MemoryInbox): string[] {
  return inbox.all().map((event) => (event.payload as { scheduledAt: string }).scheduledAt);
}

const sources: TriggerSource[] = [];
function sourceOver(inbox: MemoryInbox, clock: Clock): TriggerSource {
  const source = createScheduleSource({ inbox, clock });
  sources.push(source);
  return source;
}

/** A paused fake clock at `start` and a memory inbox on it. */
function setUp(start = '2026-01-01T00:00:30Z'): { clock: FakeClock; inbox: MemoryInbox } {
  const clock = new FakeClock({ start: Date.parse(start), auto: false });
  return { clock, inbox: createMemoryInbox({ clock }) };
}

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
});

describe('schedule source', () => {
  it('fires once per minute, and a restarted source over the same inbox neither repeats nor skips a minute', async () => {
    const { clock, inbox } = setUp();
    const first = sourceOver(inbox, clock);
    await first.sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(2 * MINUTE + 30_000);
    expect(fired(inbox)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);

    await first.close();
    await clock.advance(10);
    const restarted = sourceOver(inbox, clock);
    await restarted.sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(2 * MINUTE);
    expect(fired(inbox)).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
      '2026-01-01T00:04:00.000Z',
      '2026-01-01T00:05:00.000Z',
    ]);
  });

  it('a fire recorded by a process that died before writing its event runs once, late, at the next start', async () => {
    const { clock, inbox } = setUp();
    const dying: MemoryInbox = { ...inbox, accept: () => Promise.reject(new Error('killed between the two writes')) };
    const first = sourceOver(dying, clock);
    await first.sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(30_000);
    await first.close();
    expect(await inbox.lastFire('nightly-sweep', 'tick')).toBe(Date.parse('2026-01-01T00:01:00Z'));
    expect(inbox.all()).toEqual([]);

    await clock.advance(20_000);
    const restarted = sourceOver(inbox, clock);
    await restarted.sync([schedule({ cron: '* * * * *' })]);
    await restarted.sync([]);
    const again = sourceOver(inbox, clock);
    await again.sync([schedule({ cron: '* * * * *' })]);
    expect(inbox.all().map((event) => event.payload)).toEqual([{ scheduledAt: '2026-01-01T00:01:00.000Z', firedAt: '2026-01-01T00:01:20.000Z' }]);
  });

  it('hands the inbox a schedule event for the published revision, keyed by its fire time', async () => {
    const { clock, inbox } = setUp();
    await sourceOver(inbox, clock).sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(30_000);
    expect(inbox.all()).toEqual([
      expect.objectContaining({
        playbookId: 'nightly-sweep',
        revision: 3,
        triggerNodeId: 'tick',
        source: 'schedule',
        dedupeKey: '2026-01-01T00:01:00.000Z',
        payload: { scheduledAt: '2026-01-01T00:01:00.000Z', firedAt: '2026-01-01T00:01:00.000Z' },
      }),
    ]);
  });

  it('never fires after sync drops the trigger, and leaves no timer behind', async () => {
    const { clock, inbox } = setUp();
    const source = sourceOver(inbox, clock);
    await source.sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(MINUTE);
    await source.sync([]);
    await clock.advance(10 * MINUTE);
    expect(fired(inbox)).toEqual(['2026-01-01T00:01:00.000Z']);
    expect(clock.pending).toBe(0);
    expect(source.health()).toEqual([]);
  });

  it('applies overlapping syncs in call order, so a disable called right after a publish wins', async () => {
    const { clock, inbox } = setUp();
    const source = sourceOver(inbox, clock);
    await source.sync([schedule({ cron: '*/30 * * * *' })]);
    await Promise.all([source.sync([{ ...schedule({ cron: '* * * * *' }), revision: 4 }]), source.sync([])]);
    await clock.advance(5 * MINUTE);
    expect(inbox.all()).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('starts nothing once closed', async () => {
    const { clock, inbox } = setUp();
    const source = sourceOver(inbox, clock);
    await source.close();
    await source.sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(5 * MINUTE);
    expect(inbox.all()).toEqual([]);
    expect(source.health()).toEqual([]);
  });

  it('two sources over one inbox (two host processes) fire each time once', async () => {
    const { clock, inbox } = setUp();
    await sourceOver(inbox, clock).sync([schedule({ cron: '* * * * *' })]);
    await sourceOver(inbox, clock).sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(3 * MINUTE);
    expect(fired(inbox)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
    expect(inbox.all().every((event) => event.status === 'accepted')).toBe(true);
  });

  it('never fires a time twice when the clock is set back an hour', async () => {
    const fake = new FakeClock({ start: Date.parse('2026-01-01T00:00:30Z'), auto: false });
    let offset = 0;
    const clock: Clock = { now: () => fake.now() + offset, sleep: fake.sleep, timer: fake.timer };
    const inbox = createMemoryInbox({ clock });
    await sourceOver(inbox, clock).sync([schedule({ cron: '*/10 * * * *' })]);
    await fake.advance(20 * MINUTE);
    offset = -HOUR;
    await fake.advance(90 * MINUTE);
    expect(fired(inbox)).toEqual([
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:20:00.000Z',
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T00:40:00.000Z',
      '2026-01-01T00:50:00.000Z',
    ]);
  });

  describe('after downtime', () => {
    /** Fires day 1 at 9:00, is down until day 3 at 10:00, then starts again. */
    async function downTwoDays(misfire: 'skip' | 'once') {
      const { clock, inbox } = setUp('2026-01-01T08:59:00Z');
      const before = sourceOver(inbox, clock);
      await before.sync([schedule({ cron: '0 9 * * *', misfire })]);
      await clock.advance(MINUTE);
      await before.close();
      await clock.advance(2 * DAY + HOUR);
      const after = sourceOver(inbox, clock);
      await after.sync([schedule({ cron: '0 9 * * *', misfire })]);
      return { inbox, after };
    }

    it('skip: runs none of the missed fires and waits for the next one', async () => {
      const { inbox, after } = await downTwoDays('skip');
      expect(fired(inbox)).toEqual(['2026-01-01T09:00:00.000Z']);
      expect(after.health()[0]?.nextFires?.[0]).toBe(Date.parse('2026-01-04T09:00:00Z'));
    });

    it('once: runs one late fire for everything missed, saying when it was due and when it ran', async () => {
      const { inbox } = await downTwoDays('once');
      expect(inbox.all().map((event) => event.payload)).toEqual([
        { scheduledAt: '2026-01-01T09:00:00.000Z', firedAt: '2026-01-01T09:00:00.000Z' },
        { scheduledAt: '2026-01-03T09:00:00.000Z', firedAt: '2026-01-03T10:00:00.000Z' },
      ]);
    });
  });

  it('fires 0 9 * * * at 9:00 Paris time across the spring DST change', async () => {
    const { clock, inbox } = setUp('2026-03-27T12:00:00Z');
    await sourceOver(inbox, clock).sync([schedule({ cron: '0 9 * * *', timezone: 'Europe/Paris' })]);
    await clock.advance(3 * DAY);
    expect(fired(inbox)).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
  });

  it('anchors intervals to the epoch: sources started at different times fire at the same instants', async () => {
    const clock = new FakeClock({ start: Date.parse('2026-01-01T00:01:07Z'), auto: false });
    const early = createMemoryInbox({ clock });
    const late = createMemoryInbox({ clock });
    await sourceOver(early, clock).sync([schedule({ intervalSeconds: 300 })]);
    await clock.advance(94_000);
    await sourceOver(late, clock).sync([schedule({ intervalSeconds: 300 })]);
    await clock.advance(10 * MINUTE);
    expect(fired(early)).toEqual(['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z']);
    expect(fired(late)).toEqual(fired(early));
  });

  it.each([
    [{ cron: '0 24 * * *' }, '0 24 * * *', 'params.cron: field 2 (hour): 24 is out of range 0-23'],
    [
      { cron: '0 9 * * *', timezone: 'Europe/Pari' },
      '0 9 * * *',
      'params.timezone: "Europe/Pari" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC',
    ],
  ])('shows %j red with the field named, and never fires it', async (params, describe, lastError) => {
    const { clock, inbox } = setUp('2026-01-01T00:00:00Z');
    const source = sourceOver(inbox, clock);
    await source.sync([schedule(params)]);
    await clock.advance(DAY);
    expect(source.health()).toEqual([expect.objectContaining({ state: 'failing', describe, lastError, nextFires: [] })]);
    expect(inbox.all()).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('reports the schedule, its next five fires and its last fire', async () => {
    const { clock, inbox } = setUp();
    const source = sourceOver(inbox, clock);
    await source.sync([schedule({ cron: '*/5 * * * *', timezone: 'Europe/Paris' })]);
    await clock.advance(5 * MINUTE);
    const [health] = source.health();
    expect(health).toMatchObject({
      playbookId: 'nightly-sweep',
      triggerNodeId: 'tick',
      type: 'trigger.schedule@1',
      state: 'ok',
      describe: '*/5 * * * * (Europe/Paris)',
      lastEventAt: Date.parse('2026-01-01T00:05:00Z'),
      consecutiveFailures: 0,
    });
    expect(health?.nextFires?.map((time) => new Date(time).toISOString().slice(11, 16))).toEqual(['00:10', '00:15', '00:20', '00:25', '00:30']);
  });

  it('when the inbox cannot commit, shows the error and fires late once it can (within the grace window)', async () => {
    const { clock, inbox } = setUp();
    const source = sourceOver(inbox, clock);
    await source.sync([schedule({ cron: '* * * * *' })]);
    inbox.unavailable = true;
    await clock.advance(30_000);
    expect(source.health()[0]).toMatchObject({ state: 'failing', consecutiveFailures: 1, lastError: 'INBOX_UNAVAILABLE: the test inbox is set unavailable' });
    inbox.unavailable = false;
    await clock.advance(RETRY_MS);
    expect(inbox.all().map((event) => event.payload)).toEqual([{ scheduledAt: '2026-01-01T00:01:00.000Z', firedAt: '2026-01-01T00:01:05.000Z' }]);
    expect(source.health()[0]).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
  });

  it('restarts a trigger whose published schedule changed, keeping its fire record', async () => {
    const { clock, inbox } = setUp();
    const source = sourceOver(inbox, clock);
    await source.sync([schedule({ cron: '* * * * *' })]);
    await clock.advance(30_000);
    await source.sync([{ ...schedule({ cron: '*/30 * * * *' }), revision: 4 }]);
    await clock.advance(HOUR);
    expect(inbox.all().map((event) => [event.revision, (event.payload as { scheduledAt: string }).scheduledAt])).toEqual([
      [3, '2026-01-01T00:01:00.000Z'],
      [4, '2026-01-01T00:30:00.000Z'],
      [4, '2026-01-01T01:00:00.000Z'],
    ]);
  });
});
