import { createBenchEngine } from './engine.ts';
import { setChain, stepValues } from './playbooks.ts';
import { benchResult, medianPair, timeMs } from './stats.ts';
import type { BenchResult } from './stats.ts';

/** Nodes in the chain (the trigger aside): per-node figures divide by this. */
export const CHAIN = 1_000;

/** Our side of the chain benchmarks: one sample is one run, in µs per node. */
export interface ChainBench {
  sample(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A trigger and 1,000 `core.set` nodes through the real executor with the journal on. Shared by
 * the Node-RED peer benchmark, so both lines measure "ours" the same way.
 */
export async function openChainBench(): Promise<ChainBench> {
  const engine = await createBenchEngine();
  const playbook = setChain(CHAIN);
  return {
    sample: async () => ((await engine.time(playbook)) * 1_000) / CHAIN,
    close: () => engine.close(),
  };
}

async function step(i: number): Promise<{ step: number; ok: boolean }> {
  return stepValues(i);
}

/** The floor: 1,000 awaited async calls building the same object, in µs per call. */
async function bareLoopSample(): Promise<number> {
  let sink: unknown;
  const ms = await timeMs(async () => {
    for (let i = 1; i <= CHAIN; i++) sink = await step(i);
  });
  if (sink === undefined) throw new Error('bare loop produced nothing');
  return (ms * 1_000) / CHAIN;
}

/** `node-overhead-chain-1000`: µs per node, ours (journal on) against a bare async loop. */
export async function nodeOverheadChain1000(): Promise<BenchResult> {
  const chain = await openChainBench();
  try {
    const [ours, baseline] = await medianPair(chain.sample, bareLoopSample, { warmup: 30, runs: 31 });
    return benchResult('node-overhead-chain-1000', ours, baseline);
  } finally {
    await chain.close();
  }
}
