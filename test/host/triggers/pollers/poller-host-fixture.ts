import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createHost, type Host } from '../../../../host/host.ts';
import type { MethodName, ParamsOf, ResultOf } from '../../../../host/protocol/contract.ts';
import { dispatch } from '../../../../host/protocol/dispatch.ts';
import type { InboxEvent, TriggerHealth } from '../../../../host/triggers/contract.ts';
import type { KeyProvider } from '../../../../host/vault/key-provider.ts';
import { startLab, type Lab } from '../../../../host/lab/lab.ts';
import { labVendors } from '../../../../host/lab/vendors.ts';
import type { FakeClock } from '../../../support/fake-clock.ts';
import { labControl } from '../../../support/lab-control.ts';
import { useTempDir } from '../../../support/temp-dir.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { writeShipped } from '../../protocol/harness.ts';

/** Every poller test polls every 10 s of virtual time. */
export const INTERVAL_MS = 10_000;

/** A host opened over the test's workspace: its protocol calls and its one trigger's health. */
export interface OpenedHost {
  host: Host;
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  health(): Promise<TriggerHealth>;
}

/**
 * The set-up every poller host test shares: one vendor's lab twin for the file, a workspace seeded
 * with one polling playbook (its slot bound to the seeded lab credential), and steps that wait for
 * polls and the runs of their events to settle.
 */
export function usePollerHost(connectorId: string, playbook: { id: string }) {
  const dir = useTempDir(`switchboard-${connectorId}-poller-`);
  const vendors = labVendors.filter((vendor) => vendor.connector.id === connectorId);
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(vendors);
  });
  afterAll(() => lab.close());

  const twin = () => ({ url: lab.twins[0]!.url, controlToken: lab.controlToken });

  const openHost = async (clock: FakeClock, keyProvider: KeyProvider): Promise<OpenedHost> => {
    const host = await createHost({
      workspaceDir: path.join(dir(), 'ws'),
      shippedDir: writeShipped(path.join(dir(), 'shipped'), [playbook]),
      labVendors: vendors,
      lab,
      keyProvider,
      env: {},
      pollClock: clock,
    });
    let id = 0;
    const call = async <M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> => {
      const answer = await dispatch(JSON.stringify({ id: ++id, method, params }), host.context);
      if ('error' in answer) throw new Error(answer.error.message);
      return (answer as { result: ResultOf<M> }).result;
    };
    const health = async (): Promise<TriggerHealth> => {
      const { playbooks } = await call('triggers.list', {});
      return playbooks.find((p) => p.playbookId === playbook.id)!.triggers[0]!;
    };
    return { host, call, health };
  };

  /** The playbook's events, oldest first. */
  const events = async (host: Host): Promise<InboxEvent[]> => (await host.context.triggers.inbox.list({ playbookId: playbook.id })).reverse();

  /** Waits (real time) until `polls` polls have ended and the runs of their events have finished. */
  const settled = (opened: OpenedHost, polls: number): Promise<TriggerHealth> =>
    waitForAsync(async () => {
      const h = await opened.health();
      const ended = (h.counts?.polls ?? 0) >= polls;
      const open = (await events(opened.host)).filter((e) => !['done', 'failed', 'duplicate', 'rejected'].includes(e.status));
      return ended && open.length === 0 ? h : undefined;
    });

  /** One poll more: virtual time moves one interval, then the poll and its runs are awaited. */
  const nextPoll = async (opened: OpenedHost, clock: FakeClock): Promise<TriggerHealth> => {
    const before = (await opened.health()).counts?.polls ?? 0;
    await clock.advance(INTERVAL_MS);
    return settled(opened, before + 1);
  };

  /** Asks the twin to emit what `body` says (`POST /_lab/emit`) and returns its answer. */
  const emit = async <T>(body: unknown): Promise<T> => {
    const response = await labControl(twin(), '/_lab/emit', body);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  return { lab: () => lab, twin, openHost, events, settled, nextPoll, emit };
}

/** `waitFor` for an async probe: one probe in flight at a time, its latest answer returned. */
async function waitForAsync<T>(probe: () => Promise<T | undefined>): Promise<T> {
  let latest: T | undefined;
  let running = false;
  return waitFor(
    () => {
      if (!running) {
        running = true;
        void probe().then(
          (value) => ((latest = value), (running = false)),
          () => (running = false),
        );
      }
      return latest;
    },
    { timeoutMs: 20_000 },
  );
}
