import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../engine/run/events.ts';
import { createJournalStore, type JournalStore } from '../../../host/journal/journal-store.ts';
import { createRunManager } from '../../../host/runs/run-manager.ts';
import type { KeyProvider } from '../../../host/vault/key-provider.ts';
import { openVault } from '../../../host/vault/vault.ts';
import { openWorkspace } from '../../../host/workspace/workspace.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';

const dir = useTempDir('switchboard-run-manager-');
const testKey: KeyProvider = { kind: 'environment', detail: 'a test key', getKey: async () => Buffer.alloc(32, 7) };
const startParams = { playbookId: 'tiny', mode: 'run' as const, dryRun: false, breakpoints: [], pins: {}, lab: false };

/** A journal store whose runs' journals close only when `release` is called, as on a slow disk. */
function slowClosingStore(store: JournalStore): { store: JournalStore; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const open: JournalStore['open'] = async (runId, options) => {
    const journal = await store.open(runId, options);
    return { ...journal, append: journal.append, close: () => gate.then(() => journal.close()) };
  };
  return { store: { ...store, open }, release };
}

/** A run manager over a fresh workspace holding TINY, with no lab. */
async function tinyRunManager(options: { journal?: JournalStore; onEvent?: (event: RunEvent) => unknown } = {}) {
  const registry = createBuiltinRegistry();
  const workspace = await openWorkspace(dir(), registry);
  await workspace.savePlaybook(TINY);
  return createRunManager({
    workspace,
    vault: await openVault(path.join(dir(), 'vault.json'), testKey),
    kinds: new Map(),
    registry,
    journal: options.journal ?? createJournalStore(dir()),
    lab: undefined,
    onEvent: (event: RunEvent) => void options.onEvent?.(event),
  });
}

describe('run manager', () => {
  it('runs from a run whose end the client has heard while its journal is still closing', async () => {
    const { store, release } = slowClosingStore(createJournalStore(dir()));
    let onFinished!: (runId: string) => void;
    const finished = new Promise<string>((resolve) => (onFinished = resolve));
    const runs = await tinyRunManager({ journal: store, onEvent: (event: RunEvent) => event.type === 'run.finished' && onFinished(event.runId) });
    const first = await runs.start({ ...startParams, trigger: { ip: '198.51.100.9' } });
    expect(await finished).toBe(first.runId);
    const again = runs.start({ ...startParams, from: { runId: first.runId, nodeId: 'second' } });
    setTimeout(release, 50);
    await expect(again).resolves.toMatchObject({ runId: expect.any(String) });
    await runs.close();
  });

  it('refuses lab mode when the host runs no lab (--no-lab), naming the field', async () => {
    const runs = await tinyRunManager();
    await expect(runs.start({ ...startParams, lab: true })).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^lab: the lab is not running/) });
    await runs.close();
  });

  it('lists the runs still going, paused ones included, of the playbook asked for, until they finish', async () => {
    const finished = new Set<string>();
    const runs = await tinyRunManager({ onEvent: (event: RunEvent) => void (event.type === 'run.finished' && finished.add(event.runId)) });
    const done = await runs.start({ ...startParams, trigger: { ip: '198.51.100.1' } });
    await waitFor(() => (finished.has(done.runId) ? true : undefined));
    const paused = await runs.start({ ...startParams, breakpoints: ['second'], trigger: { ip: '198.51.100.2' } });
    await waitFor(() => (runs.active('tiny')[0]?.status === 'paused' ? true : undefined));

    expect(runs.active('tiny').map((run) => run.runId)).toEqual([paused.runId]);
    expect(runs.active()).toHaveLength(1);
    expect(runs.active('another-playbook')).toEqual([]);

    runs.control({ runId: paused.runId, action: 'continue' });
    await waitFor(() => (finished.has(paused.runId) ? true : undefined));
    expect(runs.active('tiny')).toEqual([]);
    await runs.close();
  });
});
