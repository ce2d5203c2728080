import { ancestorsOf, indexGraph } from '../../engine/graph/graph.ts';
import type { PlaybookNode } from '../../engine/format/playbook.ts';
import { isTriggerType, portsOf } from '../store/catalogue-slice.ts';
import { toPlaybookEdge } from '../store/playbook-to-canvas.ts';
import type { CanvasEdge, CanvasNode, CatalogueItem } from '../store/types.ts';

/** What a connection rule looks at: the canvas as it is and the catalogue for ports and triggers. */
export interface ConnectionGraph {
  nodes: readonly CanvasNode[];
  edges: readonly CanvasEdge[];
  actionsByType: Readonly<Record<string, CatalogueItem>>;
}

/** One end of a drag: a node and the kind of handle it was on (`source` = an output port). */
export interface ConnectionEnd {
  nodeId: string;
  handleType: 'source' | 'target';
  /** The output port's name when `handleType` is `source`. */
  port?: string | null;
}

/** A connection from an output port into a node's input, as React Flow hands it over. */
export interface ConnectionAsked {
  source: string;
  sourceHandle?: string | null;
  target: string;
}

type PlaybookCanvasNode = Extract<CanvasNode, { type: 'playbook' }>;

/**
 * Why the connection source → target is refused, as one sentence naming both nodes
 * ("Can't connect: Check IP → Suspicious login is into a trigger…"), or undefined when it is
 * allowed. Loops are refused here because the validator refuses them too (PLAYBOOK_CYCLE).
 */
export function connectionRefusal(graph: ConnectionGraph, connection: ConnectionAsked): string | undefined {
  return refusal(graph, connection, () => feedersOf(graph, connection.source));
}

/** `feeders` yields the nodes that already lead to the source; it is only called when needed. */
function refusal(graph: ConnectionGraph, connection: ConnectionAsked, feeders: () => ReadonlySet<string>): string | undefined {
  const source = graph.nodes.find((node) => node.id === connection.source);
  const target = graph.nodes.find((node) => node.id === connection.target);
  if (source?.type !== 'playbook' || target?.type !== 'playbook') return "Can't connect: connections join two playbook nodes, not notes.";
  const from = source.data.node.name;
  const to = target.data.node.name;
  if (source.id === target.id) return `Can't connect: ${from} → ${to}: a node cannot connect to itself.`;
  const port = connection.sourceHandle ?? '';
  if (!portsOf(graph.actionsByType[source.data.node.type]?.action, source.data.node.params).includes(port)) {
    return `Can't connect: ${from} has no output port "${port}".`;
  }
  if (isTrigger(graph, target)) return `Can't connect: ${from} → ${to} is into a trigger; runs start at a trigger, nothing connects into it.`;
  if (graph.edges.some((edge) => edge.source === source.id && edge.target === target.id && (edge.sourceHandle ?? edge.data?.port) === port)) {
    return `Can't connect: ${from} already connects to ${to} from "${port}".`;
  }
  if (feeders().has(target.id)) return `Can't connect: ${from} → ${to} would make a loop (${to} already leads to ${from}).`;
  return undefined;
}

/**
 * Why a drag between two handles is refused, including the drags React Flow stops before asking
 * (output onto output, input onto input); the ends may be given in either order.
 */
export function dragRefusal(graph: ConnectionGraph, from: ConnectionEnd, to: ConnectionEnd): string | undefined {
  if (from.handleType === to.handleType) {
    const kind = from.handleType === 'source' ? 'two outputs' : 'two inputs';
    const how = from.handleType === 'source' ? 'drag from an output port onto an input' : 'drag from an input onto an output port';
    return `Can't connect: ${nameOf(graph, from.nodeId)} → ${nameOf(graph, to.nodeId)} joins ${kind}; ${how}.`;
  }
  const [source, target] = from.handleType === 'source' ? [from, to] : [to, from];
  return connectionRefusal(graph, { source: source.nodeId, sourceHandle: source.port, target: target.nodeId });
}

/** The nodes `source`'s port may connect to, in canvas order: the Connect… dialog's list. */
export function connectableTargets(graph: ConnectionGraph, source: string, port: string): PlaybookNode[] {
  let feeders: ReadonlySet<string> | undefined;
  const feedersOnce = () => (feeders ??= feedersOf(graph, source));
  return graph.nodes
    .filter((node): node is PlaybookCanvasNode => node.type === 'playbook')
    .filter((node) => refusal(graph, { source, sourceHandle: port, target: node.id }, feedersOnce) === undefined)
    .map((node) => node.data.node);
}

/** The output ports of a node, in the order it draws them (empty for a note or an unknown id). */
export function outputPortsOf(graph: ConnectionGraph, nodeId: string): readonly string[] {
  const node = graph.nodes.find((candidate) => candidate.id === nodeId);
  if (node?.type !== 'playbook') return [];
  return portsOf(graph.actionsByType[node.data.node.type]?.action, node.data.node.params);
}

function isTrigger(graph: ConnectionGraph, node: PlaybookCanvasNode): boolean {
  return isTriggerType(node.data.node.type, graph.actionsByType[node.data.node.type]?.action);
}

/**
 * Feeders by edges array: React Flow asks isValidConnection on every pointer move near a handle,
 * and at 5,000 nodes one walk costs about 7 ms. Ancestry depends on the edges alone (a node with
 * no edge changes nothing), and the graph slice never mutates an edges array, so it is the key.
 */
const feedersByEdges = new WeakMap<readonly CanvasEdge[], Map<string, ReadonlySet<string>>>();

/** The nodes from which a path of edges already runs to `nodeId`: an edge from it into any of them closes a loop. */
function feedersOf(graph: ConnectionGraph, nodeId: string): ReadonlySet<string> {
  let known = feedersByEdges.get(graph.edges);
  if (known === undefined) {
    known = new Map();
    feedersByEdges.set(graph.edges, known);
  }
  let feeders = known.get(nodeId);
  if (feeders === undefined) {
    const playbookNodes = graph.nodes.filter((node): node is PlaybookCanvasNode => node.type === 'playbook').map((node) => node.data.node);
    feeders = ancestorsOf(indexGraph({ nodes: playbookNodes, edges: graph.edges.map(toPlaybookEdge) }), nodeId);
    known.set(nodeId, feeders);
  }
  return feeders;
}

function nameOf(graph: ConnectionGraph, nodeId: string): string {
  const node = graph.nodes.find((candidate) => candidate.id === nodeId);
  return node?.type === 'playbook' ? node.data.node.name : 'a note';
}
