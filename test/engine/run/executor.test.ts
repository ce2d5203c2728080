import { describe, expect, it } from 'vitest';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import { replayRun } from '../../../engine/run/reducer.ts';
import type { RunOptions } from '../../../engine/run/types.ts';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { playbook, testRegistry, type Calls } from '../../support/test-nodes.ts';

const T = { id: 't', type: 'trigger.manual@1' };

async function run(pb: Playbook, options: Partial<RunOptions> = {}) {
  const calls: Calls = { log: [] };
  const clock = new FakeClock();
  const events: RunEvent[] = [];
  const handle = startRun({ playbook: pb, registry: testRegistry(calls), clock, journal: { append: (batch) => void events.push(...batch) }, ...options });
  const state = await handle.done;
  const ran = calls.log.map((c) => c.nodeId);
  return { state, events, calls, ran, clock, handle };
}

const statuses = (state: { nodes: Record<string, { status: string }> }) => Object.fromEntries(Object.entries(state.nodes).map(([id, n]) => [id, n.status]));

describe('executor: graph semantics', () => {
  it('runs a chain, each node reading the one before through an expression', async () => {
    const pb = playbook(
      [T, { id: 'a', type: 'test.set@1', params: { values: { n: '{{ trigger.n + 1 }}' } } }, { id: 'b', type: 'test.set@1', params: { values: { n: '{{ nodes.a.output.n * 10 }}' } } }],
      ['t->a', 'a->b'],
    );
    const { state } = await run(pb, { trigger: { n: 1 } });
    expect(state.status).toBe('succeeded');
    expect(state.nodes.b?.output).toEqual({ n: 20 });
    expect(state.output).toEqual({ n: 20 });
  });

  it('runs the merge of a diamond exactly once, after both branches', async () => {
    const pb = playbook(
      [T, ...['a', 'b', 'c'].map((id) => ({ id, type: 'test.set@1' })), { id: 'd', type: 'test.set@1', join: 'all' as const }],
      ['t->a', 'a->b', 'a->c', 'b->d', 'c->d'],
    );
    const { state, ran } = await run(pb);
    expect(state.status).toBe('succeeded');
    expect(ran.filter((id) => id === 'd')).toHaveLength(1);
    expect(ran.indexOf('d')).toBeGreaterThan(Math.max(ran.indexOf('b'), ran.indexOf('c')));
  });

  it('after a condition, skips the branch not taken and still runs the merge (join any)', async () => {
    const pb = playbook(
      [T, { id: 'cond', type: 'test.condition@1', params: { condition: '{{ trigger.bad }}' } }, { id: 'yes', type: 'test.set@1' }, { id: 'no', type: 'test.set@1' }, { id: 'merge', type: 'test.set@1' }],
      ['t->cond', 'cond:true->yes', 'cond:false->no', 'yes->merge', 'no->merge'],
    );
    const { state } = await run(pb, { trigger: { bad: true } });
    expect(statuses(state)).toMatchObject({ cond: 'succeeded', yes: 'succeeded', no: 'skipped', merge: 'succeeded' });
  });

  it('skips a join:"all" node when one of its branches is dead, and everything after it', async () => {
    const pb = playbook(
      [T, { id: 'cond', type: 'test.condition@1', params: { condition: false } }, { id: 'yes', type: 'test.set@1' }, { id: 'other', type: 'test.set@1' }, { id: 'merge', type: 'test.set@1', join: 'all' as const }, { id: 'after', type: 'test.set@1' }],
      ['t->cond', 't->other', 'cond:true->yes', 'yes->merge', 'other->merge', 'merge->after'],
    );
    const { state, events } = await run(pb);
    expect(state.status).toBe('succeeded');
    expect(statuses(state)).toMatchObject({ yes: 'skipped', other: 'succeeded', merge: 'skipped', after: 'skipped' });
    expect(events.find((e) => e.type === 'node.skipped' && e.nodeId === 'merge')).toMatchObject({ reason: 'join' });
  });

  it('skips nodes that nothing leads to', async () => {
    const pb = playbook([T, { id: 'a', type: 'test.set@1' }, { id: 'orphan', type: 'test.set@1' }, { id: 'after_orphan', type: 'test.set@1' }], ['t->a', 'orphan->after_orphan']);
    const { state } = await run(pb);
    expect(statuses(state)).toMatchObject({ a: 'succeeded', orphan: 'skipped', after_orphan: 'skipped' });
  });

  it('passes through a disabled node on its out port', async () => {
    const pb = playbook([T, { id: 'a', type: 'test.set@1', disabled: true }, { id: 'b', type: 'test.set@1' }], ['t->a', 'a->b']);
    const { state, ran } = await run(pb);
    expect(statuses(state)).toMatchObject({ a: 'skipped', b: 'succeeded' });
    expect(ran).toEqual(['b']);
  });

  it('maps a node over a list with forEach, at most `concurrency` items at once, results in order', async () => {
    const pb = playbook([T, { id: 'each', type: 'test.slow@1', forEach: '{{ trigger.urls }}', concurrency: 2, params: { ms: 100, value: '{{ item & "#" & index }}' } }], ['t->each']);
    const { state, calls, events } = await run(pb, { trigger: { urls: ['a', 'b', 'c', 'd', 'e'] } });
    expect(state.nodes.each?.output).toEqual(['a#0', 'b#1', 'c#2', 'd#3', 'e#4'].map((value) => ({ value })));
    expect(calls.maxInFlight).toBe(2);
    expect(events.filter((e) => e.type === 'node.progress')).toHaveLength(5);
  });

  it('keeps independent branches under the run-wide concurrency limit', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const pb = playbook([T, ...ids.map((id) => ({ id, type: 'test.slow@1', params: { ms: 50 } }))], ids.map((id) => `t->${id}`));
    const { state, calls } = await run(pb, { concurrency: 3 });
    expect(state.status).toBe('succeeded');
    expect(calls.maxInFlight).toBe(3);
  });

  it('fails a forEach whose expression is not a list, naming what it got', async () => {
    const pb = playbook([T, { id: 'each', type: 'test.set@1', forEach: '{{ trigger.n }}' }], ['t->each']);
    const { state } = await run(pb, { trigger: { n: 3 } });
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ nodeId: 'each', code: 'INVALID_INPUT', message: 'forEach must yield a list; it yielded number' });
  });
});

