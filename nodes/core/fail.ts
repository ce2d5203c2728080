import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

const input = z.strictObject({
  message: z.string().min(1).max(2_000).meta({ title: 'Message' }).describe('Why the run fails, e.g. No owner found for {{ trigger.host }}.'),
  code: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a short identifier')
    .optional()
    .meta({ title: 'Error code' })
    .describe('Your own error code, kept in the error details.'),
});

/** Fails on purpose: ends the run (or takes its error path) with your message. Never succeeds, so no `out` port. */
export const failNode: NodeTypeSpec<z.output<typeof input>, never> = {
  type: 'core.fail@1',
  connector: 'core',
  action: 'fail',
  title: 'Fail',
  description: 'Stops this path with an error carrying your message (and code); the error path or the run takes it.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  example: null as never,
  ports: () => ['error'],
  timing: 'instant',
  idempotent: true,
  run: (_ctx, { message, code }) => {
    throw new NodeError('FAILED', message, code === undefined ? {} : { details: { code } });
  },
};
