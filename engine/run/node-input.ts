import { NodeError } from '../errors.ts';
import type { PlannedNode } from './plan.ts';
import type { RunServices } from './run-services.ts';

/** The node's resolved params (or forEach list); synchronous when there is nothing to evaluate. */
export function resolveInput(node: PlannedNode, services: RunServices): ResolvedInput | Promise<ResolvedInput> {
  if (!node.forEach && node.staticParams) return { ok: true, input: node.staticParams.value };
  return evaluateInput(node, services);
}

async function evaluateInput(node: PlannedNode, services: RunServices): Promise<ResolvedInput> {
  try {
    if (node.forEach) {
      const list = await services.evaluate(node.forEach);
      if (!Array.isArray(list)) {
        const kind = list === null || list === undefined ? 'nothing' : typeof list;
        return { ok: false, error: new NodeError('INVALID_INPUT', `forEach must yield a list; it yielded ${kind}`) };
      }
      return { ok: true, input: { items: list }, items: list };
    }
    return { ok: true, input: await services.evaluate(node.params) };
  } catch (err) {
    return { ok: false, error: new NodeError('EXPRESSION', err instanceof Error ? err.message : String(err)) };
  }
}

/** A ready node's input: its resolved params (and forEach list), or why they could not be had. */
export type ResolvedInput = { ok: true; input: unknown; items?: unknown[] } | { ok: false; error: NodeError };
