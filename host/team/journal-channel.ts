/**
 * The NOTIFY channel on which each PostgreSQL journal append announces the rows it wrote, so the
 * team server can stream runs executing on workers (DESIGN.md §11) without polling the table.
 */
export const JOURNAL_CHANNEL = 'sb_journal';

/** What one append announced: run `runId` now has rows `first`…`last` (seq numbers, inclusive). */
export interface JournalAnnouncement {
  runId: string;
  first: number;
  last: number;
}

/** The payload of an announcement: `<runId> <first> <last>` (run ids hold no spaces). */
export function announcement({ runId, first, last }: JournalAnnouncement): string {
  return `${runId} ${first} ${last}`;
}

const PAYLOAD = /^(\S{1,128}) (\d{1,9}) (\d{1,9})$/;

/** Reads a payload back; undefined for anything that is not an announcement (a foreign NOTIFY). */
export function parseAnnouncement(payload: string): JournalAnnouncement | undefined {
  const match = PAYLOAD.exec(payload);
  if (match === null) return undefined;
  const first = Number(match[2]);
  const last = Number(match[3]);
  return first >= 1 && last >= first ? { runId: match[1]!, first, last } : undefined;
}
