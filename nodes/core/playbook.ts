import * as z from 'zod';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

const input = z.strictObject({
  playbook: z.string().min(1).max(500).meta({ title: 'Playbook' }).describe('Id or path of the playbook to run.'),
  input: z.record(z.string(), z.unknown()).optional().meta({ title: 'Trigger event' }).describe('The child run\'s trigger event.'),
  credentials: z
    .record(z.string(), z.string())
    .optional()
    .meta({ title: 'Credentials' })
    .describe("Child credential slot → this playbook's slot whose credential the child uses; every other child slot uses the child's own bindings."),
});

/**
 * Runs another playbook as a child run and outputs its output: the unit of multi-step per-item work
 * (with forEach). Its effect is read because the child's own nodes declare theirs (a dry run reaches them).
 */
export const playbookNode: NodeTypeSpec<z.output<typeof input>, unknown> = {
  type: 'core.playbook@1',
  connector: 'core',
  action: 'playbook',
  title: 'Run playbook',
  description: 'Runs another playbook with the given input and outputs what it returns.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  example: { verdict: 'benign' },
  ports: () => [...ACTION_PORTS],
  timing: 'waits',
  idempotent: false,
  run: (ctx, params) => ctx.runPlaybook(params.playbook, params.input ?? {}, params.credentials),
};
