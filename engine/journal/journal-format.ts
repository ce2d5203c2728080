import type { RunEvent } from '../run/events.ts';

/** What a journal file held: its readable events, and what had to be left out. */
export interface DecodedJournal {
  events: RunEvent[];
  /** The last line was cut short (the writer died mid-write); it was dropped. */
  torn: boolean;
  /** Lines before the last that were unreadable (disk damage, a foreign writer); skipped. */
  corrupt: number;
}

/**
 * Encodes events as JSON Lines, one event per line, each ending in `\n`, so that a reader can
 * tell a complete last line from a torn one.
 */
export function encodeEvents(events: readonly RunEvent[]): string {
  let text = '';
  for (const event of events) text += encodeEvent(event) + '\n';
  return text;
}

/** One event as one line of JSON; values JSON cannot hold (BigInt, cycles) become strings. */
export function encodeEvent(event: RunEvent): string {
  try {
    return JSON.stringify(event);
  } catch {
    return JSON.stringify(event, tolerantReplacer());
  }
}

/**
 * Decodes a JSON Lines journal. A last line without its `\n` is kept when it parses (the writer
 * finished the event but not the newline) and dropped as torn otherwise; unreadable lines before
 * it are skipped and counted, never fatal.
 */
export function decodeJournal(text: string): DecodedJournal {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const events: RunEvent[] = [];
  let corrupt = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const event = parseEvent(line);
    if (event === undefined) corrupt++;
    else events.push(event);
  }
  let torn = false;
  if (last.trim() !== '') {
    const event = parseEvent(last);
    if (event === undefined) torn = true;
    else events.push(event);
  }
  return { events, torn, corrupt };
}

/** Parses one line, accepting only objects that look like run events. */
export function parseEvent(line: string): RunEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isRunEvent(value) ? value : undefined;
}

/** The minimal shape every event has; the reducer ignores types it does not know. */
export function isRunEvent(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.seq === 'number' && typeof v.runId === 'string' && typeof v.at === 'number';
}

/** A one-line, length-capped rendering of a trigger event, for run lists. */
export function summarizeTrigger(trigger: unknown, maxLength = 80): string {
  if (trigger === undefined || trigger === null) return '';
  let text: string;
  try {
    text = typeof trigger === 'string' ? trigger : (JSON.stringify(trigger, tolerantReplacer()) ?? '');
  } catch {
    text = String(trigger);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function tolerantReplacer(): (key: string, value: unknown) => unknown {
  const ancestors: object[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}
