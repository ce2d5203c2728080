/** One node of a test playbook: its id doubles as its name. */
type NodeSpec = { id: string; type: string; params?: Record<string, unknown>; credential?: string };

/** A playbook whose nodes run in a chain along `out` edges (or the given edges). */
export function chainPlaybook(id: string, nodes: NodeSpec[], extra: Record<string, unknown> = {}, edges?: { from: string; port: string; to: string }[]) {
  const wired = edges ?? nodes.slice(1).map((node, i) => ({ from: nodes[i]!.id, port: 'out', to: node.id }));
  return {
    format: 'switchboard/playbook@1',
    id,
    name: id,
    nodes: nodes.map((n) => ({ id: n.id, type: n.type, name: n.id, params: n.params ?? {}, ...(n.credential ? { credential: n.credential } : {}) })),
    edges: wired.map((e, i) => ({ id: `e${i + 1}`, ...e })),
    ...extra,
  };
}

/** trigger → set → set, the smallest playbook that exercises data flow. */
export const TINY = chainPlaybook('tiny', [
  { id: 'start', type: 'trigger.manual@1', params: { sample: { ip: '10.0.0.1' } } },
  { id: 'first', type: 'core.set@1', params: { values: { ip: '{{ trigger.ip }}' } } },
  { id: 'second', type: 'core.set@1', params: { values: { seen: '{{ nodes.first.output.ip }}' } } },
]);
