import type { Playbook, PlaybookEdge, PlaybookNode } from '../format/playbook.ts';

/**
 * Adjacency of a playbook, built once so that every question the validator, executor and
 * editor ask (what feeds this node, what runs after it, is there a loop) costs linear time.
 */
export interface GraphIndex {
  /** Node ids in file order; a duplicated id appears once, at its first place. */
  readonly ids: readonly string[];
  /** Each id's place in `ids`. */
  readonly position: ReadonlyMap<string, number>;
  /** Each id's node (its first occurrence when ids are duplicated). */
  readonly nodes: ReadonlyMap<string, PlaybookNode>;
  /** Edges leaving each node, in file order; only edges whose two ends exist are indexed. */
  readonly outgoing: ReadonlyMap<string, readonly PlaybookEdge[]>;
  /** Edges entering each node, in file order; only edges whose two ends exist are indexed. */
  readonly incoming: ReadonlyMap<string, readonly PlaybookEdge[]>;
  /** `outgoing` by position: the positions of the edges' targets, for the integer algorithms. */
  readonly successors: readonly (readonly number[])[];
}

/** A loop: `nodes` reads `a → b → a` (first and last are the same) and `edge` closes it. */
export interface Cycle {
  nodes: string[];
  edge: PlaybookEdge;
}

/**
 * Strongly connected components numbered in topological order: an edge never goes from a higher
 * component to a lower one, which is what lets reachability be answered in one sweep.
 */
export interface Condensation {
  /** Component number of each node id. */
  readonly componentOf: ReadonlyMap<string, number>;
  /** Members of each component, in file order. */
  readonly components: readonly (readonly string[])[];
  /** Whether each component holds a loop (two or more nodes, or a node with an edge to itself). */
  readonly cyclic: readonly boolean[];
  /** Distinct components each component has edges to (edges inside a component left out). */
  readonly next: readonly (readonly number[])[];
}

/** Indexes the nodes and edges of a playbook; edges with a missing end are left out. */
export function indexGraph(playbook: Pick<Playbook, 'nodes' | 'edges'>): GraphIndex {
  const ids: string[] = [];
  const position = new Map<string, number>();
  const nodes = new Map<string, PlaybookNode>();
  const outgoing = new Map<string, PlaybookEdge[]>();
  const incoming = new Map<string, PlaybookEdge[]>();
  const successors: number[][] = [];
  for (const node of playbook.nodes) {
    if (nodes.has(node.id)) continue;
    position.set(node.id, ids.length);
    ids.push(node.id);
    nodes.set(node.id, node);
    outgoing.set(node.id, []);
    incoming.set(node.id, []);
    successors.push([]);
  }
  for (const edge of playbook.edges) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (from === undefined || to === undefined) continue;
    outgoing.get(edge.from)?.push(edge);
    incoming.get(edge.to)?.push(edge);
    successors[from]?.push(to);
  }
  return { ids, position, nodes, outgoing, incoming, successors };
}

/** Every node reachable from `starts` along edges, the starts included. */
export function reachableFrom(graph: GraphIndex, starts: Iterable<string>): Set<string> {
  const queue = [...new Set(starts)].filter((id) => graph.nodes.has(id));
  return walk(queue, new Set(queue), graph.outgoing, 'to');
}

/** Nodes that run after `id` (reachable from it); `id` itself only when it sits on a loop. */
export function descendantsOf(graph: GraphIndex, id: string): Set<string> {
  const first = [...new Set((graph.outgoing.get(id) ?? []).map((edge) => edge.to))];
  return walk(first, new Set(first), graph.outgoing, 'to');
}

/** Nodes that feed `id` (it is reachable from them); `id` itself only when it sits on a loop. */
export function ancestorsOf(graph: GraphIndex, id: string): Set<string> {
  const first = [...new Set((graph.incoming.get(id) ?? []).map((edge) => edge.from))];
  return walk(first, new Set(first), graph.incoming, 'from');
}