describe('executor: instant nodes', () => {
  it('settles a synchronous node in one event carrying its input, reading the node before it', async () => {
    const pb = playbook(
      [T, { id: 'a', type: 'test.now@1', params: { values: { n: '{{ trigger.n + 1 }}' } } }, { id: 'b', type: 'test.now@1', params: { values: { n: '{{ nodes.a.output.n * 10 }}' } } }],
      ['t->a', 'a->b'],
    );
    const { state, events } = await run(pb, { trigger: { n: 1 } });
    expect(state.output).toEqual({ n: 20 });
    const ofB = events.filter((e) => 'nodeId' in e && e.nodeId === 'b').map((e) => e.type);
    expect(ofB).toEqual(['node.succeeded']);
    expect(events.find((e) => e.type === 'node.succeeded' && e.nodeId === 'b')).toMatchObject({ input: { values: { n: 20 } }, attempt: 1 });
  });

  it('never retries an instant node: the same input fails the same way', async () => {
    const pb = playbook([T, { id: 'a', type: 'test.now@1', params: { throw: 'boom' } }, { id: 'h', type: 'test.now@1' }], ['t->a', 'a:error->h']);
    const { state, ran } = await run(pb);
    expect(ran).toEqual(['a', 'h']);
    expect(state.nodes.a).toMatchObject({ status: 'failed', attempt: 1, error: { code: 'VENDOR', message: 'boom' } });
    expect(state.status).toBe('succeeded');
  });

  it('reports bad params of an instant node as INVALID_INPUT naming the field', async () => {
    const pb = playbook([T, { id: 'a', type: 'test.now@1', params: { values: 'not an object' } }], ['t->a']);
    const { state } = await run(pb);
    expect(state.error).toMatchObject({ nodeId: 'a', code: 'INVALID_INPUT' });
    expect(state.error?.message).toMatch(/^params\.values:/);
  });

  it('lets the event loop in during a long synchronous chain, so a stop is heard', async () => {
    const length = 5_000;
    const nodes = [T, ...Array.from({ length }, (_, i) => ({ id: `n${i}`, type: 'test.now@1' }))];
    const edges = Array.from({ length }, (_, i) => `${i === 0 ? 't' : `n${i - 1}`}->n${i}`);
    const handle = startRun({ playbook: playbook(nodes, edges), registry: testRegistry(), clock: new FakeClock() });
    setImmediate(() => handle.debug.stop('enough'));
    const state = await handle.done;
    expect(state.status).toBe('cancelled');
    const settled = Object.values(state.nodes).filter((n) => n.status === 'succeeded').length;
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(length);
  });
});

