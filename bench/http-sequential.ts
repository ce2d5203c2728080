import { withHttpBench } from './baseline-http.ts';
import { httpChain, indicatorUrl } from './playbooks.ts';
import { benchResult, medianPair, timeMs } from './stats.ts';
import type { BenchResult } from './stats.ts';

const CALLS = 200;

/**
 * `http-sequential-200`: 200 chained `core.http` GETs to a loopback server against the same 200
 * axios GETs awaited one after another; both in ms per run. Target ratio ≤ 1.10.
 */
export function httpSequential200(): Promise<BenchResult> {
  return withHttpBench(async ({ server, engine, client }) => {
    const playbook = httpChain(CALLS, server.url);
    const egress = { allow: [new URL(server.url).host] };
    const [ours, baseline] = await medianPair(
      () => engine.time(playbook, { egress }),
      () =>
        timeMs(async () => {
          for (let i = 1; i <= CALLS; i++) await client.get(indicatorUrl(server.url, i));
        }),
      { warmup: 5, runs: 21 },
    );
    return benchResult('http-sequential-200', ours, baseline);
  });
}
