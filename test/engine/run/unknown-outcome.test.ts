import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { recoverRun } from '../../../engine/journal/recovery.ts';
import { createRegistry, type NodeContext, type NodeTypeSpec } from '../../../engine/node-type.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { startRun } from '../../../engine/run/executor.ts';
import { replayRun } from '../../../engine/run/reducer.ts';
import type { RunOptions, RunState } from '../../../engine/run/types.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';
import { waitFor } from '../../support/wait-for.ts';

/** What the vendor saw: every request with its idempotency key. */
interface Vendor {
  received: Array<{ nodeId: string; key: string; item?: unknown }>;
  /** Requests with these keys are received and never answered (the process dies meanwhile). */
  hangOn: Set<string>;
}

/** A non-idempotent write (a POST that contains a host): the vendor records it, then answers. */
function sendSpec(vendor: Vendor): NodeTypeSpec {
  return {
    type: 'test.contain@1',
    connector: 'test',
    action: 'contain',
    title: 'Contain',
    description: '',
    category: 'edr',
    kind: 'action',
    effect: 'write',
    idempotent: false,
    input: z.object({ host: z.unknown().optional() }),
    example: { contained: true },
    ports: () => ['out', 'error'],
    run: (ctx: NodeContext, input: { host?: unknown }) => {
      vendor.received.push({ nodeId: ctx.nodeId, key: ctx.idempotencyKey, ...(input.host !== undefined ? { item: input.host } : {}) });
      if (vendor.hangOn.has(ctx.idempotencyKey)) return new Promise(() => undefined);
      return Promise.resolve({ contained: input.host ?? true });
    },
  };
}

const T = { id: 't', type: 'trigger.manual@1' };
const single = playbook([T, { id: 'contain', type: 'test.contain@1' }, { id: 'after', type: 'test.set@1', params: { values: { saw: '{{ nodes.contain.output }}' } } }], ['t->contain', 'contain->after']);
const many = playbook([T, { id: 'contain', type: 'test.contain@1', forEach: '{{ trigger.hosts }}', concurrency: 1, params: { host: '{{ item }}' } }], ['t->contain']);

function setup() {
  const vendor: Vendor = { received: [], hangOn: new Set() };
  const registry = createRegistry([...testRegistry().values(), sendSpec(vendor)]);
  return { vendor, registry };
}

/**
 * Runs until the vendor has received `hangKey` and then "kills the process": the earlier run is
 * what its journal holds at that moment, as a resume would read it.
 */
async function diedAfterSending(options: Omit<RunOptions, 'registry'>, env: ReturnType<typeof setup>, hangKey: (runId: string) => string): Promise<RunState> {
  const journal: RunEvent[] = [];
  const runId = 'run-1';
  env.vendor.hangOn.add(hangKey(runId));
  const handle = startRun({ ...options, runId, registry: env.registry, journal: { append: (batch) => void journal.push(...batch) } });
  await waitFor(() => env.vendor.received.some((r) => r.key === hangKey(runId)) || undefined);
  const previous = replayRun([...journal])!;
  handle.debug.stop('test teardown');
  env.vendor.hangOn.clear();
  return previous;
}

function resume(previous: RunState, env: ReturnType<typeof setup>, pb: typeof single, extra: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const handle = startRun({ playbook: pb, registry: env.registry, clock: new FakeClock(), reuse: { previous }, journal: { append: (batch) => void events.push(...batch) }, ...extra });
  return { handle, events };
}