describe('executor: failures and retries', () => {
  it('honours Retry-After on a 429 and succeeds on the next attempt', async () => {
    const pb = playbook([T, { id: 'vt', type: 'test.call@1', params: { failTimes: 1, code: 'RATE_LIMITED', retryAfterMs: 2000 } }], ['t->vt']);
    const { state, events, clock } = await run(pb);
    expect(state.status).toBe('succeeded');
    expect(state.nodes.vt).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(events.find((e) => e.type === 'node.retrying')).toMatchObject({ attempt: 1, delayMs: 2000, error: { code: 'RATE_LIMITED' } });
    expect(clock.sleeps).toContain(2000);
  });

  it('never retries before Retry-After: past the retry cap it fails RATE_LIMITED saying when the vendor accepts again', async () => {
    const pb = playbook([T, { id: 'vt', type: 'test.call@1', retry: { maxAttempts: 2, maxDelayMs: 5000 }, params: { failTimes: 1, code: 'RATE_LIMITED', retryAfterMs: 3_600_000 } }], ['t->vt']);
    const { state, events, calls, clock } = await run(pb);
    expect(events.some((e) => e.type === 'node.retrying')).toBe(false);
    expect(calls.log).toHaveLength(1);
    expect(clock.sleeps).not.toContain(5000);
    expect(state.nodes.vt?.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('accepts again in 3600 s, beyond its retry cap (maxDelayMs 5000 ms)') });
  });

  it('waits the whole Retry-After of 30 s under the default policy, not a backoff', async () => {
    const pb = playbook([T, { id: 'vt', type: 'test.call@1', params: { failTimes: 1, code: 'RATE_LIMITED', retryAfterMs: 30_000 } }], ['t->vt']);
    const { state, events } = await run(pb, { random: () => 0.01 });
    expect(events.find((e) => e.type === 'node.retrying')).toMatchObject({ delayMs: 30_000 });
    expect(state.nodes.vt).toMatchObject({ status: 'succeeded', attempt: 2 });
  });

  it('fails RATE_LIMITED when Retry-After is beyond what is left of the node timeout', async () => {
    const pb = playbook([T, { id: 'vt', type: 'test.call@1', timeoutMs: 10_000, params: { failTimes: 1, code: 'RATE_LIMITED', retryAfterMs: 20_000 } }], ['t->vt']);
    const { state, calls } = await run(pb);
    expect(calls.log).toHaveLength(1);
    expect(state.nodes.vt?.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/accepts again in 20 s, beyond the \d+ ms left of its timeout/) });
  });

  it('retries a 5xx with backoff up to maxAttempts, then fails the run naming the node', async () => {
    const pb = playbook([T, { id: 'edr', type: 'test.call@1', retry: { maxAttempts: 3, delayMs: 100 }, params: { failTimes: 9, code: 'VENDOR' } }], ['t->edr']);
    const { state, calls } = await run(pb, { random: () => 0.5 });
    expect(calls.log).toHaveLength(3);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ nodeId: 'edr', code: 'VENDOR', message: 'scripted failure 3' });
  });

  it('never retries a 4xx other than 408/429', async () => {
    const pb = playbook([T, { id: 'jira', type: 'test.call@1', params: { failTimes: 1, code: 'BAD_REQUEST' } }], ['t->jira']);
    const { calls, state } = await run(pb);
    expect(calls.log).toHaveLength(1);
    expect(state.status).toBe('failed');
  });

  it('takes the error edge of a node that still fails, and the run succeeds', async () => {
    const pb = playbook([T, { id: 'block', type: 'test.call@1', params: { failTimes: 9, code: 'AUTH' } }, { id: 'next', type: 'test.set@1' }, { id: 'handler', type: 'test.set@1', params: { values: { why: '{{ nodes.block.error.code }}' } } }], ['t->block', 'block->next', 'block:error->handler']);
    const { state } = await run(pb);
    expect(state.status).toBe('succeeded');
    expect(statuses(state)).toMatchObject({ block: 'failed', next: 'skipped', handler: 'succeeded' });
    expect(state.nodes.handler?.output).toEqual({ why: 'AUTH' });
  });

  it('times out a node that never answers', async () => {
    const pb = playbook([T, { id: 'slow', type: 'test.hang@1', timeoutMs: 5000, retry: { maxAttempts: 1 } }], ['t->slow']);
    const { state, clock } = await run(pb);
    expect(state.error).toMatchObject({ nodeId: 'slow', code: 'TIMEOUT', message: 'no answer within 5000 ms' });
    expect(clock.sleeps).toContain(5000);
  });

  it('stops a run: in-flight calls see their signal abort and the run ends cancelled', async () => {
    const pb = playbook([T, { id: 'wait', type: 'test.wait_abort@1' }, { id: 'after', type: 'test.set@1' }], ['t->wait', 'wait->after']);
    const events: RunEvent[] = [];
    const handle = startRun({ playbook: pb, registry: testRegistry(), journal: { append: (b) => void events.push(...b) } });
    handle.subscribe((e) => {
      if (e.type === 'node.started' && e.nodeId === 'wait') handle.debug.stop('analyst pressed Stop');
    });
    const state = await handle.done;
    expect(state.status).toBe('cancelled');
    expect(state.nodes.wait).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(state.nodes.after?.status).toBe('not-run');
  });

  it('stops through an external AbortSignal too', async () => {
    const controller = new AbortController();
    const pb = playbook([T, { id: 'wait', type: 'test.wait_abort@1' }], ['t->wait']);
    const handle = startRun({ playbook: pb, registry: testRegistry(), signal: controller.signal, onEvent: (e) => e.type === 'node.started' && e.nodeId === 'wait' && controller.abort() });
    expect((await handle.done).status).toBe('cancelled');
  });

  it('waits for rate-limit tokens per connector', async () => {
    const ids = ['a', 'b', 'c'];
    const pb = playbook([T, ...ids.map((id) => ({ id, type: 'test.call@1' }))], ids.map((id) => `t->${id}`));
    const { state, clock } = await run(pb, { rateLimits: { test: { ratePerSecond: 2, burst: 1 } } });
    expect(state.status).toBe('succeeded');
    expect(clock.now() - state.startedAt).toBeGreaterThanOrEqual(1000);
  });
});

