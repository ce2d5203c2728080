import * as z from 'zod';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { abortError } from '../sdk/http-errors.ts';
import { toBoolean } from './to-boolean.ts';

const input = z.strictObject({
  items: z.array(z.unknown()).meta({ title: 'Items' }).describe('The list to filter, usually a {{ }} template.'),
  where: z
    .union([z.string().min(1), z.boolean()])
    .meta({ title: 'Keep when' })
    .describe('Template evaluated per item with `item` and `index`, e.g. {{ item.score > 50 }}; cast like $boolean.'),
});

interface FilterOutput {
  items: unknown[];
  count: number;
}

/** Keeps the items for which `where` holds; `where` stays raw so it can see each `item` and `index`. */
export const filterNode: NodeTypeSpec<z.output<typeof input>, FilterOutput> = {
  type: 'core.filter@1',
  connector: 'core',
  action: 'filter',
  title: 'Filter list',
  description: 'Keeps the items of a list for which the where template is true (it sees item and index).',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  output: z.object({ items: z.array(z.unknown()).describe('The items kept.'), count: z.number() }),
  example: { items: [{ ip: '203.0.113.7', score: 87 }], count: 1 },
  ports: () => [...ACTION_PORTS],
  rawParams: ['where'],
  timing: 'instant',
  idempotent: true,
  run: async (ctx, { items, where }) => {
    const kept: unknown[] = [];
    for (let index = 0; index < items.length; index++) {
      if (ctx.signal.aborted) throw abortError(ctx.signal, 'core.filter');
      const item = items[index];
      if (toBoolean(await ctx.evaluate(where, { item, index }))) kept.push(item);
    }
    return { items: kept, count: kept.length };
  },
};
