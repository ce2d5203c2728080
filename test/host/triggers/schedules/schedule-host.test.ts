import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../../host/host.ts';
import type { MethodName, ParamsOf, ResultOf } from '../../../../host/protocol/contract.ts';
import { dispatch } from '../../../../host/protocol/dispatch.ts';
import type { InboxEvent } from '../../../../host/triggers/contract.ts';
import type { KeyProvider } from '../../../../host/vault/key-provider.ts';
import { chainPlaybook } from '../../../support/chain-playbook.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { useTempDir } from '../../../support/temp-dir.ts';
import { testKeyProvider, writeShipped } from '../../protocol/harness.ts';

const MINUTE = 60_000;
const dir = useTempDir('switchboard-schedule-host-');

/** Every minute, note the scheduled time. */
const HEARTBEAT = chainPlaybook('heartbeat', [
  { id: 'tick', type: 'trigger.schedule@1', params: { cron: '* * * * *' } },
  { id: 'note', type: 'core.set@1', params: { values: { at: '{{ trigger.scheduledAt }}' } } },
]);

async function openHost(clock: FakeClock, keyProvider: KeyProvider) {
  const host = await createHost({
    workspaceDir: path.join(dir(), 'ws'),
    shippedDir: writeShipped(path.join(dir(), 'shipped'), [HEARTBEAT]),
    keyProvider,
    env: {},
    scheduleClock: clock,
  });
  let id = 0;
  const call = async <M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> => {
    const answer = await dispatch(JSON.stringify({ id: ++id, method, params }), host.context);
    if ('error' in answer) throw new Error(answer.error.message);
    return (answer as { result: ResultOf<M> }).result;
  };
  return { host, call };
}

/** The heartbeat's events, oldest first. */
async function events(host: Host): Promise<InboxEvent[]> {
  return (await host.context.triggers.inbox.list({ playbookId: 'heartbeat' })).reverse();
}

/**
 * Moves virtual time to the next minute, then waits (real time, bounded) until `expected` events
 * have finished their runs and the scheduler has armed its next timer.
 */
async function nextMinute(clock: FakeClock, host: Host, expected: number): Promise<void> {
  await clock.advance(MINUTE - (clock.now() % MINUTE));
  for (let tries = 0; tries < 1_000; tries++) {
    const done = (await events(host)).filter((event) => event.status === 'done');
    if (done.length >= expected && clock.pending === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no ${expected} finished runs within 5 s: ${JSON.stringify((await events(host)).map((e) => e.status))}`);
}

describe('schedules through the real host', () => {
  it('an enabled every-minute schedule runs once a minute across a host restart, shows its next fires, and never runs after disable', async () => {
    const clock = new FakeClock({ start: Date.parse('2026-01-01T00:00:30Z'), auto: false });
    const keyProvider = testKeyProvider();
    const first = await openHost(clock, keyProvider);
    await first.call('triggers.enable', { playbookId: 'heartbeat' });
    await nextMinute(clock, first.host, 1);
    await nextMinute(clock, first.host, 2);
    const [line] = (await first.call('triggers.list', {})).playbooks.filter((p) => p.playbookId === 'heartbeat');
    expect(line?.triggers).toEqual([
      expect.objectContaining({ triggerNodeId: 'tick', state: 'ok', describe: '* * * * * (UTC)', lastEventAt: Date.parse('2026-01-01T00:02:00Z') }),
    ]);
    expect(line?.triggers[0]?.nextFires).toHaveLength(5);
    await first.host.close();

    await clock.advance(10);
    const second = await openHost(clock, keyProvider);
    await nextMinute(clock, second.host, 3);
    const fired = await events(second.host);
    expect(fired.map((event) => (event.payload as { scheduledAt: string }).scheduledAt)).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
    const runs = await Promise.all(fired.map((event) => second.call('runs.get', { runId: event.runId ?? '' })));
    expect(runs.map((run) => run.state.nodes.note?.output)).toEqual([
      { at: '2026-01-01T00:01:00.000Z' },
      { at: '2026-01-01T00:02:00.000Z' },
      { at: '2026-01-01T00:03:00.000Z' },
    ]);

    await second.call('triggers.disable', { playbookId: 'heartbeat' });
    expect(clock.pending).toBe(0);
    await clock.advance(5 * MINUTE);
    expect(await events(second.host)).toHaveLength(3);
    await second.host.close();
  });
});
