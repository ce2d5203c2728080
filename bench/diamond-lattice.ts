import { withEngine } from './engine.ts';
import type { BenchEngine } from './engine.ts';
import { LATTICE_EVENT, diamondLattice, latticeBranch, stepValues } from './playbooks.ts';
import { benchResult, medianPair, timeMs } from './stats.ts';
import type { BenchResult } from './stats.ts';

const OPTIONS = { warmup: 30, runs: 31 };

/** One sample: a run of a lattice of `size` diamonds, in ms. */
function oursSample(engine: BenchEngine, size: number): () => Promise<number> {
  const playbook = diamondLattice(size);
  return () => engine.time(playbook, { trigger: LATTICE_EVENT });
}

async function branch(name: 'yes' | 'no'): Promise<{ branch: string }> {
  return { branch: name };
}

async function merge(i: number): Promise<{ step: number; ok: boolean }> {
  return stepValues(i);
}

/** The same decisions as a bare async loop: test, await the taken branch, await the merge. */
function bareSample(size: number): () => Promise<number> {
  return async () => {
    let sink: unknown;
    const ms = await timeMs(async () => {
      for (let i = 1; i <= size; i++) {
        await branch(latticeBranch(i) ? 'yes' : 'no');
        sink = await merge(i);
      }
    });
    if (sink === undefined) throw new Error('bare lattice produced nothing');
    return ms;
  };
}

/** `diamond-lattice-200`: ms for 200 diamonds, against the bare-loop equivalent. */
export function diamondLattice200(): Promise<BenchResult> {
  return withEngine(async (engine) => {
    const [ours, baseline] = await medianPair(oursSample(engine, 200), bareSample(200), OPTIONS);
    return benchResult('diamond-lattice-200', ours, baseline);
  });
}

/**
 * `diamond-lattice-400`: ms for 400 diamonds against 200 diamonds sampled in alternation with
 * it; linear is 2.0, target ≤ 2.5.
 */
export function diamondLattice400(): Promise<BenchResult> {
  return withEngine(async (engine) => {
    const [ours, baseline] = await medianPair(oursSample(engine, 400), oursSample(engine, 200), OPTIONS);
    return benchResult('diamond-lattice-400', ours, baseline);
  });
}
