// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { startRun } from '../../../engine/run/executor.ts';
import { replayRun } from '../../../engine/run/reducer.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { RunHandle } from '../../../engine/run/types.ts';
import { rpc } from '../../../renderer/rpc/index.ts';
import { createFakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import type { FakeHandlers, FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { createCatalogueSlice } from '../../../renderer/store/catalogue-slice.ts';
import { createGraphSlice } from '../../../renderer/store/graph-slice.ts';
import { TIMELINE_LIMIT, createRunSlice, setFrameScheduler } from '../../../renderer/store/run-slice.ts';
import type { AppState } from '../../../renderer/store/types.ts';
import { createUiSlice } from '../../../renderer/store/ui-slice.ts';
import { createWorkspaceSlice } from '../../../renderer/store/workspace-slice.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';
import { waitFor } from '../../support/wait-for.ts';

/** A fresh store per test, made of the real slices. */
function makeStore() {
  return create<AppState>()((...a) => ({
    ...createGraphSlice(...a),
    ...createCatalogueSlice(...a),
    ...createRunSlice(...a),
    ...createWorkspaceSlice(...a),
    ...createUiSlice(...a),
  }));
}

/** A scheduler that holds frames until the test runs them. */
function manualFrames() {
  const frames: Array<() => void> = [];
  return {
    frames,
    schedule: (flush: () => void) => void frames.push(flush),
    runAll() {
      while (frames.length > 0) frames.shift()?.();
    },
  };
}

const chain = playbook(
  [
    { id: 't', type: 'trigger.manual@1' },
    { id: 'a', type: 'test.set@1', params: { values: { n: '{{ trigger.n }}' } } },
    { id: 'check', type: 'test.condition@1', params: { condition: '{{ nodes.a.output.n > 1 }}' } },
    { id: 'flaky', type: 'test.call@1', params: { failTimes: 1, code: 'VENDOR' }, retry: { maxAttempts: 3, delayMs: 0 } },
    { id: 'no', type: 'test.set@1', params: { values: { said: 'no' } } },
    { id: 'block', type: 'test.write@1' },
    { id: 'broken', type: 'test.call@1', params: { failTimes: 5, code: 'BAD_REQUEST' } },
    { id: 'recover', type: 'test.set@1', params: { values: { recovered: true } } },
  ],
  ['t->a', 'a->check', 'check:true->flaky', 'check:false->no', 'flaky->block', 'block->broken', 'broken:error->recover'],
);

/** Runs `chain` on the real executor until it pauses before `block`, and returns the journal so far (the run is then stopped). */
async function recordPaused(): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const handle = startRun({ playbook: chain, registry: testRegistry(), trigger: { n: 2 }, runId: 'run-live', breakpoints: ['block'], onEvent: (event) => events.push(event) });
  await waitFor(() => (events.some((event) => event.type === 'run.paused') ? true : undefined));
  const paused = [...events];
  handle.debug.stop('the test has its journal');
  await handle.done;
  return paused;
}

/** A run summary as runs.active and runs.list carry it. */
function summaryOf(events: RunEvent[]) {
  const state = replayRun(events)!;
  return { runId: state.runId, playbookId: 'test', playbookName: state.playbookName, status: state.status, mode: state.mode, dryRun: state.dryRun, startedAt: state.startedAt, trigger: state.trigger };
}

/** Runs `chain` on the real executor and returns its journal and final state. */
async function recordRun(options: { dryRun?: boolean } = {}): Promise<{ events: RunEvent[]; handle: RunHandle }> {
  const events: RunEvent[] = [];
  const handle = startRun({ playbook: chain, registry: testRegistry(), trigger: { n: 2 }, runId: 'run-1', dryRun: options.dryRun ?? false, onEvent: (event) => events.push(event) });
  await handle.done;
  return { events, handle };
}

const sampleEvents = (): RunEvent[] => [
  { seq: 1, runId: 'r1', at: 1_000, type: 'run.started', playbookId: 'pb', playbookName: 'PB', revision: 1, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['a', 'b', 'c'] },
  { seq: 2, runId: 'r1', at: 1_001, type: 'node.started', nodeId: 'a', attempt: 1, input: {} },
  { seq: 3, runId: 'r1', at: 1_002, type: 'node.succeeded', nodeId: 'a', attempt: 1, output: { x: 1 }, port: 'out', durationMs: 1 },
];

let transport: FakeTransport;
let frames: ReturnType<typeof manualFrames>;

function connect(handlers: FakeHandlers = {}): void {
  transport = createFakeTransport(handlers);
  rpc.connect(transport);
}

beforeEach(() => {
  frames = manualFrames();
  setFrameScheduler(frames.schedule);
  connect();
});

afterEach(() => {
  setFrameScheduler(undefined);
  rpc.disconnect();
});

describe('run slice', () => {
  it('buffers events and applies them once per animation frame', () => {
    const store = makeStore();
    store.setState({ runId: 'r1' });
    let updates = 0;
    store.subscribe(() => updates++);

    for (const event of sampleEvents()) store.getState().receive(event);
    expect(frames.frames).toHaveLength(1);
    expect(store.getState().run).toBeUndefined();
    expect(updates).toBe(0);

    frames.runAll();
    expect(updates).toBe(1);
    expect(store.getState().run?.nodes.a?.output).toEqual({ x: 1 });
    expect(store.getState().nodeStatus).toEqual({ a: 'succeeded' });
    expect(store.getState().timeline.map((event) => event.seq)).toEqual([1, 2, 3]);
  });

  it('keeps nodeLab the same object until a node is marked lab, then marks exactly that node', () => {
    const store = makeStore();
    store.setState({ runId: 'r1' });
    for (const event of sampleEvents()) store.getState().receive(event);
    frames.runAll();
    const before = store.getState().nodeLab;
    expect(before).toEqual({});
    store.getState().receive({ seq: 4, runId: 'r1', at: 1_003, type: 'node.started', nodeId: 'b', attempt: 1, input: {} });
    frames.runAll();
    expect(store.getState().nodeLab).toBe(before);
    store.getState().receive({ seq: 5, runId: 'r1', at: 1_004, type: 'node.started', nodeId: 'c', attempt: 1, input: {}, lab: true });
    frames.runAll();
    expect(store.getState().nodeLab).toEqual({ c: true });
  });

  it('keeps nodeStatus the same object when no status changed, and a new one only when one did', () => {
    const store = makeStore();
    store.setState({ runId: 'r1' });
    for (const event of sampleEvents()) store.getState().receive(event);
    frames.runAll();
    const before = store.getState().nodeStatus;

    store.getState().receive({ seq: 4, runId: 'r1', at: 1_003, type: 'node.log', nodeId: 'a', level: 'info', message: 'hello' });
    frames.runAll();
    expect(store.getState().nodeStatus).toBe(before);
    expect(store.getState().timeline).toHaveLength(4);

    store.getState().receive({ seq: 5, runId: 'r1', at: 1_004, type: 'node.started', nodeId: 'b', attempt: 1, input: {} });
    frames.runAll();
    const after = store.getState().nodeStatus;
    expect(after).not.toBe(before);
    expect(after).toEqual({ a: 'succeeded', b: 'running' });
  });

  it('ignores events it has already applied (a replay racing the live stream)', () => {
    const store = makeStore();
    store.setState({ runId: 'r1' });
    const events = sampleEvents();
    for (const event of [...events, ...events]) store.getState().receive(event);
    frames.runAll();
    expect(store.getState().timeline).toHaveLength(3);
    expect(store.getState().run?.lastSeq).toBe(3);
  });

  it('keeps the timeline bounded', () => {
    const store = makeStore();
    store.setState({ runId: 'r1' });
    const [started] = sampleEvents();
    store.getState().receive(started as RunEvent);
    for (let seq = 2; seq < TIMELINE_LIMIT + 50; seq++) {
      store.getState().receive({ seq, runId: 'r1', at: 1_000 + seq, type: 'node.log', nodeId: 'a', level: 'debug', message: `line ${seq}` });
    }
    frames.runAll();
    const timeline = store.getState().timeline;
    expect(timeline).toHaveLength(TIMELINE_LIMIT);
    expect(timeline.at(-1)?.seq).toBe(TIMELINE_LIMIT + 49);
  });

  it('streams a real run to the same state as the host replaying its journal', async () => {
    const { events, handle } = await recordRun();
    const store = makeStore();
    store.setState({ runId: 'run-1' });
    // Events arrive in uneven batches, as frames would cut them.
    for (let at = 0; at < events.length; at += 3) {
      for (const event of events.slice(at, at + 3)) store.getState().receive(event);
      frames.runAll();
    }
    const hostState = replayRun(events);
    expect(hostState?.status).toBe('succeeded');
    expect(store.getState().run).toEqual(hostState);
    expect(store.getState().run).toEqual(handle.state());
    expect(store.getState().nodeStatus).toEqual({
      t: 'succeeded',
      a: 'succeeded',
      check: 'succeeded',
      flaky: 'succeeded',
      no: 'skipped',
      block: 'succeeded',
      broken: 'failed',
      recover: 'succeeded',
    });
  });

  it('marks dry-run writes simulated, as the host does', async () => {
    const { events } = await recordRun({ dryRun: true });
    const store = makeStore();
    store.setState({ runId: 'run-1' });
    for (const event of events) store.getState().receive(event);
    frames.runAll();
    expect(store.getState().nodeStatus.block).toBe('simulated');
    expect(store.getState().run).toEqual(replayRun(events));
  });

  it('opens a past run by replaying its journal from runs.get', async () => {
    const { events } = await recordRun();
    connect({ 'runs.get': () => ({ state: replayRun(events) as NonNullable<ReturnType<typeof replayRun>>, events }) });
    const store = makeStore();
    store.setState({ playbook: { ...chain, id: 'test' } });
    await store.getState().openRun('run-1');
    expect(store.getState().runId).toBe('run-1');
    expect(store.getState().run).toEqual(replayRun(events));
    expect(store.getState().nodeStatus.broken).toBe('failed');
    expect(store.getState().timeline).toHaveLength(events.length);
    expect(store.getState().panel).toBe('run');
  });

  it('starts a run of the open playbook, saving it first, with breakpoints, pins and the trigger', async () => {
    const calls: string[] = [];
    connect({
      'playbooks.save': ({ playbook: saved }) => (calls.push('save'), { playbook: saved as typeof chain, problems: [] }),
      'playbooks.validate': () => ({ problems: [] }),
      'runs.start': () => (calls.push('start'), { runId: 'run-9' }),
    });
    const store = makeStore();
    store.getState().loadPlaybook(chain, []);
    store.getState().updateNode('flaky', { breakpoint: true });
    store.getState().pin('a', { n: 5 });
    expect(store.getState().dirty).toBe(true);

    await store.getState().startRun({ mode: 'step', dryRun: true, trigger: { n: 3 } });

    expect(calls).toEqual(['save', 'start']);
    const start = transport.sent.find((frame) => frame.method === 'runs.start');
    expect(start?.params).toEqual({ playbookId: 'test', mode: 'step', dryRun: true, breakpoints: ['flaky'], pins: { a: { output: { n: 5 } } }, lab: false, trigger: { n: 3 } });
    expect(store.getState().runId).toBe('run-9');
    expect(store.getState().starting).toBe(false);
  });

  it('shows the events of its run that arrived before runs.start answered', async () => {
    const events = sampleEvents().map((event) => ({ ...event, runId: 'run-9' }) as RunEvent);
    connect({ 'runs.start': () => ({ runId: 'run-9' }) });
    const store = makeStore();
    store.getState().loadPlaybook({ ...chain, id: 'other' }, []);
    const starting = store.getState().startRun({ mode: 'run', dryRun: false });
    for (const event of events) store.getState().receive(event);
    frames.runAll();
    await starting;
    frames.runAll();
    expect(store.getState().runId).toBe('run-9');
    expect(store.getState().run?.nodes.a?.status).toBe('succeeded');
  });

  it('sends control, skip with output, override and decisions for the shown run', async () => {
    const decisions: unknown[] = [];
    connect({
      'runs.control': (params) => (decisions.push(params), { ok: true }),
      'runs.decide': (params) => (decisions.push(params), { ok: true }),
    });
    const store = makeStore();
    store.setState({ runId: 'r1' });
    await store.getState().control('continue');
    await store.getState().skip({ verdict: 'benign' }, 'false');
    await store.getState().override({ ip: '203.0.113.7' });
    await store.getState().decide('approve_block', 'approved');
    expect(decisions).toEqual([
      { runId: 'r1', action: 'continue' },
      { runId: 'r1', action: 'skip', output: { verdict: 'benign' }, port: 'false' },
      { runId: 'r1', action: 'override', input: { ip: '203.0.113.7' } },
      { runId: 'r1', nodeId: 'approve_block', decision: 'approved' },
    ]);
  });

  it('decides a write of unknown outcome for the shown run: send again, mark done with an output, fail', async () => {
    const decisions: unknown[] = [];
    connect({ 'runs.control': (params) => (decisions.push(params), { ok: true }) });
    const store = makeStore();
    store.setState({ runId: 'r1' });
    await store.getState().resolveUnknown('resend');
    await store.getState().resolveUnknown('mark-done', { contained: true }, 'out');
    await store.getState().resolveUnknown('mark-done');
    await store.getState().resolveUnknown('fail');
    expect(decisions).toEqual([
      { runId: 'r1', action: 'resend' },
      { runId: 'r1', action: 'mark-done', output: { contained: true }, port: 'out' },
      { runId: 'r1', action: 'mark-done' },
      { runId: 'r1', action: 'fail' },
    ]);
  });

  it('says in a sentence why a control failed', async () => {
    connect({
      'runs.control': () => {
        throw { code: 'NOT_FOUND', message: 'No live run r1' };
      },
    });
    const store = makeStore();
    store.setState({ runId: 'r1' });
    await store.getState().control('stop');
    expect(store.getState().toast).toEqual({ kind: 'error', text: 'Could not stop the run: No live run r1.' });
  });

  it('steps a past run back and forward: node statuses, taken edges and the timeline follow the cursor', async () => {
    const { events } = await recordRun();
    connect({ 'runs.get': () => ({ state: replayRun(events)!, events }) });
    const store = makeStore();
    store.getState().loadPlaybook(chain, []);
    await store.getState().openRun('run-1');
    const edgeOf = (from: string, port = 'out') => store.getState().edges.find((edge) => edge.source === from && (edge.sourceHandle ?? 'out') === port)!.id;
    expect(store.getState().replay?.cursor).toBe(events.length);
    expect(store.getState().edgeRun[edgeOf('check', 'true')]?.state).toBe('taken');
    expect(store.getState().edgeRun[edgeOf('check', 'false')]?.state).toBe('dead');

    const decided = events.findIndex((event) => event.type === 'node.succeeded' && event.nodeId === 'check') + 1;
    store.getState().scrubTo(decided - 1);
    expect(store.getState().nodeStatus.check).toBeUndefined();
    expect(store.getState().nodeStatus.broken).toBeUndefined();
    expect(store.getState().edgeRun[edgeOf('check', 'true')]).toBeUndefined();
    expect(store.getState().timeline).toEqual(events.slice(0, decided - 1));

    store.getState().scrubTo(decided);
    expect(store.getState().nodeStatus.check).toBe('succeeded');
    expect(store.getState().edgeRun[edgeOf('check', 'true')]?.state).toBe('taken');
    expect(store.getState().timeline.at(-1)).toBe(events[decided - 1]);

    store.getState().scrubTo(events.length + 5);
    expect(store.getState().replay?.cursor).toBe(events.length);
    expect(store.getState().nodeStatus.broken).toBe('failed');
  });

  it('reads the whole journal when the shown live run finishes, so the scrubber can step through it', async () => {
    const { events } = await recordRun();
    connect({ 'runs.get': () => ({ state: replayRun(events)!, events }), 'runs.list': () => ({ runs: [] }) });
    const store = makeStore();
    store.getState().loadPlaybook(chain, []);
    store.setState({ runId: 'run-1' });
    for (const event of events.slice(0, -1)) store.getState().receive(event);
    frames.runAll();
    expect(store.getState().replay).toBeUndefined();

    store.getState().receive(events.at(-1)!);
    frames.runAll();
    await waitFor(() => store.getState().replay);
    expect(store.getState().replay?.cursor).toBe(events.length);
    expect(store.getState().replay?.end).toBe(store.getState().run);
    store.getState().scrubTo(1);
    expect(store.getState().nodeStatus).toEqual({});
  });

  it('draws the live run’s edges as its events arrive', async () => {
    const { events } = await recordRun();
    const store = makeStore();
    store.getState().loadPlaybook(chain, []);
    store.setState({ runId: 'run-1' });
    const decided = events.findIndex((event) => event.type === 'node.succeeded' && event.nodeId === 'check') + 1;
    for (const event of events.slice(0, decided)) store.getState().receive(event);
    frames.runAll();
    const taken = Object.entries(store.getState().edgeRun).filter(([, edge]) => edge.state === 'taken').length;
    expect(taken).toBe(3);
    expect(store.getState().replay).toBeUndefined();
  });

  it('attaches to the newest live run of a playbook when it opens, as after a reload, so its controls work', async () => {
    const paused = await recordPaused();
    connect({ 'runs.active': ({ playbookId }) => ({ runs: playbookId === 'test' ? [summaryOf(paused)] : [] }), 'runs.get': () => ({ state: replayRun(paused)!, events: paused }), 'runs.control': () => ({ ok: true }) });
    const store = makeStore();
    const off = store.getState().initRunEvents();
    store.getState().loadPlaybook(chain, []);
    await waitFor(() => store.getState().runId);
    expect(store.getState().run?.status).toBe('paused');
    expect(store.getState().run?.paused?.nodeId).toBe('block');
    expect(store.getState().replay).toBeUndefined();

    await store.getState().control('continue');
    expect(transport.sent.at(-1)).toMatchObject({ method: 'runs.control', params: { runId: 'run-live', action: 'continue' } });
    off();
  });

  it('attaches to the open playbook’s live run when the editor starts following run events after it opened', async () => {
    const paused = await recordPaused();
    connect({ 'runs.active': () => ({ runs: [summaryOf(paused)] }), 'runs.get': () => ({ state: replayRun(paused)!, events: paused }) });
    const store = makeStore();
    store.getState().loadPlaybook(chain, []);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(transport.sent.map((frame) => frame.method)).not.toContain('runs.active');

    const off = store.getState().initRunEvents();
    await waitFor(() => store.getState().runId);
    expect(store.getState().run?.paused?.nodeId).toBe('block');
    off();
  });

  it('reads the shown live run again when the link to the host comes back', async () => {
    const paused = await recordPaused();
    const handlers: FakeHandlers = { 'runs.get': () => ({ state: replayRun(paused)!, events: paused }) };
    connect(handlers);
    const store = makeStore();
    const off = store.getState().initRunEvents();
    store.getState().loadPlaybook(chain, []);
    await store.getState().openRun('run-live');
    const before = paused.length;
    const resumed: RunEvent = { seq: before + 1, runId: 'run-live', at: Date.now(), type: 'run.resumed', nodeId: 'block', action: 'continue' };
    paused.push(resumed);

    transport.drop('the server restarted');
    connect(handlers);
    await waitFor(() => (store.getState().run?.lastSeq === before + 1 ? true : undefined));
    expect(store.getState().run?.status).toBe('running');
    off();
  });

  it('forgets the shown run and pins when another playbook is opened', () => {
    const store = makeStore();
    store.getState().loadPlaybook(chain, []);
    for (const event of sampleEvents()) store.getState().receive({ ...event, runId: 'r1', ...(event.type === 'run.started' ? { playbookId: 'test' } : {}) } as RunEvent);
    frames.runAll();
    store.getState().pin('a', 1);
    expect(store.getState().runId).toBe('r1');
    store.getState().loadPlaybook({ ...chain, id: 'another' }, []);
    expect(store.getState().runId).toBeUndefined();
    expect(store.getState().nodeStatus).toEqual({});
    expect(store.getState().pins).toEqual({});
  });
});
