import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../../host/triggers/schedules/plan.ts';
import { describeSchedule, firesDue, nextFires, ON_TIME_GRACE_MS, parseSchedule } from '../../../../host/triggers/schedules/plan.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (times: number[]): string[] => times.map((time) => new Date(time).toISOString());

describe('parseSchedule', () => {
  it('reads cron in UTC and skips missed fires unless told otherwise', () => {
    const schedule = parseSchedule({ cron: '@hourly' });
    expect(schedule).toMatchObject({ kind: 'cron', cron: '@hourly', timezone: 'UTC', misfire: 'skip' });
    expect(parseSchedule({ intervalSeconds: 90, misfire: 'once' })).toEqual({ kind: 'interval', intervalSeconds: 90, misfire: 'once' });
  });

  it.each([
    [{ cron: '0 24 * * *' }, 'params.cron: field 2 (hour): 24 is out of range 0-23'],
    [{ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'params.timezone: "Mars/Olympus" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC'],
    [{}, 'params.cron: set exactly one of cron or intervalSeconds'],
    [{ cron: '@daily', misfire: 'always' }, 'params.misfire: Invalid option: expected one of "skip"|"once"'],
  ])('refuses %j with one line naming the field', (params, message) => {
    expect(() => parseSchedule(params)).toThrow(message);
  });

  it('describes itself for the Triggers panel', () => {
    expect(describeSchedule(parseSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Paris' }))).toBe('0 9 * * 1-5 (Europe/Paris)');
    expect(describeSchedule(parseSchedule({ intervalSeconds: 300 }))).toBe('every 300 s');
  });
});

describe('nextFires', () => {
  it('lists the next five fires strictly after the given time', () => {
    const schedule = parseSchedule({ cron: '*/15 * * * *' });
    expect(iso(nextFires(schedule, at('2026-01-01T10:15:00Z'), 5))).toEqual([
      '2026-01-01T10:30:00.000Z',
      '2026-01-01T10:45:00.000Z',
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T11:15:00.000Z',
      '2026-01-01T11:30:00.000Z',
    ]);
  });

  it('keeps 9:00 in Paris at 9:00 local across both DST changes', () => {
    const schedule = parseSchedule({ cron: '0 9 * * *', timezone: 'Europe/Paris' });
    expect(iso(nextFires(schedule, at('2026-03-28T00:00:00Z'), 2))).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
    expect(iso(nextFires(schedule, at('2026-10-24T12:00:00Z'), 2))).toEqual(['2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });

  it('anchors intervals to the epoch, so hosts started at different times plan the same instants', () => {
    const schedule = parseSchedule({ intervalSeconds: 300 });
    const fromOneHost = nextFires(schedule, at('2026-01-01T10:01:07Z'), 3);
    const fromAnother = nextFires(schedule, at('2026-01-01T10:03:59.500Z'), 3);
    expect(iso(fromOneHost)).toEqual(['2026-01-01T10:05:00.000Z', '2026-01-01T10:10:00.000Z', '2026-01-01T10:15:00.000Z']);
    expect(fromAnother).toEqual(fromOneHost);
    expect(nextFires(parseSchedule({ intervalSeconds: 7 }), 20_999, 2)).toEqual([21_000, 28_000]);
  });
});

describe('firesDue', () => {
  const minutely = (misfire: 'skip' | 'once'): Schedule => parseSchedule({ cron: '* * * * *', misfire });
  const lastFire = at('2026-01-01T10:00:00Z');

  it('records the current fire when nothing was missed', () => {
    expect(iso(firesDue(minutely('skip'), lastFire, at('2026-01-01T10:01:00.004Z')))).toEqual(['2026-01-01T10:01:00.000Z']);
  });

  it('records nothing before the next fire, nor one already recorded', () => {
    expect(firesDue(minutely('skip'), lastFire, at('2026-01-01T10:00:59.999Z'))).toEqual([]);
    expect(firesDue(minutely('once'), lastFire, at('2026-01-01T10:00:30Z'))).toEqual([]);
  });

  it('records nothing when the clock was set back behind the last fire', () => {
    expect(firesDue(minutely('once'), lastFire, at('2026-01-01T09:30:00Z'))).toEqual([]);
  });

  it('after downtime, skip records only a fire still within the grace window; once records one late fire', () => {
    const daily = (misfire: 'skip' | 'once') => parseSchedule({ cron: '0 9 * * *', misfire });
    const before = at('2026-01-01T09:00:00Z');
    const twoDaysLater = at('2026-01-03T10:00:00Z');
    expect(firesDue(daily('skip'), before, twoDaysLater)).toEqual([]);
    expect(iso(firesDue(daily('once'), before, twoDaysLater))).toEqual(['2026-01-03T09:00:00.000Z']);
    const justLate = at('2026-01-03T09:00:00Z') + ON_TIME_GRACE_MS;
    expect(iso(firesDue(daily('skip'), before, justLate))).toEqual(['2026-01-03T09:00:00.000Z']);
    expect(firesDue(daily('skip'), before, justLate + 1)).toEqual([]);
  });

  it('a trigger that never fired has missed nothing before it went live', () => {
    const liveSince = at('2026-01-01T10:00:30Z');
    expect(firesDue(minutely('once'), liveSince - 1, liveSince)).toEqual([]);
    expect(iso(firesDue(minutely('once'), liveSince - 1, at('2026-01-01T10:01:00Z')))).toEqual(['2026-01-01T10:01:00.000Z']);
  });
});
