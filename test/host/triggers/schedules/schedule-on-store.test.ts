import { describe, expect, it } from 'vitest';
import type { EventInbox, LiveTrigger, TriggerSource } from '../../../../host/triggers/contract.ts';
import { openInboxStore } from '../../../../host/triggers/inbox-store.ts';
import { createScheduleSource } from '../../../../host/triggers/schedules/schedule-source.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { useTempDir } from '../../../support/temp-dir.ts';

const MINUTE = 60_000;
const EVERY_MINUTE: LiveTrigger = { playbookId: 'heartbeat', revision: 1, triggerNodeId: 'tick', type: 'trigger.schedule@1', params: { cron: '* * * * *' } };

/** The scheduled times of the inbox's events, oldest first. */
async function fired(inbox: EventInbox): Promise<string[]> {
  return (await inbox.list()).map((event) => (event.payload as { scheduledAt: string }).scheduledAt).sort();
}

/**
 * Moves virtual time to the next minute and waits (in real time, bounded) for the source to finish
 * the fire's disk writes and arm its next timer, so time never jumps under a write in progress.
 */
async function nextMinute(clock: FakeClock, inbox: EventInbox, expected: number): Promise<void> {
  await clock.advance(MINUTE - (clock.now() % MINUTE));
  for (let tries = 0; tries < 500; tries++) {
    if ((await inbox.list()).length >= expected && clock.pending === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no ${expected}th event within 2.5 s`);
}

describe('a schedule on the embedded inbox store (the workspace on disk)', () => {
  const dir = useTempDir('switchboard-schedule-');

  it('fires every minute once across a restart of the host, and never after it is disabled', async () => {
    const clock = new FakeClock({ start: Date.parse('2026-01-01T00:00:30Z'), auto: false });
    let inbox = await openInboxStore(dir(), { clock });
    let source: TriggerSource = createScheduleSource({ inbox, clock });
    await source.sync([EVERY_MINUTE]);
    for (let minute = 1; minute <= 3; minute++) await nextMinute(clock, inbox, minute);

    await source.close();
    await inbox.close();
    await clock.advance(10);
    inbox = await openInboxStore(dir(), { clock });
    source = createScheduleSource({ inbox, clock });
    await source.sync([EVERY_MINUTE]);
    for (let minute = 4; minute <= 5; minute++) await nextMinute(clock, inbox, minute);
    expect(await fired(inbox)).toEqual(['00:01', '00:02', '00:03', '00:04', '00:05'].map((time) => `2026-01-01T${time}:00.000Z`));

    await source.sync([]);
    await clock.advance(5 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await fired(inbox)).toHaveLength(5);
    expect(clock.pending).toBe(0);
    await source.close();
    await inbox.close();
  });
});
