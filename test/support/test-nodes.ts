import * as z from 'zod';
import { NodeError, type NodeErrorCode } from '../../engine/errors.ts';
import { createRegistry, type NodeContext, type NodeRegistry, type NodeTypeSpec } from '../../engine/node-type.ts';
import type { Playbook, PlaybookEdge, PlaybookNode } from '../../engine/format/playbook.ts';

/** Calls made to the test nodes, in order, so tests can assert what really ran. */
export interface Calls {
  log: Array<{ nodeId: string; input: unknown; attempt: number }>;
  inFlight?: number;
  maxInFlight?: number;
}

function spec<I = unknown, O = unknown>(partial: Partial<NodeTypeSpec<I, O>> & Pick<NodeTypeSpec<I, O>, 'type' | 'run'>): NodeTypeSpec {
  const [connector = 'test', rest = ''] = partial.type.split('.');
  return {
    connector,
    action: rest.split('@')[0] ?? '',
    title: partial.type,
    description: '',
    category: 'utility',
    kind: 'action',
    effect: 'read',
    input: z.any(),
    example: {},
    ports: () => ['out', 'error'],
    ...partial,
  };
}

/**
 * A small registry for executor tests: a trigger, an instant `set` (and `now`, its synchronous
 * twin), a scripted `call` whose
 * params say how many attempts fail and how, a `condition`, a `write` with an example, a `hang`.
 */
export function testRegistry(calls: Calls = { log: [] }): NodeRegistry {
  const record = (ctx: NodeContext, input: unknown) => calls.log.push({ nodeId: ctx.nodeId, input, attempt: ctx.attempt });
  return createRegistry([
    spec({ type: 'trigger.manual@1', kind: 'trigger', timing: 'instant', ports: () => ['out'], run: async (ctx) => ctx.trigger }),
    spec({ type: 'test.set@1', timing: 'instant', input: z.object({ values: z.record(z.string(), z.unknown()).default({}) }), run: async (ctx, input) => (record(ctx, input), input.values) }),
    // Answers synchronously, as the core instant nodes do; `throw` makes it throw synchronously.
    spec({
      type: 'test.now@1',
      timing: 'instant',
      input: z.object({ values: z.record(z.string(), z.unknown()).default({}), throw: z.string().optional() }),
      run: (ctx, input) => {
        record(ctx, input);
        if (input.throw !== undefined) throw new NodeError('VENDOR', input.throw);
        return input.values;
      },
    }),
    spec({
      type: 'test.call@1',
      input: z.object({
        failTimes: z.number().default(0),
        code: z.string().default('VENDOR'),
        retryAfterMs: z.number().optional(),
        value: z.unknown().optional(),
      }),
      run: async (ctx, input) => {
        record(ctx, input);
        if (ctx.attempt <= input.failTimes) {
          throw new NodeError(input.code as NodeErrorCode, `scripted failure ${ctx.attempt}`, { retryAfterMs: input.retryAfterMs });
        }
        return { value: input.value ?? null, attempt: ctx.attempt };
      },
    }),
    spec({
      type: 'test.condition@1',
      timing: 'instant',
      input: z.object({ condition: z.unknown() }),
      ports: () => ['true', 'false', 'error'],
      route: (output: { result: boolean }) => (output.result ? 'true' : 'false'),
      run: async (ctx, input) => (record(ctx, input), { result: Boolean(input.condition) }),
    }),
    spec<unknown, { blocked: boolean; example?: boolean }>({ type: 'test.write@1', effect: 'write', example: { blocked: true, example: true }, run: async (ctx, input) => (record(ctx, input), { blocked: true }) }),
    spec({
      type: 'test.slow@1',
      input: z.object({ ms: z.number().default(100), value: z.unknown().optional() }),
      run: async (ctx, input) => {
        record(ctx, input);
        calls.inFlight = (calls.inFlight ?? 0) + 1;
        calls.maxInFlight = Math.max(calls.maxInFlight ?? 0, calls.inFlight);
        try {
          await ctx.clock.sleep(input.ms, ctx.signal);
        } finally {
          calls.inFlight--;
        }
        return { value: input.value ?? null };
      },
    }),
    spec({
      type: 'test.secret_echo@1',
      credentials: { connector: 'test', required: true },
      run: async (ctx) => ({ echoed: `key=${String(ctx.credentials?.apiKey)}` }),
    }),
    spec({
      type: 'test.hang@1',
      run: (ctx, input) => {
        record(ctx, input);
        return new Promise(() => undefined);
      },
    }),
    spec({
      type: 'test.wait_abort@1',
      run: (ctx, input) => {
        record(ctx, input);
        return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new NodeError('CANCELLED', 'aborted in flight'))));
      },
    }),
    spec({
      type: 'test.approval@1',
      timing: 'waits',
      input: z.object({ prompt: z.string().default('ok?'), expiresInMs: z.number().default(60_000) }),
      ports: () => ['approved', 'rejected', 'expired', 'error'],
      route: (output: { decision: string }) => output.decision,
      run: async (ctx, input) => ({ decision: await ctx.requestDecision({ prompt: input.prompt, expiresAt: ctx.clock.now() + input.expiresInMs }) }),
    }),
    spec({
      type: 'test.sub@1',
      timing: 'waits',
      input: z.object({ playbook: z.string(), input: z.unknown().optional() }),
      run: (ctx, input) => ctx.runPlaybook(input.playbook, input.input ?? {}),
    }),
  ]);
}

type NodeShorthand = Omit<PlaybookNode, 'name' | 'params'> & { name?: string; params?: Record<string, unknown> };

/** Builds a playbook from terse nodes and `from:port->to` edges. */
export function playbook(nodes: NodeShorthand[], edges: string[], extra: Partial<Playbook> = {}): Playbook {
  return {
    format: 'switchboard/playbook@1',
    id: 'test',
    name: 'Test',
    description: '',
    revision: 1,
    tags: [],
    vars: {},
    credentials: {},
    layout: {},
    notes: [],
    nodes: nodes.map((n) => ({ name: n.id, params: {}, ...n })),
    edges: edges.map((text, i): PlaybookEdge => {
      const match = /^(\w+)(?::(\w+))?->(\w+)$/.exec(text);
      if (!match) throw new Error(`bad edge ${text}`);
      return { id: `e${i}`, from: match[1]!, port: match[2] ?? 'out', to: match[3]! };
    }),
    ...extra,
  };
}
