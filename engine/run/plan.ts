import type { Playbook, PlaybookEdge, PlaybookNode } from '../format/playbook.ts';
import type { NodeRegistry, NodeTypeSpec } from '../node-type.ts';
import { ExpressionError } from '../expressions/types.ts';
import { compileValue, isStaticValue, type CompiledValue } from '../expressions/template.ts';

/** A template compiled once per playbook, or the error that compiling it raised. */
export type Compiled = { ok: true; value: CompiledValue } | { ok: false; error: ExpressionError };

export interface PlannedNode {
  index: number;
  id: string;
  node: PlaybookNode;
  spec: NodeTypeSpec | undefined;
  /** Indices into `plan.edges`. */
  incoming: number[];
  outgoing: number[];
  join: 'any' | 'all';
  hasErrorEdge: boolean;
  /** The params the executor resolves before `run` (all but the spec's raw ones). */
  params: Compiled;
  /** The params handed to the node unresolved; undefined when the node type keeps none raw. */
  rawParams?: Record<string, unknown>;
  /**
   * Set when the params hold no template: they need no evaluation, and are validated once, here,
   * so no run writes into a plan that other runs share (`parsed` is absent only if parsing threw).
   */
  staticParams?: { value: unknown; parsed?: ParseResult };
  forEach?: Compiled;
}

/** The outcome of validating a node's params against its action's input schema. */
export type ParseResult = { success: true; data: unknown } | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };

/** The resolved params with the raw ones beside them, as the action's schema describes its input. */
export function withRawParams(node: PlannedNode, input: unknown): unknown {
  if (node.rawParams === undefined || typeof input !== 'object' || input === null) return input;
  return { ...input, ...node.rawParams };
}

/** A playbook indexed for execution: adjacency by position, templates compiled. */
export interface Plan {
  nodes: PlannedNode[];
  byId: Map<string, PlannedNode>;
  edges: PlaybookEdge[];
  /** `edgeTarget[i]` is the index of edge i's target node (-1 when dangling). */
  edgeTarget: number[];
  triggers: PlannedNode[];
}

function compile(value: unknown, path: string): Compiled {
  try {
    return { ok: true, value: compileValue(value, path) };
  } catch (err) {
    if (err instanceof ExpressionError) return { ok: false, error: err };
    throw err;
  }
}

function splitParams(node: PlaybookNode, spec: NodeTypeSpec | undefined): { resolved: Record<string, unknown>; raw?: Record<string, unknown> } {
  const rawKeys = spec?.rawParams;
  if (!rawKeys || rawKeys.length === 0) return { resolved: node.params };
  const resolved: Record<string, unknown> = {};
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.params)) (rawKeys.includes(key) ? raw : resolved)[key] = value;
  return { resolved, raw };
}

/**
 * Params without templates, validated while planning. A schema that throws is left to throw at run
 * time, where the node that holds it fails, as it would had it not been planned ahead.
 */
function staticParams(planned: PlannedNode, value: unknown): NonNullable<PlannedNode['staticParams']> {
  if (!planned.spec) return { value };
  try {
    return { value, parsed: planned.spec.input.safeParse(withRawParams(planned, value)) as ParseResult };
  } catch {
    return { value };
  }
}

function planNode(node: PlaybookNode, index: number, registry: NodeRegistry): PlannedNode {
  const spec = registry.get(node.type);
  const { resolved, raw } = splitParams(node, spec);
  const planned: PlannedNode = {
    index,
    id: node.id,
    node,
    spec,
    incoming: [],
    outgoing: [],
    join: node.join ?? 'any',
    hasErrorEdge: false,
    params: compile(resolved, 'params'),
  };
  if (raw !== undefined) planned.rawParams = raw;
  if (node.forEach !== undefined) planned.forEach = compile(node.forEach, 'forEach');
  if (planned.params.ok && isStaticValue(planned.params.value)) planned.staticParams = staticParams(planned, resolved);
  return planned;
}

/** Indexes a playbook for the executor. Linear in nodes + edges. */
export function buildPlan(playbook: Playbook, registry: NodeRegistry): Plan {
  const nodes = playbook.nodes.map((node, index) => planNode(node, index, registry));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edgeTarget: number[] = [];
  playbook.edges.forEach((edge, i) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    edgeTarget.push(to ? to.index : -1);
    if (!from || !to) return;
    from.outgoing.push(i);
    to.incoming.push(i);
    if (edge.port === 'error') from.hasErrorEdge = true;
  });
  const triggers = nodes.filter((n) => n.spec?.kind === 'trigger');
  return { nodes, byId, edges: playbook.edges, edgeTarget, triggers };
}

const plans = new WeakMap<Playbook, { registry: NodeRegistry; plan: Plan }>();

/** `buildPlan`, cached per playbook object: parse once, run many times. */
export function planFor(playbook: Playbook, registry: NodeRegistry): Plan {
  const cached = plans.get(playbook);
  if (cached && cached.registry === registry) return cached.plan;
  const plan = buildPlan(playbook, registry);
  plans.set(playbook, { registry, plan });
  return plan;
}
