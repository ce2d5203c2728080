import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { cronError, timezoneError } from './cron.ts';

const input = z
  .strictObject({
    cron: z.string().max(200).optional().meta({ title: 'Cron expression' }).describe('5-field cron expression (minute hour day-of-month month day-of-week), or @hourly, @daily, @weekly, @monthly, @yearly.'),
    intervalSeconds: z.number().int().min(1).max(31_536_000).optional().meta({ title: 'Every (seconds)' }).describe('Run every N seconds instead of a cron expression (counted from 1970-01-01T00:00Z, so every host agrees).'),
    timezone: z.string().max(64).optional().meta({ title: 'Time zone' }).describe('IANA time zone the cron expression is read in, e.g. Europe/Paris (default UTC).'),
    misfire: z.enum(['skip', 'once']).optional().meta({ title: 'After downtime' }).describe('After downtime: skip the missed fires (default), or run once, late, for what was missed.'),
  })
  .superRefine((value, issues) => {
    if ((value.cron === undefined) === (value.intervalSeconds === undefined)) {
      issues.addIssue({ code: 'custom', message: 'set exactly one of cron or intervalSeconds', path: ['cron'] });
      return;
    }
    const problem = value.cron === undefined ? undefined : cronError(value.cron);
    if (problem !== undefined) issues.addIssue({ code: 'custom', message: problem, path: ['cron'] });
    if (value.timezone === undefined) return;
    const zone = value.cron === undefined ? 'applies to a cron expression only; an interval is counted in seconds' : timezoneError(value.timezone);
    if (zone !== undefined) issues.addIssue({ code: 'custom', message: zone, path: ['timezone'] });
  });

/** Starts a run on a schedule; the scheduler (host/triggers/schedules) records each fire and hands it the tick event. */
export const scheduleTrigger: NodeTypeSpec<z.output<typeof input>, unknown> = {
  type: 'trigger.schedule@1',
  connector: 'core',
  action: 'schedule',
  title: 'Schedule trigger',
  description: 'Starts the playbook on a cron schedule (in a time zone) or a fixed interval. Outputs the scheduled and the actual fire time.',
  category: 'core',
  kind: 'trigger',
  effect: 'read',
  input,
  example: { scheduledAt: '2025-01-01T08:00:00.000Z', firedAt: '2025-01-01T08:00:00.012Z' },
  ports: () => ['out'],
  timing: 'instant',
  idempotent: true,
  run: (ctx) => ctx.trigger,
};
