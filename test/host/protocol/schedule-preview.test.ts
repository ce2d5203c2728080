import { describe, expect, it } from 'vitest';
import { CallError, useProtocolServer, writeShipped } from './harness.ts';

describe('triggers.schedulePreview (the editor plans a draft schedule)', () => {
  const { client } = useProtocolServer((dir) => ({ shipped: writeShipped(dir(), []) }));

  it('describes a cron schedule and lists its next five fires, after now, at 9:00 Paris time', async () => {
    const before = Date.now();
    const { describe: text, nextFires } = await client().call('triggers.schedulePreview', { params: { cron: '0 9 * * *', timezone: 'Europe/Paris' } });
    expect(text).toBe('0 9 * * * (Europe/Paris)');
    expect(nextFires).toHaveLength(5);
    expect(nextFires[0]).toBeGreaterThan(before);
    const parisHours = nextFires.map((time) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(time));
    expect(new Set(parisHours)).toEqual(new Set(['09:00']));
  });

  it('plans an interval on the epoch grid, as many fires as asked', async () => {
    const { describe: text, nextFires } = await client().call('triggers.schedulePreview', { params: { intervalSeconds: 300 }, count: 3 });
    expect(text).toBe('every 300 s');
    expect(nextFires.map((time) => time % 300_000)).toEqual([0, 0, 0]);
    expect(nextFires[1]! - nextFires[0]!).toBe(300_000);
  });

  it('refuses bad params with INVALID_PARAMS naming the field', async () => {
    const refused = await client().call('triggers.schedulePreview', { params: { cron: '0 9 * * *', timezone: 'Paris' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CallError);
    expect(refused).toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'params.timezone: "Paris" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC',
    });
  });
});
