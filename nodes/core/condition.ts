import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { toBoolean } from './to-boolean.ts';

const input = z.strictObject({
  condition: z.unknown().meta({ title: 'Condition' }).describe('A boolean, usually a {{ }} template. Other values are cast like JSONata $boolean.'),
});

interface ConditionOutput {
  result: boolean;
}

/**
 * Branches on a value: port `true` or `false`. Non-booleans are cast like JSONata's `$boolean`
 * (see `toBoolean`), so `{{ nodes.x.output.items }}` is true when the list is non-empty.
 */
export const conditionNode: NodeTypeSpec<z.output<typeof input>, ConditionOutput> = {
  type: 'core.condition@1',
  connector: 'core',
  action: 'condition',
  title: 'Condition',
  description: 'Takes the true or false path. Non-boolean values are cast like JSONata $boolean (empty → false).',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  output: z.object({ result: z.boolean().describe('The condition, as a boolean.') }),
  example: { result: true },
  ports: () => ['true', 'false', 'error'],
  route: (output) => (output.result ? 'true' : 'false'),
  timing: 'instant',
  idempotent: true,
  run: (ctx, { condition }) => {
    if (condition === 'true' || condition === 'false') {
      ctx.log('warn', `condition is the text "${condition}", which casts to true; write the template alone ({{ expr }}) to get a boolean`);
    }
    return { result: toBoolean(condition) };
  },
};
