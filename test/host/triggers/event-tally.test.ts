import { describe, expect, it, vi } from 'vitest';
import { startEventTally, tallyLine } from '../../../host/triggers/event-tally.ts';
import { createMemoryInbox } from '../../support/memory-inbox.ts';

const event = (source: 'webhook' | 'schedule', dedupeKey?: string) => ({
  playbookId: 'p',
  revision: 1,
  triggerNodeId: 't',
  source,
  receivedAt: Date.now(),
  payload: {},
  ...(dedupeKey === undefined ? {} : { dedupeKey }),
});

describe('the host console says what arrives, at most once a second', () => {
  it('words a second of events as one line, and says nothing for a quiet second', () => {
    expect(tallyLine({ accepted: { webhook: 3, schedule: 1 }, duplicates: 2 })).toBe('events: 4 accepted (schedule 1, webhook 3), 2 duplicates');
    expect(tallyLine({ accepted: {}, duplicates: 1 })).toBe('events: 0 accepted, 1 duplicate');
    expect(tallyLine({ accepted: {}, duplicates: 0 })).toBeUndefined();
  });

  it('counts each event once however many times it changes, and a burst as one line', async () => {
    vi.useFakeTimers();
    try {
      const inbox = createMemoryInbox();
      const lines: string[] = [];
      const stop = startEventTally(inbox, (line) => lines.push(line));
      for (let i = 0; i < 50; i++) await inbox.accept(event('webhook', `d${i}`));
      await inbox.accept(event('webhook', 'd0'));
      await inbox.accept(event('schedule'));
      const first = (await inbox.list({ status: 'accepted' })).at(-1)!;
      await inbox.enqueue(first.id);
      vi.advanceTimersByTime(1_000);
      expect(lines).toEqual(['events: 51 accepted (schedule 1, webhook 50), 1 duplicate']);
      vi.advanceTimersByTime(3_000);
      expect(lines).toHaveLength(1);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
