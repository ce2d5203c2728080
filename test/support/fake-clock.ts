import type { Clock } from '../../engine/ports.ts';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Virtual time for tests: `sleep` never waits for real. Whenever the process has nothing else to
 * do (checked on `setImmediate`), the clock jumps to the earliest timer and fires it, so retries,
 * delays and expiries run instantly and `now()` tells how much virtual time they took.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];
  private scheduled = false;
  /** Every delay asked for, in order: what the code under test decided to wait. */
  readonly sleeps: number[] = [];

  /** With `auto: false`, time moves only through `advance`. */
  constructor(private readonly options: { start?: number; auto?: boolean } = {}) {
    this.time = options.start ?? Date.UTC(2026, 0, 1);
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = until;
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  now = (): number => this.time;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.time + ms, seq: this.seq++, resolve: () => resolve() };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
      this.schedule();
    });
  };

  timer = (ms: number, fire: () => void): (() => void) => {
    this.sleeps.push(ms);
    const timer: Timer = { at: this.time + ms, seq: this.seq++, resolve: fire };
    this.timers.push(timer);
    this.schedule();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  private schedule(): void {
    if (this.scheduled || this.options.auto === false) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.fireNext();
    });
  }

  private fireNext(): void {
    if (this.timers.length === 0) return;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.timers.shift()!;
    this.time = Math.max(this.time, next.at);
    next.resolve();
    if (this.timers.length > 0) this.schedule();
  }
}
