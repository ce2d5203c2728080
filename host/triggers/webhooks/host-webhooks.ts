import type { LiveTrigger } from '../contract.ts';
import type { TriggerSourceDeps } from '../../host.ts';
import { createWebhookSource, DEFAULT_HOOKS_PORT, type HooksListen, type WebhookSource } from './listener.ts';

/**
 * The secret that verifies a webhook: the `secret` field of the vault credential bound to the
 * trigger node's slot in the playbook's own bindings. Never from params or the URL.
 */
function webhookSecretFor(deps: Pick<TriggerSourceDeps, 'workspace' | 'vault'>): (trigger: LiveTrigger) => Promise<string | undefined> {
  return (trigger) => {
    if (trigger.credential === undefined) return Promise.resolve(undefined);
    const id = deps.workspace.bindings(trigger.playbookId)[trigger.credential];
    const secret = id === undefined ? undefined : deps.vault.get(id)?.values['secret'];
    return Promise.resolve(typeof secret === 'string' && secret !== '' ? secret : undefined);
  };
}

/**
 * Starts the webhook listener for a host. The default port is fixed and documented so senders
 * can be configured once; when something else holds it, the listener takes a free port and says
 * so, rather than keep the whole app from starting. A port asked for explicitly must be free.
 */
export async function startHostWebhooks(deps: TriggerSourceDeps, listen: HooksListen & { explicitPort: boolean }): Promise<WebhookSource> {
  const options = { inbox: deps.inbox, secretFor: webhookSecretFor(deps), log: deps.log };
  const { explicitPort, ...where } = listen;
  try {
    return await createWebhookSource({ ...options, listen: where });
  } catch (err) {
    if (explicitPort || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || where.port !== DEFAULT_HOOKS_PORT) throw err;
    deps.log(`webhooks: port ${DEFAULT_HOOKS_PORT} is in use; listening on a free port instead (give --hooks-port to choose one)`);
    return createWebhookSource({ ...options, listen: { ...where, port: 0 } });
  }
}
