import { randomBytes } from 'node:crypto';
import type { MessagePortMain, UtilityProcess } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { HostSupervisor, type HostSupervisorOptions } from '../../electron/host-process.ts';
import type { InitMessage } from '../../host/electron-host.ts';
import { FakeMessageChannelMain, FakePort, FakeUtilityProcess } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

const INIT: InitMessage = {
  type: 'init',
  workspace: '/tmp/ws',
  key: randomBytes(32).toString('base64'),
  vault: { protection: 'safe-storage', detail: 'test' },
  lab: false,
};

function supervisor(overrides: Partial<HostSupervisorOptions> = {}) {
  const forks: FakeUtilityProcess[] = [];
  const delivered: FakePort[] = [];
  const failures: string[] = [];
  const gaveUp: string[] = [];
  let clock = 0;
  const init = vi.fn(async () => INIT);
  const host = new HostSupervisor({
    fork: () => {
      const child = new FakeUtilityProcess('/host.mjs', [], {});
      forks.push(child);
      return child as unknown as UtilityProcess;
    },
    createChannel: () => new FakeMessageChannelMain() as unknown as { port1: MessagePortMain; port2: MessagePortMain },
    init,
    deliverPort: (port) => delivered.push(port as unknown as FakePort),
    onFailed: (message) => failures.push(message),
    onGaveUp: (message) => gaveUp.push(message),
    restartDelaysMs: [0, 0],
    stableAfterMs: 1_000,
    stopTimeoutMs: 50,
    now: () => clock,
    log: () => undefined,
    ...overrides,
  });
  return { host, forks, delivered, failures, gaveUp, init, tick: (ms: number) => (clock += ms) };
}

const types = (child: FakeUtilityProcess | undefined) => child?.posted.map((entry) => (entry.message as { type: string }).type);

describe('the host supervisor', () => {
  it('forks the host and sends init first', async () => {
    const { host, forks } = supervisor();
    await host.start();
    expect(forks).toHaveLength(1);
    expect(forks[0]?.posted[0]?.message).toEqual(INIT);
    expect(host.running).toBe(true);
  });

  it('gives each renderer connection a fresh channel: port1 to the host, port2 to the renderer', async () => {
    const { host, forks, delivered } = supervisor();
    await host.start();
    host.connectRenderer();
    host.connectRenderer();
    expect(types(forks[0])).toEqual(['init', 'connect', 'connect']);
    expect(delivered).toHaveLength(2);
    expect(forks[0]?.posted[1]?.transfer[0]).not.toBe(delivered[0]);
    expect(forks[0]?.posted[1]?.transfer[0]).toBeInstanceOf(FakePort);
  });

  it('restarts a host that dies, re-sends init (key computed once) and reconnects the renderer', async () => {
    const { host, forks, delivered, init } = supervisor();
    await host.start();
    host.connectRenderer();
    forks[0]?.crash(139);
    await vi.waitFor(() => expect(delivered).toHaveLength(2));
    expect(forks).toHaveLength(2);
    expect(types(forks[1])).toEqual(['init', 'connect']);
    expect(host.restarts).toBe(1);
    expect(init).toHaveBeenCalledTimes(1);
  });

  it('does not connect a renderer that never asked', async () => {
    const { host, forks, delivered } = supervisor();
    await host.start();
    forks[0]?.crash(1);
    await vi.waitFor(() => expect(forks).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(delivered).toHaveLength(0);
  });

  it('gives up after more crashes in a row than it has delays, and says so', async () => {
    const { host, forks, gaveUp } = supervisor();
    await host.start();
    forks[0]?.crash(1);
    await vi.waitFor(() => expect(forks).toHaveLength(2));
    forks[1]?.crash(1);
    await vi.waitFor(() => expect(forks).toHaveLength(3));
    forks[2]?.crash(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(forks).toHaveLength(3);
    expect(gaveUp[0]).toMatch(/3 times in a row/);
  });

  it('forgets old crashes once a host stayed up', async () => {
    const { host, forks, gaveUp, tick } = supervisor();
    await host.start();
    for (let i = 0; i < 4; i++) {
      tick(5_000);
      forks.at(-1)?.crash(1);
      await vi.waitFor(() => expect(forks).toHaveLength(i + 2));
    }
    expect(gaveUp).toEqual([]);
  });

  it('does not restart a host that reported it cannot start (a wrong vault key)', async () => {
    const { host, forks, failures } = supervisor();
    await host.start();
    forks[0]?.emit('message', { type: 'failed', message: 'the vault key does not open this vault' });
    expect(failures).toEqual(['the vault key does not open this vault']);
    expect(forks[0]?.killed).toBe(true);
    forks[0]?.crash(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(forks).toHaveLength(1);
  });

  it('reports a key that cannot be had without forking', async () => {
    const { host, forks, failures } = supervisor({ init: async () => Promise.reject(new Error('safeStorage cannot decrypt the vault key')) });
    await host.start();
    expect(forks).toHaveLength(0);
    expect(failures).toEqual(['safeStorage cannot decrypt the vault key']);
  });

  it('passes on the docs hosts of a ready host, and ignores reports from a host it replaced', async () => {
    const ready = vi.fn();
    const { host, forks } = supervisor({ onReady: ready });
    await host.start();
    forks[0]?.emit('message', { type: 'ready', docsHosts: ['docs.virustotal.com', 42] });
    expect(ready).toHaveBeenCalledWith({ type: 'ready', docsHosts: ['docs.virustotal.com'] });
    forks[0]?.crash(1);
    await vi.waitFor(() => expect(forks).toHaveLength(2));
    forks[0]?.emit('message', { type: 'ready', docsHosts: ['evil.example'] });
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('stops cleanly: shutdown, then no restart when it exits', async () => {
    const { host, forks } = supervisor();
    await host.start();
    const stopped = host.stop();
    expect(types(forks[0])).toEqual(['init', 'shutdown']);
    forks[0]?.crash(0);
    await stopped;
    expect(forks[0]?.killed).toBe(false);
    expect(forks).toHaveLength(1);
  });

  it('kills a host that does not stop in time', async () => {
    const { host, forks } = supervisor();
    await host.start();
    await host.stop();
    expect(forks[0]?.killed).toBe(true);
  });
});