describe('writes whose outcome is unknown are never sent twice', () => {
  it('journals the start of a non-idempotent write before sending it, so a resume knows it may have gone out', async () => {
    const env = setup();
    const previous = await diedAfterSending({ playbook: single }, env, (id) => `${id}:contain`);
    expect(previous.nodes.contain?.status).toBe('running');
  });

  it('pauses a resumed run on the write, and "send again" reuses the original idempotency key', async () => {
    const env = setup();
    const previous = await diedAfterSending({ playbook: single }, env, (id) => `${id}:contain`);
    const { handle, events } = resume(previous, env, single);
    await waitFor(() => handle.debug.inspect()?.reason === 'unknown-outcome' || undefined);
    expect(env.vendor.received).toHaveLength(1);
    handle.debug.step();
    expect(handle.debug.inspect()?.nodeId, 'an ordinary step does not decide it').toBe('contain');
    expect(handle.debug.resolveUnknown('resend')).toBe(true);
    const state = await handle.done;
    expect(state.status).toBe('succeeded');
    expect(env.vendor.received.map((r) => r.key)).toEqual(['run-1:contain', 'run-1:contain']);
    expect(state.keyRoot).toBe('run-1');
    expect(events.find((e) => e.type === 'run.resumed')).toMatchObject({ nodeId: 'contain', action: 'resend', by: 'analyst' });
  });

  it('"mark done" records the analyst\'s output without sending, and the next node reads it', async () => {
    const env = setup();
    const previous = await diedAfterSending({ playbook: single }, env, (id) => `${id}:contain`);
    const { handle } = resume(previous, env, single);
    await waitFor(() => handle.debug.inspect()?.reason === 'unknown-outcome' || undefined);
    handle.debug.resolveUnknown('mark-done', { contained: 'checked in the console' });
    const state = await handle.done;
    expect(env.vendor.received).toHaveLength(1);
    expect(state.nodes.contain).toMatchObject({ status: 'succeeded', source: 'marked', output: { contained: 'checked in the console' } });
    expect(state.nodes.after?.output).toEqual({ saw: { contained: 'checked in the console' } });
  });

  it('fails the node under --unknown=fail without sending, and journals the policy\'s choice', async () => {
    const env = setup();
    const previous = await diedAfterSending({ playbook: single }, env, (id) => `${id}:contain`);
    const { handle, events } = resume(previous, env, single, { unknownOutcome: 'fail' });
    const state = await handle.done;
    expect(env.vendor.received).toHaveLength(1);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ nodeId: 'contain', code: 'UNKNOWN_OUTCOME' });
    expect(events.find((e) => e.type === 'run.resumed')).toMatchObject({ action: 'fail', by: 'policy' });
  });

  it('knows the write was sent when the journal is read back after the process died (interrupted, the node idle)', async () => {
    const env = setup();
    const previous = recoverRun(await diedAfterSending({ playbook: single }, env, (id) => `${id}:contain`));
    expect(previous).toMatchObject({ status: 'interrupted', nodes: { contain: { status: 'idle' } } });
    const state = await resume(previous, env, single, { unknownOutcome: 'fail' }).handle.done;
    expect(env.vendor.received).toHaveLength(1);
    expect(state.error).toMatchObject({ nodeId: 'contain', code: 'UNKNOWN_OUTCOME' });

    const items = recoverRun(await diedAfterSending({ playbook: many, trigger: { hosts: ['h0', 'h1', 'h2'] } }, env, (id) => `${id}:contain:1`));
    const sent = env.vendor.received.length;
    const forEach = await resume(items, env, many, { unknownOutcome: 'fail' }).handle.done;
    expect(forEach.error).toMatchObject({ code: 'UNKNOWN_OUTCOME', message: expect.stringContaining('run run-1 sent items 1 of this request and stopped before the answer was recorded') });
    expect(env.vendor.received).toHaveLength(sent);
  });

  it('treats a write cancelled in flight by a stop as unknown: "run from here" asks before sending it again', async () => {
    const env = setup();
    env.vendor.hangOn.add('run-1:contain');
    const first = startRun({ playbook: single, registry: env.registry, runId: 'run-1' });
    await waitFor(() => env.vendor.received.length > 0 || undefined);
    first.debug.stop('analyst pressed Stop');
    const stopped = await first.done;
    expect(stopped.nodes.contain?.error?.code).toBe('CANCELLED');
    env.vendor.hangOn.clear();
    const state = await resume(stopped, env, single, { unknownOutcome: 'fail' }).handle.done;
    expect(state.nodes.contain?.error?.code).toBe('UNKNOWN_OUTCOME');
    expect(env.vendor.received).toHaveLength(1);
  });

  it('keeps the original key root through a resume of a resume', async () => {
    const env = setup();
    const previous = await diedAfterSending({ playbook: single }, env, (id) => `${id}:contain`);
    const second = await resume(previous, env, single, { unknownOutcome: 'fail', runId: 'run-2' }).handle.done;
    const third = await resume(second, env, single, { unknownOutcome: 'resend', runId: 'run-3' }).handle.done;
    expect(third.status).toBe('succeeded');
    expect(env.vendor.received.map((r) => r.key)).toEqual(['run-1:contain', 'run-1:contain']);
  });

  it('never re-sends the forEach items that completed; the one in flight is decided, the rest are sent with their original keys', async () => {
    const env = setup();
    const trigger = { hosts: ['h0', 'h1', 'h2', 'h3'] };
    const previous = await diedAfterSending({ playbook: many, trigger }, env, (id) => `${id}:contain:2`);
    expect(env.vendor.received.map((r) => r.item)).toEqual(['h0', 'h1', 'h2']);
    const state = await resume(previous, env, many, { unknownOutcome: 'resend' }).handle.done;
    expect(state.status).toBe('succeeded');
    expect(env.vendor.received.slice(3).map((r) => r.key)).toEqual(['run-1:contain:2', 'run-1:contain:3']);
    expect(state.nodes.contain?.output).toEqual([{ contained: 'h0' }, { contained: 'h1' }, { contained: 'h2' }, { contained: 'h3' }]);
  });

  it('names the items of unknown outcome when the policy fails them', async () => {
    const env = setup();
    const previous = await diedAfterSending({ playbook: many, trigger: { hosts: ['h0', 'h1', 'h2'] } }, env, (id) => `${id}:contain:1`);
    const state = await resume(previous, env, many, { unknownOutcome: 'fail' }).handle.done;
    expect(state.error).toMatchObject({ code: 'UNKNOWN_OUTCOME', message: expect.stringContaining('run run-1 sent items 1 of this request and stopped before the answer was recorded') });
    expect(env.vendor.received).toHaveLength(2);
  });

  it('re-runs an idempotent read that was in flight without asking', async () => {
    const env = setup();
    const reads = playbook([T, { id: 'lookup', type: 'test.call@1' }], ['t->lookup']);
    const previous = replayRun([
      { seq: 1, runId: 'run-1', at: 0, type: 'run.started', playbookId: reads.id, playbookName: reads.name, revision: 1, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['t', 'lookup'] },
      { seq: 2, runId: 'run-1', at: 0, type: 'node.succeeded', nodeId: 't', attempt: 1, output: {}, port: 'out', durationMs: 0 },
      { seq: 3, runId: 'run-1', at: 0, type: 'node.started', nodeId: 'lookup', attempt: 1, input: {} },
    ])!;
    const state = await resume(previous, env, reads).handle.done;
    expect(state.status).toBe('succeeded');
    expect(state.nodes.lookup?.status).toBe('succeeded');
  });
});
