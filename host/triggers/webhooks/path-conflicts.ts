import type { Playbook } from '../../../engine/format/playbook.ts';
import { formatPath, type Problem } from '../../../engine/validate/problems.ts';
import type { LiveTrigger } from '../contract.ts';

/** The code of a webhook path another playbook's live trigger already answers on. */
export const WEBHOOK_PATH_TAKEN = 'WEBHOOK_PATH_TAKEN';

const isWebhook = (type: string) => type.startsWith('trigger.webhook@');

/**
 * One error per webhook trigger of `playbook` whose path a live trigger of another playbook
 * already holds: the listener answers each path for one trigger only, so the editor says so
 * before publishing, and enabling or publishing such a playbook is refused.
 */
export function webhookPathProblems(playbook: Pick<Playbook, 'id' | 'nodes'>, live: readonly LiveTrigger[]): Problem[] {
  const holders = new Map<string, LiveTrigger>();
  for (const trigger of live) {
    if (trigger.playbookId !== playbook.id && isWebhook(trigger.type) && typeof trigger.params.path === 'string') holders.set(trigger.params.path, trigger);
  }
  const problems: Problem[] = [];
  playbook.nodes.forEach((node, index) => {
    const path = node.params.path;
    if (!isWebhook(node.type) || typeof path !== 'string') return;
    const holder = holders.get(path);
    if (holder === undefined) return;
    problems.push({
      severity: 'error',
      code: WEBHOOK_PATH_TAKEN,
      message: `webhook path "${path}" is already used by playbook ${holder.playbookId} (node ${holder.triggerNodeId}); choose another path`,
      nodeId: node.id,
      path: formatPath(['nodes', index, 'params', 'path']),
    });
  });
  return problems;
}
