import { performance } from 'node:perf_hooks';

/** One benchmark's figures, printed as `BENCH <name> ours=<n> baseline=<n> ratio=<n>`. */
export interface BenchResult {
  name: string;
  ours: number;
  baseline: number;
  ratio: number;
}

/** Builds a result whose ratio is ours/baseline (NaN when the baseline could not be measured). */
export function benchResult(name: string, ours: number, baseline: number): BenchResult {
  return { name, ours, baseline, ratio: ours / baseline };
}

export interface SampleOptions {
  /** Unrecorded runs first, so the JIT, caches and connection pools are warm. */
  warmup?: number;
  /** Recorded runs; the median of these is the figure (at least 5). */
  runs?: number;
}

/** The median of a non-empty list: robust to one slow run caused by GC or the scheduler. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Calls `sample` `warmup` times unrecorded, then `runs` times, and returns the median of the
 * numbers it returned. For benchmarks that time only part of each run themselves.
 */
export async function medianOf(sample: () => Promise<number>, options: SampleOptions = {}): Promise<number> {
  const warmup = options.warmup ?? 3;
  const runs = Math.max(5, options.runs ?? 7);
  for (let i = 0; i < warmup; i++) await sample();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await sample());
  return median(values);
}

/**
 * Medians of two measurements taken in alternation (a, b, a, b, …) after warming both, so a
 * burst of load on a shared machine hits both sides of a ratio alike. Samples are returned numbers.
 */
export async function medianPair(
  a: () => Promise<number>,
  b: () => Promise<number>,
  options: SampleOptions = {},
): Promise<[number, number]> {
  const warmup = options.warmup ?? 3;
  const runs = Math.max(5, options.runs ?? 7);
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return [median(as), median(bs)];
}

/** Times one call of `run` in milliseconds: the sample of a wall-clock measurement. */
export async function timeMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Prints a figure with decimals that suit its size: 1234.5, 12.34, 0.0123. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}

/** The line `npm run bench` prints for one result. */
export function formatResult(result: BenchResult): string {
  const { name, ours, baseline, ratio } = result;
  return `BENCH ${name} ours=${formatFigure(ours)} baseline=${formatFigure(baseline)} ratio=${formatFigure(ratio)}`;
}
