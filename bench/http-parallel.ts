import { allLimited, withHttpBench } from './baseline-http.ts';
import { httpFanOut, indicatorUrl } from './playbooks.ts';
import { benchResult, medianPair, timeMs } from './stats.ts';
import type { BenchResult } from './stats.ts';

const CALLS = 200;
const CONCURRENCY = 50;

/**
 * `http-parallel-200`: 200 parallel `core.http` branches joined by one `join: "all"` node at run
 * concurrency 50, against `Promise.all` over the same axios GETs limited to 50 in flight; ms per
 * run. Target ratio ≤ 1.25.
 */
export function httpParallel200(): Promise<BenchResult> {
  return withHttpBench(async ({ server, engine, client }) => {
    const playbook = httpFanOut(CALLS, server.url);
    const egress = { allow: [new URL(server.url).host] };
    const [ours, baseline] = await medianPair(
      () => engine.time(playbook, { concurrency: CONCURRENCY, egress }),
      () => timeMs(() => allLimited(CALLS, CONCURRENCY, (i) => client.get(indicatorUrl(server.url, i + 1)))),
      { warmup: 5, runs: 21 },
    );
    return benchResult('http-parallel-200', ours, baseline);
  });
}
