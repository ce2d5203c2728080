import { ancestorsOf, indexGraph } from '../../engine/graph/graph.ts';
import type { PlaybookNode } from '../../engine/format/playbook.ts';
import type { RunState } from '../../engine/run/types.ts';
import { isTriggerType } from '../store/catalogue-slice.ts';
import { toPlaybookEdge } from '../store/playbook-to-canvas.ts';
import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';
import { suggestionsFrom } from './expression-paths.ts';
import type { Suggestion } from './expression-paths.ts';

/** What completion reads from the store. */
export interface CompletionInput {
  nodes: readonly CanvasNode[];
  edges: readonly CanvasEdge[];
  run: RunState | undefined;
  actionsByType: Record<string, CatalogueItem>;
  vars: Record<string, unknown> | undefined;
}

function playbookNodes(nodes: readonly CanvasNode[]): PlaybookNode[] {
  const out: PlaybookNode[] = [];
  for (const node of nodes) if (node.type === 'playbook') out.push(node.data.node);
  return out;
}

/** The event a run of this playbook starts with: the shown run's, else the trigger's sample, else its example. */
export function triggerValue(nodes: readonly PlaybookNode[], run: RunState | undefined, actionsByType: Record<string, CatalogueItem>): unknown {
  if (run?.trigger !== undefined) return run.trigger;
  for (const node of nodes) {
    const item = actionsByType[node.type];
    if (!isTriggerType(node.type, item?.action)) continue;
    return node.params['sample'] ?? item?.action.example;
  }
  return undefined;
}

/**
 * The paths an expression on `nodeId` can use: the trigger event, the outputs of the nodes
 * upstream of it (nearest first; from the shown run when it has them, else each action's
 * example output), the playbook vars, and `item`/`index` inside a forEach.
 */
export function completionsFor(nodeId: string, input: CompletionInput): Suggestion[] {
  const nodes = playbookNodes(input.nodes);
  const edges = input.edges.map(toPlaybookEdge);
  const graph = indexGraph({ nodes, edges });
  const self = graph.nodes.get(nodeId);
  const trigger = triggerValue(nodes, input.run, input.actionsByType);
  const upstream = [...ancestorsOf(graph, nodeId)]
    .filter((id) => id !== nodeId)
    .map((id) => {
      const node = graph.nodes.get(id) as PlaybookNode;
      const recorded = input.run?.nodes[id]?.output;
      const fromRun = recorded !== undefined;
      const item = input.actionsByType[node.type];
      const expected = item?.action.kind === 'trigger' ? trigger : item?.action.example;
      return { id, name: node.name, output: fromRun ? recorded : expected, fromRun };
    });
  return suggestionsFrom({
    trigger,
    upstream,
    vars: input.vars ?? {},
    inForEach: self?.forEach !== undefined,
  });
}
