import type { EventInbox, InboxEvent } from './contract.ts';

/** New events counted since the last line: accepted per source, and duplicates. */
export interface Tally {
  accepted: Record<string, number>;
  duplicates: number;
}

/** One console line for a second's worth of new events; undefined when there were none. */
export function tallyLine(tally: Tally): string | undefined {
  const sources = Object.entries(tally.accepted).sort(([a], [b]) => a.localeCompare(b));
  const accepted = sources.reduce((sum, [, n]) => sum + n, 0);
  if (accepted === 0 && tally.duplicates === 0) return undefined;
  const bySource = sources.map(([source, n]) => `${source} ${n}`).join(', ');
  const duplicates = tally.duplicates === 0 ? '' : `, ${tally.duplicates} duplicate${tally.duplicates === 1 ? '' : 's'}`;
  return `events: ${accepted} accepted${bySource === '' ? '' : ` (${bySource})`}${duplicates}`;
}

/**
 * Says on the host's console what arrives, at most one line a second however fast events come
 * (a burst of 5,000 webhooks is five lines, not 5,000). Returns the stop function.
 */
export function startEventTally(inbox: Pick<EventInbox, 'subscribe'>, log: (line: string) => void, everyMs = 1_000): () => void {
  let tally: Tally = { accepted: {}, duplicates: 0 };
  const unsubscribe = inbox.subscribe((event: InboxEvent) => {
    // Counted when first committed: later notices of the same event (queued, done, one more
    // duplicate absorbed) are not news.
    if (event.status === 'duplicate') tally.duplicates++;
    else if (event.status === 'accepted' && event.duplicates === 0) tally.accepted[event.source] = (tally.accepted[event.source] ?? 0) + 1;
  });
  const timer = setInterval(() => {
    const line = tallyLine(tally);
    tally = { accepted: {}, duplicates: 0 };
    if (line !== undefined) log(line);
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
