import { condense, indexGraph } from '../graph/graph.ts';
import type { Playbook, PlaybookEdge, PlaybookNode } from '../format/playbook.ts';
import type { Condensation, GraphIndex } from '../graph/graph.ts';
import type { NodeRegistry, NodeTypeSpec } from '../node-type.ts';
import { didYouMean } from './problems.ts';
import type { Problem } from './problems.ts';
import { templatesOf } from './templates.ts';
import type { Template } from './templates.ts';

/** "Did you mean" hints cost a scan of all ids each; past this many they are left out. */
const MAX_HINTS = 50;

/** What every check reads: the playbook, its graph, and each node's spec when it is known. */
export interface CheckContext {
  playbook: Playbook;
  graph: GraphIndex;
  condensation: Condensation;
  registry: NodeRegistry | undefined;
  /** Spec of each entry of `playbook.nodes`, by index; undefined for unknown types. */
  specs: (NodeTypeSpec | undefined)[];
  /** Index in `playbook.nodes` of the first node with each id. */
  nodeIndex: Map<string, number>;
  edgeIndex: Map<PlaybookEdge, number>;
  /** Templates of each entry of `playbook.nodes`, by index. */
  templates: Template[][];
  problems: Problem[];
  hints: number;
}

/** Indexes the playbook once, so each check reads the graph, specs and templates without re-deriving them. */
export function createCheckContext(playbook: Playbook, registry: NodeRegistry | undefined): CheckContext {
  const graph = indexGraph(playbook);
  return {
    playbook,
    graph,
    condensation: condense(graph),
    registry,
    specs: playbook.nodes.map((node) => registry?.get(node.type)),
    nodeIndex: firstIndexById(playbook.nodes),
    edgeIndex: new Map(playbook.edges.map((edge, index) => [edge, index])),
    templates: playbook.nodes.map(templatesOf),
    problems: [],
    hints: 0,
  };
}

/** Adds a problem; an error unless the check says it is a warning. */
export function report(context: CheckContext, problem: Omit<Problem, 'severity'> & { severity?: Problem['severity'] }): void {
  context.problems.push({ severity: 'error', ...problem });
}

/** A "did you mean" for `word`, until the playbook's budget of hints is spent (then ''). */
export function hint(context: CheckContext, word: string, candidates: () => readonly string[]): string {
  if (context.hints >= MAX_HINTS) return '';
  context.hints++;
  return didYouMean(word, candidates());
}

/** The spec of the node with this id; undefined when there is no such node or its type is unknown. */
export function specOf(context: CheckContext, id: string): NodeTypeSpec | undefined {
  const index = context.nodeIndex.get(id);
  return index === undefined ? undefined : context.specs[index];
}

function firstIndexById(nodes: readonly PlaybookNode[]): Map<string, number> {
  const first = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (!first.has(node.id)) first.set(node.id, index);
  });
  return first;
}
