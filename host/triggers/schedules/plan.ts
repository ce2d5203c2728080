import type { Cron } from 'croner';
import { compileCron, DEFAULT_TIMEZONE } from '../../../nodes/core/cron.ts';
import { scheduleTrigger } from '../../../nodes/core/trigger-schedule.ts';
import { firstParamsIssue } from '../../../engine/validate/problems.ts';

/**
 * A late fire still counts as on time within this window (a timer woken late by a busy event loop,
 * a short suspend): `skip` runs it; older missed fires are skipped.
 */
export const ON_TIME_GRACE_MS = 60_000;

/** What to do with fires missed while no host was running: `skip` them, or run `once`, late. */
export type MisfirePolicy = 'skip' | 'once';

/** A schedule trigger's params, checked and compiled: the input of every planning decision. */
export type Schedule =
  | { kind: 'cron'; cron: string; timezone: string; misfire: MisfirePolicy; compiled: Cron }
  | { kind: 'interval'; intervalSeconds: number; misfire: MisfirePolicy };

/** Thrown for params a schedule cannot run with; the message is one line naming the field. */
class ScheduleParamsError extends Error {
  readonly code = 'SCHEDULE_INVALID';
}

/**
 * Checks a `trigger.schedule@1` node's params with the node's own schema (so the scheduler and
 * the playbook validator refuse the same things) and compiles the cron expression once.
 */
export function parseSchedule(params: Record<string, unknown>): Schedule {
  const parsed = scheduleTrigger.input.safeParse(params);
  if (!parsed.success) {
    throw new ScheduleParamsError(firstParamsIssue(parsed.error.issues));
  }
  const { cron, intervalSeconds, timezone = DEFAULT_TIMEZONE, misfire = 'skip' } = parsed.data;
  if (intervalSeconds !== undefined) return { kind: 'interval', intervalSeconds, misfire };
  const expression = cron ?? '';
  return { kind: 'cron', cron: expression, timezone, misfire, compiled: compileCron(expression, timezone) };
}

/** One line for the Triggers panel and `switchboard triggers`: `0 9 * * * (Europe/Paris)` or `every 60 s`. */
export function describeSchedule(schedule: Schedule): string {
  return schedule.kind === 'cron' ? `${schedule.cron} (${schedule.timezone})` : `every ${schedule.intervalSeconds} s`;
}

/**
 * The next `count` fire times strictly after `after` (epoch ms), earliest first. Intervals are
 * anchored to the epoch (fires at the multiples of the interval), so every host, before and after
 * a restart, plans the same instants. Fewer than `count` when the schedule ends (never, for 5-field cron).
 */
export function nextFires(schedule: Schedule, after: number, count: number): number[] {
  if (schedule.kind === 'cron') return schedule.compiled.nextRuns(count, new Date(after)).map((date) => date.getTime());
  const period = schedule.intervalSeconds * 1000;
  const first = (Math.floor(after / period) + 1) * period;
  return Array.from({ length: count }, (_, index) => first + index * period);
}

/** The latest fire time at or before `at`, if the schedule has one. */
function previousFire(schedule: Schedule, at: number): number | undefined {
  if (schedule.kind === 'interval') {
    const period = schedule.intervalSeconds * 1000;
    return Math.floor(at / period) * period;
  }
  const [previous] = schedule.compiled.previousRuns(1, new Date(at + 1));
  return previous?.getTime();
}

/**
 * Which fire to record now, given the last recorded one (or, for a trigger that never fired, the
 * moment it went live minus 1 ms: what came before it was never missed). At most one fire:
 * - the latest fire at or before `now`, if it is after `lastFire` and at most `graceMs` old (on time);
 * - otherwise, when that latest fire is older (the host was down or asleep): `skip` records none,
 *   `once` records that latest missed fire, late, standing for everything missed.
 * A clock set back (`now` before `lastFire`) records nothing, so nothing fires twice.
 */
export function firesDue(schedule: Schedule, lastFire: number, now: number, graceMs: number = ON_TIME_GRACE_MS): number[] {
  const latest = previousFire(schedule, now);
  if (latest === undefined || latest <= lastFire) return [];
  if (now - latest <= graceMs || schedule.misfire === 'once') return [latest];
  return [];
}
