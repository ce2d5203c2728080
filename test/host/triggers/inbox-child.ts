import { openInboxStore, recordFireFile } from '../../../host/triggers/inbox-store.ts';

/**
 * A separate process over one workspace's inbox, for the crash and race tests:
 * `burst ROOT N CLIENTS` accepts N events from CLIENTS concurrent loops, printing `ACC <id>` as
 * each accept resolves (and `RATE <events/s>` at the end); `fires ROOT N` records fires 0..N-1 of
 * one trigger, printing `WON <fireAt>` for each this process recorded first.
 */
const [mode, root, countText, clientsText] = process.argv.slice(2);
const count = Number(countText);
if (mode === 'burst') {
  const inbox = await openInboxStore(root!);
  const clients = Number(clientsText ?? 1);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const n = next++;
        const { event } = await inbox.accept({
          playbookId: 'pb',
          revision: 1,
          triggerNodeId: 'hook',
          source: 'webhook',
          receivedAt: Date.now(),
          dedupeKey: `delivery-${n}`,
          payload: { body: { n, alert: 'x'.repeat(300) } },
        });
        process.stdout.write(`ACC ${event.id}\n`);
      }
    }),
  );
  process.stdout.write(`RATE ${Math.round(count / ((performance.now() - started) / 1000))}\n`);
  await inbox.close();
} else if (mode === 'fires') {
  for (let fireAt = 0; fireAt < count; fireAt++) if (await recordFireFile(root!, 'pb', 'cron', fireAt)) process.stdout.write(`WON ${fireAt}\n`);
}
