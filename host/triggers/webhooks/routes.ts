import { compileExpression } from '../../../engine/expressions/expression.ts';
import type { CompiledExpression } from '../../../engine/expressions/expression.ts';
import { effectiveVerification, webhookInput } from '../../../nodes/core/trigger-webhook.ts';
import type { WebhookParams, WebhookVerification } from '../../../nodes/core/trigger-webhook.ts';
import type { LiveTrigger } from '../contract.ts';
import { firstParamsIssue } from '../../../engine/validate/problems.ts';

/** The node type the webhook source serves. */
export const WEBHOOK_TYPE = 'trigger.webhook@1';

/** One live webhook trigger as the listener routes it. */
export interface WebhookRoute {
  /** `<playbookId>/<triggerNodeId>`: the trigger's identity across syncs. */
  key: string;
  trigger: LiveTrigger;
  params: WebhookParams;
  verification: WebhookVerification;
  dedupe?: CompiledExpression;
}

/** A live trigger the listener cannot serve, and why (its health shows it red). */
export interface RefusedTrigger {
  key: string;
  trigger: LiveTrigger;
  path?: string;
  problem: string;
}

/** The identity of a trigger across syncs. */
function triggerKey(trigger: Pick<LiveTrigger, 'playbookId' | 'triggerNodeId'>): string {
  return `${trigger.playbookId}/${trigger.triggerNodeId}`;
}

/**
 * Which live webhook triggers get which path. Params are checked again (a published revision may
 * predate a rule); `none` is refused off loopback; a path claimed twice stays with the trigger that
 * held it before (`owners`), else the first by playbook id, and the other claimants are refused. Pure.
 */
export function planRoutes(
  triggers: readonly LiveTrigger[],
  owners: ReadonlyMap<string, string>,
  loopbackListener: boolean,
): { routes: Map<string, WebhookRoute>; refused: RefusedTrigger[] } {
  const routes = new Map<string, WebhookRoute>();
  const refused: RefusedTrigger[] = [];
  const candidates: WebhookRoute[] = [];
  for (const trigger of triggers) {
    if (trigger.type !== WEBHOOK_TYPE) continue;
    const key = triggerKey(trigger);
    const parsed = webhookInput.safeParse(trigger.params);
    if (!parsed.success) {
      refused.push({ key, trigger, problem: firstParamsIssue(parsed.error.issues) });
      continue;
    }
    const params = parsed.data;
    const verification = effectiveVerification(params);
    if (verification.type === 'none' && !loopbackListener) {
      refused.push({ key, trigger, path: params.path, problem: 'verification none is allowed on a loopback listener only' });
      continue;
    }
    const route: WebhookRoute = { key, trigger, params, verification };
    if (params.dedupeKey !== undefined) route.dedupe = compileExpression(params.dedupeKey, 'dedupeKey');
    candidates.push(route);
  }
  const rank = (route: WebhookRoute) => (owners.get(route.params.path) === route.key ? 0 : 1);
  candidates.sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
  for (const route of candidates) {
    const holder = routes.get(route.params.path);
    if (holder === undefined) {
      routes.set(route.params.path, route);
      continue;
    }
    refused.push({
      key: route.key,
      trigger: route.trigger,
      path: route.params.path,
      problem: `path ${route.params.path} is already used by playbook ${holder.trigger.playbookId} (node ${holder.trigger.triggerNodeId}); give this trigger another path`,
    });
  }
  return { routes, refused };
}
