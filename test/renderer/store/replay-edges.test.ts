import { describe, expect, it } from 'vitest';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunEvent } from '../../../engine/run/events.ts';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { replayRun } from '../../../engine/run/reducer.ts';
import type { RunState } from '../../../engine/run/types.ts';
import { toCanvasEdge } from '../../../renderer/store/playbook-to-canvas.ts';
import { deriveEdgeRun, settlementOf, updateEdgeRun } from '../../../renderer/store/replay-edges.ts';
import { clampCursor, runAt, type Replay } from '../../../renderer/store/replay.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';

/**
 * A condition whose false branch dies, a forEach node, a disabled node passing through, and a
 * failure that takes its error edge: e2/e3 leave the condition, e5 leaves the forEach.
 */
const paths = playbook(
  [
    { id: 't', type: 'trigger.manual@1' },
    { id: 'a', type: 'test.set@1', params: { values: { n: '{{ trigger.n }}' } } },
    { id: 'check', type: 'test.condition@1', params: { condition: '{{ nodes.a.output.n > 1 }}' } },
    { id: 'each', type: 'test.set@1', forEach: '{{ trigger.list }}', params: { values: { item: '{{ item }}' } } },
    { id: 'no', type: 'test.set@1', params: { values: { said: 'no' } } },
    { id: 'after_no', type: 'test.set@1' },
    { id: 'off', type: 'test.set@1', disabled: true },
    { id: 'tail', type: 'test.set@1' },
    { id: 'broken', type: 'test.call@1', params: { failTimes: 5, code: 'BAD_REQUEST' } },
    { id: 'never', type: 'test.set@1' },
    { id: 'recover', type: 'test.set@1', params: { values: { recovered: true } } },
  ],
  ['t->a', 'a->check', 'check:true->each', 'check:false->no', 'no->after_no', 'each->off', 'off->tail', 'tail->broken', 'broken->never', 'broken:error->recover'],
);

const canvasEdges = paths.edges.map(toCanvasEdge);
const isDisabled = (nodeId: string): boolean => paths.nodes.find((node) => node.id === nodeId)?.disabled === true;

/** Runs `pb` on the real executor and returns its journal. */
async function record(pb: Playbook, trigger: unknown): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  await startRun({ playbook: pb, registry: testRegistry(), trigger, runId: 'run-1', onEvent: (event) => events.push(event) }).done;
  return events;
}

function edgesOf(run: RunState | undefined) {
  return deriveEdgeRun({}, canvasEdges, run, isDisabled);
}

/** The journal position just after `nodeId` settled (succeeded, failed or skipped). */
function afterSettled(events: readonly RunEvent[], nodeId: string): number {
  const index = events.findIndex((event) => (event.type === 'node.succeeded' || event.type === 'node.failed' || event.type === 'node.skipped') && event.nodeId === nodeId);
  if (index < 0) throw new Error(`${nodeId} never settled`);
  return index + 1;
}

describe('edge run states of a recorded run', () => {
  it('marks the condition branch taken and the other one dead, and the dead path after it dead too', async () => {
    const edges = edgesOf(replayRun(await record(paths, { n: 2, list: [1, 2, 3] })));
    expect(edges.e2?.state).toBe('taken');
    expect(edges.e3?.state).toBe('dead');
    expect(edges.e4?.state).toBe('dead');
  });

  it('labels the edge out of a forEach node with how many items it mapped over', async () => {
    const edges = edgesOf(replayRun(await record(paths, { n: 2, list: [1, 2, 3] })));
    expect(edges.e5).toEqual({ state: 'taken', items: 3 });
    expect(edges.e1).toEqual({ state: 'taken' });
  });

  it('lets a disabled node pass through on out, and a handled failure take only its error edge', async () => {
    const edges = edgesOf(replayRun(await record(paths, { n: 2, list: [] })));
    expect(edges.e6?.state).toBe('taken');
    expect(edges.e9?.state).toBe('taken');
    expect(edges.e8?.state).toBe('dead');
    expect(edges.e5).toEqual({ state: 'taken', items: 0 });
  });

  it('takes the false branch when the condition says so', async () => {
    const edges = edgesOf(replayRun(await record(paths, { n: 0, list: [1] })));
    expect(edges.e2?.state).toBe('dead');
    expect(edges.e3?.state).toBe('taken');
    expect(edges.e5?.state).toBe('dead');
    expect(edges.e4?.state).toBe('taken');
  });

  it('leaves the edges of a node not settled yet without a state', () => {
    expect(settlementOf({ status: 'running', attempt: 1 }, false)).toBeUndefined();
    expect(settlementOf({ status: 'paused', attempt: 0 }, false)).toBeUndefined();
    expect(settlementOf(undefined, false)).toBeUndefined();
    expect(settlementOf({ status: 'skipped', attempt: 0, port: 'false' }, false)).toEqual({ kind: 'succeeded', port: 'false' });
  });

  it('keeps the same object when nothing changed, and each unchanged entry when something did', async () => {
    const events = await record(paths, { n: 2, list: [1, 2] });
    const middle = runAt({ events, cursor: events.length, end: replayRun(events)! }, afterSettled(events, 'check'));
    const first = edgesOf(middle);
    expect(deriveEdgeRun(first, canvasEdges, middle, isDisabled)).toBe(first);
    const later = deriveEdgeRun(first, canvasEdges, replayRun(events), isDisabled);
    expect(later).not.toBe(first);
    expect(later.e2).toBe(first.e2);
    expect(deriveEdgeRun(later, canvasEdges, undefined, isDisabled)).toEqual({});
  });
});

describe('edge run states of a live run, a frame at a time', () => {
  it('updates only the edges leaving the nodes a frame’s events touch, and agrees with a full derive after every event', async () => {
    const events = await record(paths, { n: 2, list: [1, 2] });
    let live: Record<string, ReturnType<typeof edgesOf>[string]> = {};
    for (let at = 1; at <= events.length; at++) {
      const run = replayRun(events.slice(0, at))!;
      const event = events[at - 1]!;
      const before = live;
      live = updateEdgeRun(live, canvasEdges, run, isDisabled, 'nodeId' in event ? [event.nodeId] : []);
      expect(live).toEqual(edgesOf(run));
      if (event.type === 'node.log' || event.type === 'node.started') expect(live).toBe(before);
    }
  });
});

describe('replay cursor', () => {
  it('shows the run as it stood after each event, forward and back', async () => {
    const events = await record(paths, { n: 2, list: [1, 2, 3] });
    const replay: Replay = { events, cursor: events.length, end: replayRun(events)! };
    const decided = afterSettled(events, 'check');

    const before = runAt(replay, decided - 1);
    expect(before?.nodes.check?.status).not.toBe('succeeded');
    expect(edgesOf(before).e2).toBeUndefined();

    const after = runAt(replay, decided);
    expect(after?.nodes.check?.status).toBe('succeeded');
    expect(after?.nodes.each?.status).toBe('idle');
    expect(edgesOf(after).e2?.state).toBe('taken');
    expect(edgesOf(after).e5).toBeUndefined();

    expect(runAt(replay, decided - 1)).toEqual(before);
    expect(runAt(replay, events.length)).toBe(replay.end);
  });

  it('keeps the cursor between the first event and the last', () => {
    expect(clampCursor(0, 12)).toBe(1);
    expect(clampCursor(40, 12)).toBe(12);
    expect(clampCursor(5, 12)).toBe(5);
    expect(clampCursor(3, 0)).toBe(0);
  });
});
