import { z } from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { cronError } from './cron.ts';

const input = z
  .strictObject({
    cron: z.string().max(200).optional().describe('5-field cron expression (minute hour day-of-month month day-of-week), or @daily etc.'),
    intervalSeconds: z.number().int().min(1).max(31_536_000).optional().describe('Run every N seconds instead of a cron expression.'),
  })
  .superRefine((value, issues) => {
    if ((value.cron === undefined) === (value.intervalSeconds === undefined)) {
      issues.addIssue({ code: 'custom', message: 'set exactly one of cron or intervalSeconds', path: ['cron'] });
      return;
    }
    const problem = value.cron === undefined ? undefined : cronError(value.cron);
    if (problem !== undefined) issues.addIssue({ code: 'custom', message: problem, path: ['cron'] });
  });

/** Starts a run on a schedule; its output is the tick event (the scheduler comes later). */
export const scheduleTrigger: NodeTypeSpec<z.output<typeof input>, unknown> = {
  type: 'trigger.schedule@1',
  connector: 'core',
  action: 'schedule',
  title: 'Schedule trigger',
  description: 'Starts the playbook on a cron schedule or a fixed interval. Outputs the scheduled time.',
  category: 'core',
  kind: 'trigger',
  effect: 'read',
  input,
  example: { scheduledAt: '2025-01-01T08:00:00.000Z' },
  ports: () => ['out'],
  timing: 'instant',
  idempotent: true,
  run: (ctx) => ctx.trigger,
};
