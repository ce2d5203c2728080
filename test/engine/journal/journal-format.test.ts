import { describe, expect, it } from 'vitest';
import { decodeJournal, encodeEvent, encodeEvents, summarizeTrigger } from '../../../engine/journal/journal-format.ts';
import type { RunEvent } from '../../../engine/run/events.ts';

const events: RunEvent[] = [
  { seq: 1, runId: 'r1', at: 1000, type: 'run.started', playbookId: 'p', playbookName: 'P', revision: 1, mode: 'run', dryRun: false, trigger: { ip: '1.2.3.4' }, nodeIds: ['t', 'a'] },
  { seq: 2, runId: 'r1', at: 1001, type: 'node.started', nodeId: 'a', attempt: 1, input: { text: 'line\nbreak' } },
  { seq: 3, runId: 'r1', at: 1005, type: 'node.succeeded', nodeId: 'a', attempt: 1, output: { ok: true }, port: 'out', durationMs: 4 },
];

describe('encodeEvents / decodeJournal', () => {
  it('writes one line per event and reads them back', () => {
    const text = encodeEvents(events);
    expect(text.split('\n')).toHaveLength(4);
    expect(text.endsWith('\n')).toBe(true);
    expect(decodeJournal(text)).toEqual({ events, torn: false, corrupt: 0 });
  });

  it('encodes nothing for no events', () => {
    expect(encodeEvents([])).toBe('');
    expect(decodeJournal('')).toEqual({ events: [], torn: false, corrupt: 0 });
  });

  it('drops a torn last line and says so', () => {
    const text = encodeEvents(events);
    const torn = text + encodeEvent(events[0]!).slice(0, 25);
    expect(decodeJournal(torn)).toEqual({ events, torn: true, corrupt: 0 });
  });

  it('treats trailing NUL bytes (a crash on some file systems) as torn', () => {
    expect(decodeJournal(encodeEvents(events) + '\0\0\0\0').torn).toBe(true);
  });

  it('keeps a complete last event that lacks only its newline', () => {
    const text = encodeEvents(events).slice(0, -1);
    expect(decodeJournal(text)).toEqual({ events, torn: false, corrupt: 0 });
  });

  it('skips and counts unreadable lines in the middle', () => {
    const [a, b, c] = encodeEvents(events).split('\n');
    const text = [a, '{not json', '{"json":"but not an event"}', b, '', c, ''].join('\n');
    expect(decodeJournal(text)).toEqual({ events, torn: false, corrupt: 2 });
  });

  it('encodes values JSON cannot hold instead of throwing', () => {
    const cyclic: Record<string, unknown> = { big: 10n };
    cyclic.self = cyclic;
    const event = { ...events[2]!, output: cyclic } as RunEvent;
    const line = encodeEvent(event);
    expect(JSON.parse(line).output).toEqual({ big: '10', self: '[Circular]' });
  });
});

describe('summarizeTrigger', () => {
  it('renders one short line', () => {
    expect(summarizeTrigger({ ip: '1.2.3.4' })).toBe('{"ip":"1.2.3.4"}');
    expect(summarizeTrigger(undefined)).toBe('');
    const long = summarizeTrigger({ text: 'x'.repeat(200) });
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });
});