describe('executor: dry run, sub-playbooks, approvals', () => {
  it('replaces writes with their example output in a dry run and still runs reads', async () => {
    const pb = playbook([T, { id: 'lookup', type: 'test.call@1' }, { id: 'block', type: 'test.write@1' }], ['t->lookup', 'lookup->block']);
    const { state, ran } = await run(pb, { dryRun: true });
    expect(ran).toEqual(['lookup']);
    expect(state.nodes.block).toMatchObject({ status: 'simulated', output: { blocked: true, example: true } });
  });

  it('runs a sub-playbook and refuses recursion past the depth limit', async () => {
    const child = playbook([T, { id: 'c', type: 'test.set@1', params: { values: { got: '{{ trigger.x }}' } } }], ['t->c'], { id: 'child' });
    const loop = playbook([T, { id: 'again', type: 'test.sub@1', params: { playbook: 'loop' } }], ['t->again'], { id: 'loop' });
    const playbooks = { load: async (ref: string) => (ref === 'child' ? child : loop) };
    const parent = playbook([T, { id: 'sub', type: 'test.sub@1', params: { playbook: 'child', input: { x: 7 } } }], ['t->sub']);
    expect((await run(parent, { playbooks })).state.nodes.sub?.output).toEqual({ got: 7 });
    const { state } = await run(loop, { playbooks, maxDepth: 3 });
    expect(state.status).toBe('failed');
    expect(state.error?.message).toContain('the limit is 3');
  });

  it('waits for a human decision and follows the approved port', async () => {
    const pb = playbook([T, { id: 'ask', type: 'test.approval@1' }, { id: 'block', type: 'test.set@1' }, { id: 'note', type: 'test.set@1' }], ['t->ask', 'ask:approved->block', 'ask:rejected->note']);
    const handle = startRun({ playbook: pb, registry: testRegistry(), clock: new FakeClock({ auto: false }) });
    handle.subscribe((e) => e.type === 'approval.requested' && handle.debug.decide('ask', 'approved', 'alice'));
    const state = await handle.done;
    expect(statuses(state)).toMatchObject({ ask: 'succeeded', block: 'succeeded', note: 'skipped' });
    expect(state.approvals.ask).toMatchObject({ decision: 'approved' });
  });

  it('expires an approval nobody answers', async () => {
    const clock = new FakeClock({ auto: false });
    const pb = playbook([T, { id: 'ask', type: 'test.approval@1', params: { expiresInMs: 60_000 } }, { id: 'timeout_note', type: 'test.set@1' }], ['t->ask', 'ask:expired->timeout_note']);
    const handle = startRun({ playbook: pb, registry: testRegistry(), clock });
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    await clock.advance(59_999);
    expect(handle.state().nodes.ask?.status).toBe('running');
    await clock.advance(1);
    const state = await handle.done;
    expect(statuses(state)).toMatchObject({ ask: 'succeeded', timeout_note: 'succeeded' });
    expect(state.nodes.ask?.output).toEqual({ decision: 'expired' });
  });
});

