import { baselineClient } from './baseline-http.ts';
import { createBenchEngine } from './engine.ts';
import { startLoopbackServer } from './loopback-server.ts';
import { httpChain, indicatorUrl } from './playbooks.ts';
import { benchResult, medianPair, timeMs } from './stats.ts';
import type { BenchResult } from './stats.ts';

const CALLS = 200;

/**
 * `http-sequential-200`: 200 chained `core.http` GETs to a loopback server against the same 200
 * axios GETs awaited one after another; both in ms per run. Target ratio ≤ 1.10.
 */
export async function httpSequential200(): Promise<BenchResult> {
  const server = await startLoopbackServer();
  const engine = await createBenchEngine();
  const { client, close } = baselineClient();
  try {
    const playbook = httpChain(CALLS, server.url);
    const [ours, baseline] = await medianPair(
      () => engine.time(playbook),
      () =>
        timeMs(async () => {
          for (let i = 1; i <= CALLS; i++) await client.get(indicatorUrl(server.url, i));
        }),
      { warmup: 5, runs: 21 },
    );
    return benchResult('http-sequential-200', ours, baseline);
  } finally {
    close();
    await engine.close();
    await server.close();
  }
}
