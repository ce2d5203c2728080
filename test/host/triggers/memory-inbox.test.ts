import { createMemoryInbox } from '../../support/memory-inbox.ts';
import { describeInboxBehaviour } from './inbox-behaviour.ts';

describeInboxBehaviour('the test inbox (createMemoryInbox)', async () => {
  let time = 1_700_000_000_000;
  const inbox = createMemoryInbox({ clock: { now: () => time } });
  return { inbox, advance: (ms: number) => void (time += ms) };
});
