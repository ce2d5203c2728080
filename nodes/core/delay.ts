import * as z from 'zod';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { abortError } from '../sdk/http-errors.ts';

const input = z.strictObject({
  ms: z.number().int().min(0).max(86_400_000).meta({ title: 'Wait (ms)' }).describe('How long to wait, in milliseconds (at most a day).'),
});

interface DelayOutput {
  waitedMs: number;
}

/** Waits on the run's clock (a fake one in tests); stopping the run ends the wait at once. */
export const delayNode: NodeTypeSpec<z.output<typeof input>, DelayOutput> = {
  type: 'core.delay@1',
  connector: 'core',
  action: 'delay',
  title: 'Delay',
  description: 'Waits the given number of milliseconds, then continues.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  output: z.object({ waitedMs: z.number() }),
  example: { waitedMs: 5000 },
  ports: () => [...ACTION_PORTS],
  timing: 'waits',
  idempotent: true,
  run: async (ctx, { ms }) => {
    const started = ctx.clock.now();
    try {
      await ctx.clock.sleep(ms, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw abortError(ctx.signal, 'core.delay');
      throw error;
    }
    return { waitedMs: ctx.clock.now() - started };
  },
};
