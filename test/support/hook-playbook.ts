import { chainPlaybook } from './chain-playbook.ts';

/** A playbook started by a webhook on `hookPath` (no verification: loopback tests), then one set node. */
export function hookPlaybook(id: string, hookPath = id) {
  return chainPlaybook(
    id,
    [
      { id: 'hook', type: 'trigger.webhook@1', params: { path: hookPath, verification: { type: 'none' } } },
      { id: 'note', type: 'core.set@1', params: { values: { got: '{{ trigger.body }}' } } },
    ],
    {},
    [{ from: 'hook', port: 'out', to: 'note' }],
  );
}
