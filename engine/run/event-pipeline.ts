import type { JournalPort } from '../ports.ts';
import type { RunEvent, RunEventBody } from './events.ts';
import { nextTurn } from './next-turn.ts';

type Listener = (event: RunEvent) => void;

/**
 * Shortest gap between two journal writes of a busy run. Events arriving meanwhile wait (on a
 * real timer, whatever the run's clock) and share the next write: a chain of quick API calls costs
 * one write per window instead of one per node. 10 ms is under one 60 Hz frame, so a canvas shows
 * nothing later than it would anyway; every write costs a chain of loopback calls about 50–70 µs
 * in all (syscall, timer, batch), measured: a 2 ms window made http-sequential-200 6–8 % slower.
 */
const GROUP_COMMIT_MS = 10;

/**
 * Stamps, journals and then publishes a run's events. Group commit: the events of one turn of the
 * event loop go out in one journal write (a node's end and the next node's start share it), at
 * most one write per `GROUP_COMMIT_MS`, and while a write is under way new events queue for the
 * next. Listeners see an event only after it is journalled.
 */
export class EventPipeline {
  private seq = 0;
  private queue: RunEvent[] = [];
  private writing: Promise<void> | undefined;
  private lastWrite = Number.NEGATIVE_INFINITY;
  /** Ends the current group-commit wait early: set while one runs, called by `flushed`. */
  private hurry: (() => void) | undefined;
  /** Someone waits in `flushed`: no group-commit wait until everything is written. */
  private urgent = false;
  private readonly listeners = new Set<Listener>();
  /** Set when the journal refused a write: the run must stop, as it can no longer be audited. */
  failure: unknown;
  /** Scrubs secrets; identity when the run has none. */
  redact: (event: RunEvent) => RunEvent = (event) => event;

  constructor(
    private readonly runId: string,
    private readonly now: () => number,
    private readonly journal: JournalPort | undefined,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stamps and queues an event; returns it (already redacted) for the caller's own state. The
   * body is a fresh literal at every call site, so it is stamped in place rather than copied.
   */
  emit(body: RunEventBody): RunEvent {
    const stamped = body as RunEvent;
    stamped.seq = ++this.seq;
    stamped.runId = this.runId;
    stamped.at = this.now();
    const event = this.redact(stamped);
    this.queue.push(event);
    if (!this.writing) this.writing = this.drain();
    return event;
  }

  /** Resolves once every event emitted so far is journalled and published, skipping the window. */
  async flushed(): Promise<void> {
    this.urgent = true;
    this.hurry?.();
    try {
      while (this.writing) await this.writing;
    } finally {
      this.urgent = false;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await nextTurn();
        await this.window();
        this.lastWrite = performance.now();
        const batch = this.queue;
        this.queue = [];
        try {
          await this.journal?.append(batch);
        } catch (err) {
          this.failure ??= err;
          this.queue = [];
          return;
        }
        for (const event of batch) for (const listener of this.listeners) listener(event);
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Waits until `GROUP_COMMIT_MS` after the last write, unless `flushed` hurries it. */
  private async window(): Promise<void> {
    const wait = this.lastWrite + GROUP_COMMIT_MS - performance.now();
    if (wait <= 0 || this.urgent) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.hurry = resolve;
      timer = setTimeout(resolve, wait);
    });
    clearTimeout(timer);
    this.hurry = undefined;
  }
}
