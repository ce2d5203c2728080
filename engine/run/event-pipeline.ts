import type { JournalPort } from '../ports.ts';
import type { RunEvent, RunEventBody } from './events.ts';

type Listener = (event: RunEvent) => void;

/**
 * Stamps, journals and then publishes a run's events. Group commit: while one journal write is
 * under way, new events queue and go out together in the next write, so a fast run costs one
 * write per batch rather than per event. Listeners see an event only after it is journalled.
 */
export class EventPipeline {
  private seq = 0;
  private queue: RunEvent[] = [];
  private writing: Promise<void> | undefined;
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

  /** Resolves once every event emitted so far is journalled and published. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const pending = this.journal?.append(batch);
          if (pending) await pending;
          else await undefined; // let the emitter finish its step before we publish
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
}
