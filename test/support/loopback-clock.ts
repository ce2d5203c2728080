import type { Clock } from '../../engine/ports.ts';

/**
 * A clock for tests that make real HTTP calls: short waits (retry backoff, `Retry-After`,
 * polling) pass at once and are recorded in `sleeps`, while long ones (an attempt's deadline)
 * run on real, unref'd timers, so a deadline never fires during a real request.
 */
export class LoopbackClock implements Clock {
  private time: number;
  private readonly instantBelowMs: number;
  readonly sleeps: number[] = [];

  /** `startOffsetMs` starts the clock later than now (to age a cache); `instantBelowMs` sets what counts as short. */
  constructor(options: { startOffsetMs?: number; instantBelowMs?: number } = {}) {
    this.time = Date.now() + (options.startOffsetMs ?? 0);
    this.instantBelowMs = options.instantBelowMs ?? 60_000;
  }

  now = (): number => this.time;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (ms >= this.instantBelowMs) {
        const timer = setTimeout(resolve, ms).unref();
        signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
        return;
      }
      this.sleeps.push(ms);
      setImmediate(() => {
        this.time += ms;
        resolve();
      });
    });

  timer = (ms: number, fire: () => void): (() => void) => {
    const controller = new AbortController();
    this.sleep(ms, controller.signal).then(fire, () => undefined);
    return () => controller.abort();
  };
}