/** Breadth-first search from `queue` (already in `seen`), following edges to their `end`. */
function walk(
  queue: string[],
  seen: Set<string>,
  edges: ReadonlyMap<string, readonly PlaybookEdge[]>,
  end: 'from' | 'to',
): Set<string> {
  for (let head = 0; head < queue.length; head++) {
    for (const edge of edges.get(queue[head] as string) ?? []) {
      const id = edge[end];
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return seen;
}

/** Tarjan's algorithm on integer positions and without recursion, so no chain overflows the stack. */
export function condense(graph: GraphIndex): Condensation {
  const { ids, successors } = graph;
  const count = ids.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack = new Int32Array(count);
  const workNode = new Int32Array(count);
  const workNext = new Int32Array(count);
  const found = new Int32Array(count);
  let stackSize = 0;
  let foundCount = 0;
  let counter = 0;
  let depth = 0;
  const enter = (node: number): void => {
    order[node] = low[node] = counter++;
    stack[stackSize++] = node;
    onStack[node] = 1;
    workNode[depth] = node;
    workNext[depth++] = 0;
  };

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (depth > 0) {
      const node = workNode[depth - 1] as number;
      const edges = successors[node] as readonly number[];
      const at = workNext[depth - 1] as number;
      if (at < edges.length) {
        workNext[depth - 1] = at + 1;
        const to = edges[at] as number;
        if (order[to] === -1) enter(to);
        else if (onStack[to] === 1) low[node] = Math.min(low[node] as number, order[to] as number);
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = workNode[depth - 1] as number;
        low[parent] = Math.min(low[parent] as number, low[node] as number);
      }
      if (low[node] !== order[node]) continue;
      let member: number;
      do {
        member = stack[--stackSize] as number;
        onStack[member] = 0;
        found[member] = foundCount;
      } while (member !== node);
      foundCount++;
    }
  }
  return condensationOf(graph, found, foundCount);
}

/** Renumbers Tarjan's components (found sinks first) into topological order and describes them. */
function condensationOf(graph: GraphIndex, found: Int32Array, total: number): Condensation {
  const component = (position: number): number => total - 1 - (found[position] as number);
  const componentOf = new Map<string, number>();
  const components: string[][] = Array.from({ length: total }, () => []);
  const cyclic: boolean[] = new Array<boolean>(total).fill(false);
  graph.ids.forEach((id, position) => {
    const own = component(position);
    componentOf.set(id, own);
    components[own]?.push(id);
  });
  const next: number[][] = Array.from({ length: total }, () => []);
  const lastAdded = new Int32Array(total).fill(-1);
  components.forEach((members, own) => {
    if (members.length > 1) cyclic[own] = true;
    for (const id of members) {
      for (const to of graph.successors[graph.position.get(id) as number] ?? []) {
        const target = component(to);
        if (target === own) cyclic[own] = true;
        else if (lastAdded[target] !== own) {
          lastAdded[target] = own;
          next[own]?.push(target);
        }
      }
    }
  });
  return { componentOf, components, cyclic, next };
}

/**
 * One loop per strongly connected component that has one, in file order of their first node,
 * each named from that node round to itself with the edge that closes it.
 */
export function findCycles(graph: GraphIndex, condensation: Condensation = condense(graph)): Cycle[] {
  const cycles: Cycle[] = [];
  condensation.components.forEach((members, component) => {
    if (!condensation.cyclic[component]) return;
    const cycle = loopWithin(graph, members[0] as string, (id) => condensation.componentOf.get(id) === component);
    if (cycle !== undefined) cycles.push(cycle);
  });
  const at = (cycle: Cycle): number => graph.position.get(cycle.nodes[0] as string) as number;
  return cycles.sort((a, b) => at(a) - at(b));
}

/** The first loop of the playbook, or undefined when it is a DAG. */
export function findCycle(graph: GraphIndex): Cycle | undefined {
  return findCycles(graph)[0];
}

/** Depth-first search inside one component until an edge returns to the current path. */
function loopWithin(graph: GraphIndex, start: string, inside: (id: string) => boolean): Cycle | undefined {
  const path: string[] = [start];
  const onPath = new Map<string, number>([[start, 0]]);
  const visited = new Set<string>([start]);
  const next: number[] = [0];
  while (path.length > 0) {
    const depth = path.length - 1;
    const id = path[depth] as string;
    const edges = graph.outgoing.get(id) ?? [];
    const at = next[depth] as number;
    if (at >= edges.length) {
      path.pop();
      next.pop();
      onPath.delete(id);
      continue;
    }
    next[depth] = at + 1;
    const edge = edges[at] as PlaybookEdge;
    if (!inside(edge.to)) continue;
    const back = onPath.get(edge.to);
    if (back !== undefined) return { nodes: [...path.slice(back), edge.to], edge };
    if (visited.has(edge.to)) continue;
    visited.add(edge.to);
    onPath.set(edge.to, path.length);
    path.push(edge.to);
    next.push(0);
  }
  return undefined;
}

/** Most bitset words per component in one pass of `areAncestors` (1,024 ancestors, 128 bytes each). */
const WORDS_PER_PASS = 32;

interface OpenPair {
  index: number;
  from: number;
  to: number;
}

/**
 * Answers many "does `ancestor` run before `node`" questions at once, exactly. Same-loop,
 * wrong-order and direct-edge pairs are settled at once; for the rest each component gets a
 * bitset of the asked-about ancestors upstream of it, filled in one topological sweep per 1,024
 * of them: O((nodes + edges) × distinct ancestors / 32) at worst.
 */
export function areAncestors(
  graph: GraphIndex,
  pairs: readonly (readonly [ancestor: string, node: string])[],
  condensation: Condensation = condense(graph),
): boolean[] {
  const { componentOf, cyclic, next } = condensation;
  const answers: boolean[] = [];
  const open: OpenPair[] = [];
  pairs.forEach(([ancestor, node], index) => {
    const from = componentOf.get(ancestor);
    const to = componentOf.get(node);
    if (from === undefined || to === undefined || from > to) answers.push(false);
    else if (from === to) answers.push(cyclic[from] === true);
    else if (isDirectSuccessor(next[from] as readonly number[], to)) answers.push(true);
    else {
      answers.push(false);
      open.push({ index, from, to });
    }
  });
  if (open.length > 0) settleByBitsets(open, next, answers);
  return answers;
}

/** The common case of a node reading the one just before it; only looked up for small fan-outs. */
function isDirectSuccessor(successors: readonly number[], component: number): boolean {
  return successors.length <= 16 && successors.includes(component);
}

/** The bitset sweep of `areAncestors`, for the pairs no shortcut settled. */
function settleByBitsets(open: readonly OpenPair[], next: readonly (readonly number[])[], answers: boolean[]): void {
  const targets = new Map<number, number>();
  for (const pair of open) if (!targets.has(pair.from)) targets.set(pair.from, targets.size);
  const words = Math.min(WORDS_PER_PASS, Math.ceil(targets.size / 32));
  const bitsPerPass = words * 32;
  for (let first = 0; first < targets.size; first += bitsPerPass) {
    const bits = new Uint32Array(next.length * words);
    for (let component = 0; component < next.length; component++) {
      const own = (targets.get(component) ?? -1) - first;
      const base = component * words;
      for (const successor of next[component] as readonly number[]) {
        const into = successor * words;
        for (let word = 0; word < words; word++) bits[into + word] = (bits[into + word] as number) | (bits[base + word] as number);
        if (own >= 0 && own < bitsPerPass) bits[into + (own >>> 5)] = (bits[into + (own >>> 5)] as number) | (1 << (own & 31));
      }
    }
    for (const { index, from, to } of open) {
      const bit = (targets.get(from) as number) - first;
      if (bit < 0 || bit >= bitsPerPass) continue;
      answers[index] = ((bits[to * words + (bit >>> 5)] as number) & (1 << (bit & 31))) !== 0;
    }
  }
}
