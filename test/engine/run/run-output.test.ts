import { describe, expect, it } from 'vitest';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { startRun } from '../../../engine/run/executor.ts';
import type { RunOptions } from '../../../engine/run/types.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { playbook } from '../../support/test-nodes.ts';

// The rule for a run's output (README, "Sub-playbooks"): one end node → its output; several → an
// object keyed by end-node id for whichever branches ran. The shape follows the graph, not the run.

const registry = createBuiltinRegistry();
const START = { id: 'start', type: 'trigger.manual@1' };
const set = (id: string, values: Record<string, unknown>) => ({ id, type: 'core.set@1', params: { values } });

async function outputOf(pb: Playbook, options: Partial<RunOptions> = {}) {
  const state = await startRun({ playbook: pb, registry, clock: new FakeClock(), ...options }).done;
  expect(state.status).toBe('succeeded');
  return state.output;
}

/** start → check → (true) bad / (false) good: two end nodes on two branches, one of which runs. */
const verdict = playbook(
  [START, { id: 'check', type: 'core.condition@1', params: { condition: '{{ trigger.score > 50 }}' } }, set('bad', { verdict: 'malicious' }), set('good', { verdict: 'benign' })],
  ['start->check', 'check:true->bad', 'check:false->good'],
  { id: 'verdict' },
);

/** start → check → (true) block: one end node, on a branch that may not run. */
const maybeBlock = playbook(
  [START, { id: 'check', type: 'core.condition@1', params: { condition: '{{ trigger.score > 50 }}' } }, set('block', { blocked: '{{ trigger.ip }}' })],
  ['start->check', 'check:true->block'],
  { id: 'maybe-block' },
);

describe('run output', () => {
  it('is the output of the one end node', async () => {
    const pb = playbook([START, set('shape', { ip: '{{ trigger.ip }}' }), set('done', { seen: '{{ nodes.shape.output.ip }}' })], ['start->shape', 'shape->done']);
    expect(await outputOf(pb, { trigger: { ip: '203.0.113.7' } })).toEqual({ seen: '203.0.113.7' });
  });

  it('is null when the one end node’s branch did not run', async () => {
    expect(await outputOf(maybeBlock, { trigger: { ip: '203.0.113.7', score: 90 } })).toEqual({ blocked: '203.0.113.7' });
    expect(await outputOf(maybeBlock, { trigger: { ip: '203.0.113.7', score: 10 } })).toBeNull();
  });

  it('is keyed by end-node id when two end nodes on two branches both ran', async () => {
    const pb = playbook([START, set('intel', { score: 87 }), set('ticket', { key: 'SEC-1' })], ['start->intel', 'start->ticket']);
    expect(await outputOf(pb)).toEqual({ intel: { score: 87 }, ticket: { key: 'SEC-1' } });
  });

  it('stays keyed by end-node id when a condition ran only one of the branches', async () => {
    expect(await outputOf(verdict, { trigger: { score: 90 } })).toEqual({ bad: { verdict: 'malicious' } });
    expect(await outputOf(verdict, { trigger: { score: 10 } })).toEqual({ good: { verdict: 'benign' } });
  });

  it('does not count a node the trigger cannot reach as an end node', async () => {
    const pb = playbook([START, set('done', { ok: true }), set('stray', { never: true })], ['start->done']);
    expect(await outputOf(pb)).toEqual({ ok: true });
  });

  it('counts a dry run’s simulated end node as the write it stands for', async () => {
    const pb = playbook([START, { id: 'notify', type: 'core.http@1', params: { method: 'POST', url: 'http://127.0.0.1:9/never-called' } }], ['start->notify']);
    expect(await outputOf(pb, { dryRun: true })).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } });
  });

  it('reaches a parent through core.playbook in the same shape', async () => {
    const playbooks = { load: (ref: string) => Promise.resolve(ref === 'verdict' ? verdict : maybeBlock) };
    const parent = playbook(
      [
        START,
        { id: 'judge', type: 'core.playbook@1', params: { playbook: 'verdict', input: { score: '{{ trigger.score }}' } } },
        { id: 'act', type: 'core.playbook@1', params: { playbook: 'maybe-block', input: { ip: '{{ trigger.ip }}', score: '{{ trigger.score }}' } } },
        set('report', { malicious: '{{ nodes.judge.output.bad.verdict }}', benign: '{{ nodes.judge.output.good.verdict }}', blocked: '{{ nodes.act.output.blocked }}' }),
      ],
      ['start->judge', 'judge->act', 'act->report'],
    );
    const high = await startRun({ playbook: parent, registry, playbooks, clock: new FakeClock(), trigger: { ip: '203.0.113.7', score: 90 } }).done;
    expect(high.nodes.judge?.output).toEqual({ bad: { verdict: 'malicious' } });
    expect(high.nodes.act?.output).toEqual({ blocked: '203.0.113.7' });
    expect(high.output).toEqual({ malicious: 'malicious', blocked: '203.0.113.7' });

    const low = await startRun({ playbook: parent, registry, playbooks, clock: new FakeClock(), trigger: { ip: '203.0.113.7', score: 10 } }).done;
    expect(low.nodes.judge?.output).toEqual({ good: { verdict: 'benign' } });
    expect(low.nodes.act?.output).toBeNull();
    expect(low.output).toEqual({ benign: 'benign' });
  });
});
