import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Playbook } from '../engine/format/playbook.ts';
import type { EgressPolicy, NodeRegistry } from '../engine/node-type.ts';
import { startRun } from '../engine/run/executor.ts';
import type { RunState } from '../engine/run/types.ts';
import { createJournalStore } from '../host/journal/journal-store.ts';
import { createBuiltinRegistry } from '../nodes/registry.ts';

export interface BenchRunOptions {
  trigger?: unknown;
  concurrency?: number;
  /** The run's egress policy: the HTTP benchmarks allow their loopback server, as a workspace allows a LAN tool. */
  egress?: EgressPolicy;
}

/** Runs playbooks through the real executor, registry and on-disk journal, as the host does. */
export interface BenchEngine {
  /**
   * Runs to the end and returns the wall time in ms, from opening the journal to `done` (every
   * event written). Closing the journal (one fdatasync) comes after and is not timed. Throws
   * unless the run succeeded.
   */
  time(playbook: Playbook, options?: BenchRunOptions): Promise<number>;
  /** Removes the temporary journal folder. */
  close(): Promise<void>;
}

let counter = 0;

/** Opens a journal store in a fresh temporary folder and a registry of the built-in nodes. */
export async function createBenchEngine(): Promise<BenchEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  const store = createJournalStore(dir);
  const registry: NodeRegistry = createBuiltinRegistry();
  return {
    async time(playbook, options = {}) {
      const runId = `bench-${process.pid}-${++counter}`;
      const started = performance.now();
      const journal = await store.open(runId);
      try {
        const handle = startRun({
          playbook,
          registry,
          runId,
          journal,
          trigger: options.trigger ?? {},
          ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
          ...(options.egress !== undefined ? { egress: options.egress } : {}),
        });
        const state = await handle.done;
        const elapsed = performance.now() - started;
        assertSucceeded(playbook, state);
        return elapsed;
      } finally {
        await journal.close();
      }
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs `use` on a fresh bench engine and closes the engine afterwards, whatever happens. */
export async function withEngine<T>(use: (engine: BenchEngine) => Promise<T>): Promise<T> {
  const engine = await createBenchEngine();
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

/** A benchmark that timed a failed run would report nonsense, so it crashes instead. */
function assertSucceeded(playbook: Playbook, state: RunState): void {
  if (state.status === 'succeeded') return;
  const where = state.error?.nodeId ? ` at ${state.error.nodeId}` : '';
  const why = state.error ? `: ${state.error.code} ${state.error.message}` : '';
  throw new Error(`run of ${playbook.id} ended ${state.status}${where}${why}`);
}
