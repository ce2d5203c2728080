import { PlaybookSchema } from '../engine/format/playbook.ts';
import type { Playbook } from '../engine/format/playbook.ts';

interface RawNode {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
  join?: 'any' | 'all';
}

interface RawEdge {
  id: string;
  from: string;
  port: string;
  to: string;
}

/** Node id of the trigger every benchmark playbook starts from. */
export const TRIGGER_ID = 'start';

const trigger: RawNode = { id: TRIGGER_ID, type: 'trigger.manual@1', name: 'Start', params: {} };

/** The small object each `core.set` node (and each baseline step) builds. */
export function stepValues(step: number): { step: number; ok: boolean } {
  return { step, ok: true };
}

/** Parses through the real schema, so the benchmarks run exactly what a file on disk would give. */
function playbook(id: string, nodes: RawNode[], edges: RawEdge[]): Playbook {
  return PlaybookSchema.parse({
    format: 'switchboard/playbook@1',
    id,
    name: id,
    nodes,
    edges,
  });
}

/** Keeps edge ids unique and short while a generator wires nodes. */
function edgeWriter(): { edges: RawEdge[]; link(from: string, to: string, port?: string): void } {
  const edges: RawEdge[] = [];
  return {
    edges,
    link(from, to, port = 'out') {
      edges.push({ id: `e${edges.length + 1}`, from, port, to });
    },
  };
}

/** Trigger → set_1 → … → set_n: the per-node overhead chain. */
export function setChain(length: number): Playbook {
  const nodes: RawNode[] = [trigger];
  const { edges, link } = edgeWriter();
  let previous = TRIGGER_ID;
  for (let i = 1; i <= length; i++) {
    const id = `set_${i}`;
    nodes.push({ id, type: 'core.set@1', name: `Set ${i}`, params: { values: stepValues(i) } });
    link(previous, id);
    previous = id;
  }
  return playbook(`bench-set-chain-${length}`, nodes, edges);
}

/** The URL the i-th HTTP node (and the i-th baseline request) calls. */
export function indicatorUrl(baseUrl: string, i: number): string {
  return `${baseUrl}/api/v3/indicators/${i}`;
}

/** Trigger → http_1 → … → http_n, each a GET to the loopback server. */
export function httpChain(length: number, baseUrl: string): Playbook {
  const nodes: RawNode[] = [trigger];
  const { edges, link } = edgeWriter();
  let previous = TRIGGER_ID;
  for (let i = 1; i <= length; i++) {
    const id = `http_${i}`;
    nodes.push({ id, type: 'core.http@1', name: `Lookup ${i}`, params: { method: 'GET', url: indicatorUrl(baseUrl, i) } });
    link(previous, id);
    previous = id;
  }
  return playbook(`bench-http-chain-${length}`, nodes, edges);
}

/** Trigger → http_1 … http_n in parallel → one `core.set` joined with `join: "all"`. */
export function httpFanOut(width: number, baseUrl: string): Playbook {
  const nodes: RawNode[] = [trigger];
  const { edges, link } = edgeWriter();
  for (let i = 1; i <= width; i++) {
    const id = `http_${i}`;
    nodes.push({ id, type: 'core.http@1', name: `Lookup ${i}`, params: { method: 'GET', url: indicatorUrl(baseUrl, i) } });
    link(TRIGGER_ID, id);
    link(id, 'collect');
  }
  nodes.push({ id: 'collect', type: 'core.set@1', name: 'Collect', params: { values: { done: true } }, join: 'all' });
  return playbook(`bench-http-fan-out-${width}`, nodes, edges);
}

/** The trigger event of the lattice: its score decides which branch each diamond takes. */
export const LATTICE_EVENT = { score: 50 };

/** Whether diamond `i` takes its `true` branch for `LATTICE_EVENT` (mirrors the condition). */
export function latticeBranch(i: number, event: { score: number } = LATTICE_EVENT): boolean {
  return event.score > i % 100;
}

/**
 * `size` diamonds in a chain: cond_i → (yes_i | no_i) → merge_i (`join: "any"`) → cond_i+1.
 * About half of the conditions go each way, so dead-path elimination runs on both sides.
 */
export function diamondLattice(size: number): Playbook {
  const nodes: RawNode[] = [trigger];
  const { edges, link } = edgeWriter();
  let previous = TRIGGER_ID;
  for (let i = 1; i <= size; i++) {
    const cond = `cond_${i}`;
    const yes = `yes_${i}`;
    const no = `no_${i}`;
    const merge = `merge_${i}`;
    nodes.push(
      { id: cond, type: 'core.condition@1', name: `Check ${i}`, params: { condition: `{{ trigger.score > ${i % 100} }}` } },
      { id: yes, type: 'core.set@1', name: `Yes ${i}`, params: { values: { branch: 'yes' } } },
      { id: no, type: 'core.set@1', name: `No ${i}`, params: { values: { branch: 'no' } } },
      { id: merge, type: 'core.set@1', name: `Merge ${i}`, params: { values: stepValues(i) }, join: 'any' },
    );
    link(previous, cond);
    link(cond, yes, 'true');
    link(cond, no, 'false');
    link(yes, merge);
    link(no, merge);
    previous = merge;
  }
  return playbook(`bench-diamond-lattice-${size}`, nodes, edges);
}
