import { createHost } from '../../../host/host.ts';
import { environmentKeyProvider } from '../../../host/vault/key-provider.ts';

/**
 * A host in its own process for the crash test: `WORKSPACE N CLIENTS` opens the (already seeded)
 * workspace, accepts N webhook events for playbook `login` from CLIENTS concurrent loops, printing
 * `ACC <id>` as each accept resolves, while the host's dispatcher runs them. The test kills it -9.
 */
const [workspaceDir, countText, clientsText] = process.argv.slice(2);
const host = await createHost({ workspaceDir: workspaceDir!, keyProvider: environmentKeyProvider(process.env), env: {} });
const count = Number(countText);
let next = 0;
await Promise.all(
  Array.from({ length: Number(clientsText) }, async () => {
    while (next < count) {
      const n = next++;
      const { event } = await host.context.triggers.inbox.accept({
        playbookId: 'login',
        revision: 0,
        triggerNodeId: 'hook',
        source: 'webhook',
        receivedAt: Date.now(),
        dedupeKey: `delivery-${n}`,
        payload: { body: { n } },
      });
      process.stdout.write(`ACC ${event.id}\n`);
    }
  }),
);
process.stdout.write('DONE\n');
