import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

const input = z.strictObject({
  sample: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ title: 'Sample event' })
    .describe('Example event: used when the playbook is run by hand without one, and for completion while editing.'),
});

/** Starts a run by hand (the Run button, the CLI); its output is the trigger event. */
export const manualTrigger: NodeTypeSpec<z.output<typeof input>, unknown> = {
  type: 'trigger.manual@1',
  connector: 'core',
  action: 'manual',
  title: 'Manual trigger',
  description: 'Starts the playbook by hand. Outputs the event it was started with (or the sample when none).',
  category: 'core',
  kind: 'trigger',
  effect: 'read',
  input,
  example: { alert: { id: 'A-1001', severity: 'high', indicator: '203.0.113.7' } },
  ports: () => ['out'],
  timing: 'instant',
  idempotent: true,
  run: (ctx, params) => ctx.trigger ?? params.sample ?? {},
};