describe('executor: secrets', () => {
  it('redacts credential secrets from every event before it is journalled', async () => {
    const pb = playbook([T, { id: 'echo', type: 'test.secret_echo@1', credential: 'vt' }], ['t->echo'], { credentials: { vt: { connector: 'test' } } });
    const credentials = { resolve: async () => ({ values: { apiKey: 'canary-4f1d9' }, secrets: ['canary-4f1d9'] }) };
    const { events, state } = await run(pb, { credentials });
    expect(state.nodes.echo?.output).toEqual({ echoed: 'key=[REDACTED]' });
    expect(JSON.stringify(events)).not.toContain('canary-4f1d9');
  });

  it('fails a node whose credential slot is not bound, saying which slot', async () => {
    const pb = playbook([T, { id: 'echo', type: 'test.secret_echo@1', credential: 'vt' }], ['t->echo']);
    const { state } = await run(pb, { credentials: { resolve: async () => undefined } });
    expect(state.error).toMatchObject({ nodeId: 'echo', code: 'AUTH' });
    expect(state.error?.message).toContain('"vt"');
  });
});

describe('executor: events and state', () => {
  it('emits events the pure reducer turns into the very state the executor holds', async () => {
    const pb = playbook(
      [T, { id: 'cond', type: 'test.condition@1', params: { condition: true } }, { id: 'a', type: 'test.call@1', params: { failTimes: 1 } }, { id: 'b', type: 'test.set@1' }],
      ['t->cond', 'cond:true->a', 'cond:false->b'],
    );
    const { state, events } = await run(pb);
    expect(replayRun(events)).toEqual(state);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe('run.finished');
  });

  it('fails cleanly, not with a crash, on a playbook without a trigger or with unknown types', async () => {
    const noTrigger = await run(playbook([{ id: 'a', type: 'test.set@1' }], []));
    expect(noTrigger.state.error?.message).toContain('exactly one trigger');
    const unknown = await run(playbook([T, { id: 'x', type: 'nope.nothing@1' }], ['t->x']));
    expect(unknown.state.error).toMatchObject({ nodeId: 'x', message: 'unknown node type nope.nothing@1' });
  });
});
