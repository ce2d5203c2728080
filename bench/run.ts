import { formatResult } from './stats.ts';
import type { BenchResult } from './stats.ts';

interface Benchmark {
  name: string;
  /** A filter that selects the whole group (`npm run bench -- triggers`) besides the name's own parts. */
  group?: string;
  /** Imported lazily, so a filter loads only what it runs and one broken module spoils one line. */
  load(): Promise<() => Promise<BenchResult>>;
}

const BENCHMARKS: readonly Benchmark[] = [
  { name: 'node-overhead-chain-1000', load: async () => (await import('./node-overhead.ts')).nodeOverheadChain1000 },
  { name: 'peer-nodered-chain-1000', load: async () => (await import('./peer-nodered.ts')).peerNodeRedChain1000 },
  { name: 'http-sequential-200', load: async () => (await import('./http-sequential.ts')).httpSequential200 },
  { name: 'http-parallel-200', load: async () => (await import('./http-parallel.ts')).httpParallel200 },
  { name: 'diamond-lattice-200', load: async () => (await import('./diamond-lattice.ts')).diamondLattice200 },
  { name: 'diamond-lattice-400', load: async () => (await import('./diamond-lattice.ts')).diamondLattice400 },
  { name: 'canvas-load-1000', load: async () => (await import('./canvas.ts')).canvasLoad1000 },
  { name: 'canvas-drag-500', load: async () => (await import('./canvas.ts')).canvasDrag500 },
  { name: 'canvas-drag-1000', load: async () => (await import('./canvas.ts')).canvasDrag1000 },
  { name: 'canvas-load-5000', load: async () => (await import('./canvas.ts')).canvasLoad5000 },
  { name: 'canvas-drag-5000', load: async () => (await import('./canvas.ts')).canvasDrag5000 },
  { name: 'trigger-webhook-throughput', group: 'triggers', load: async () => (await import('./triggers.ts')).triggerWebhookThroughput },
  { name: 'trigger-webhook-latency', group: 'triggers', load: async () => (await import('./triggers.ts')).triggerWebhookLatency },
  { name: 'trigger-event-to-run-start', group: 'triggers', load: async () => (await import('./triggers.ts')).triggerEventToRunStart },
  { name: 'trigger-end-to-end', group: 'triggers', load: async () => (await import('./triggers.ts')).triggerEndToEnd },
  { name: 'team-runs-1-worker', group: 'team', load: async () => (await import('./team.ts')).teamRuns1Worker },
  { name: 'team-runs-2-workers', group: 'team', load: async () => (await import('./team.ts')).teamRuns2Workers },
  { name: 'team-runs-2-workers-instant', group: 'team', load: async () => (await import('./team.ts')).teamRuns2WorkersInstant },
  { name: 'cli-cold-start', load: async () => (await import('./cli-cold-start.ts')).cliColdStart },
  { name: 'team-journal-append', group: 'team', load: async () => (await import('./team-journal.ts')).teamJournalAppend },
];

/**
 * `npm run bench [-- FILTER...]`: runs every benchmark whose name contains one of the filters
 * or whose group is one of them (all when none) and prints one `BENCH` line each. Timings never fail the command; a crash does.
 */
async function main(filters: readonly string[]): Promise<number> {
  const wanted = filters.map((filter) => filter.toLowerCase());
  const selected = BENCHMARKS.filter(
    (bench) => wanted.length === 0 || wanted.some((filter) => bench.name.includes(filter) || bench.group === filter),
  );
  if (selected.length === 0) {
    process.stderr.write(`no benchmark matches ${filters.join(' ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  let crashed = 0;
  for (const bench of selected) {
    try {
      const run = await bench.load();
      process.stdout.write(`${formatResult(await run())}\n`);
    } catch (err) {
      crashed++;
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`BENCH ${bench.name} crashed: ${detail}\n`);
    }
  }
  return crashed === 0 ? 0 : 1;
}

process.exit(await main(process.argv.slice(2)));
