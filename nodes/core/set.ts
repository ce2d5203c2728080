import * as z from 'zod';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

/** `looseObject({})`, not a record: the same "any object" schema at half the validation cost per node. */
const input = z.strictObject({
  values: z.looseObject({}).meta({ title: 'Values' }).describe('Named values (templates allowed); the output is this object, resolved.'),
});

type SetOutput = Record<string, unknown>;

/** Names values for later nodes; the executor has already resolved the templates, so this only hands them on. */
export const setNode: NodeTypeSpec<z.output<typeof input>, SetOutput> = {
  type: 'core.set@1',
  connector: 'core',
  action: 'set',
  title: 'Set values',
  description: 'Outputs an object of named values, templates resolved: a place to shape data for later nodes.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  example: { verdict: 'malicious', score: 87 },
  ports: () => [...ACTION_PORTS],
  timing: 'instant',
  idempotent: true,
  run: (_ctx, params) => params.values,
};
