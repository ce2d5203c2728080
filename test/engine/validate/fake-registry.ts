import * as z from 'zod';
import { PLAYBOOK_FORMAT, PlaybookSchema } from '../../../engine/format/playbook.ts';
import { ACTION_PORTS, createRegistry } from '../../../engine/node-type.ts';
import type { Playbook, PlaybookEdge, PlaybookNode } from '../../../engine/format/playbook.ts';
import type { NodeRegistry, NodeTypeSpec } from '../../../engine/node-type.ts';

/** The parts of a spec a test cares about; the rest get harmless defaults. */
type SpecInit = Pick<NodeTypeSpec, 'type' | 'kind' | 'input' | 'ports'> & Partial<NodeTypeSpec>;

function spec(init: SpecInit): NodeTypeSpec {
  const [connector = 'x', action = 'y'] = init.type.replace(/@\d+$/, '').split('.');
  return {
    connector,
    action,
    title: init.type,
    description: `test node ${init.type}`,
    category: 'test',
    effect: 'read',
    example: {},
    run: async () => ({}),
    ...init,
  };
}

/** A manual trigger: one port, no params. */
export const manualTrigger = spec({ type: 'core.manual@1', kind: 'trigger', input: z.object({}), ports: () => ['out'] });

/** A webhook trigger, for playbooks with two triggers. */
export const webhookTrigger = spec({ type: 'core.webhook@1', kind: 'trigger', input: z.object({}), ports: () => ['out'] });

/** An action with a required `url`, optional typed fields and unknown params refused. */
export const fetchAction = spec({
  type: 'acme.fetch@1',
  kind: 'action',
  input: z.strictObject({
    url: z.string().min(1),
    count: z.number().int().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.object({ query: z.string(), limit: z.number() }).optional(),
  }),
  ports: () => [...ACTION_PORTS],
});

/** An action that needs a virustotal credential. */
export const lookupAction = spec({
  type: 'virustotal.url_report@1',
  kind: 'action',
  input: z.object({ url: z.string() }),
  credentials: { connector: 'virustotal', required: true },
  ports: () => [...ACTION_PORTS],
});

/** A condition: true/false by its boolean `value`, plus error. */
export const condition = spec({
  type: 'core.condition@1',
  kind: 'action',
  input: z.object({ value: z.boolean() }),
  ports: () => ['true', 'false', 'error'],
});

/** A switch: one port per case name, then default and error. */
export const switchNode = spec({
  type: 'core.switch@1',
  kind: 'action',
  input: z.object({ value: z.string(), cases: z.array(z.string()).min(1) }),
  ports: (params) => [...(Array.isArray(params['cases']) ? params['cases'].map(String) : []), 'default', 'error'],
});

/** An action with no params at all. */
export const noop = spec({ type: 'core.noop@1', kind: 'action', input: z.object({}), ports: () => [...ACTION_PORTS] });

/** An IP check with a titled required field and a declared output: closed fields, nested, a list, and open parts. */
export const checkIpAction = spec({
  type: 'acme.check_ip@1',
  kind: 'action',
  input: z.strictObject({ ipAddress: z.union([z.ipv4(), z.ipv6()]).meta({ title: 'IP address' }), maxAge: z.number().optional() }),
  output: z.object({
    malicious: z.boolean(),
    score: z.number(),
    network: z.object({ isp: z.string(), asn: z.number().nullable() }).optional(),
    reports: z.array(z.object({ category: z.string(), reportedAt: z.string() })),
    raw: z.record(z.string(), z.unknown()),
    extra: z.looseObject({ note: z.string() }),
    anything: z.unknown(),
  }),
  ports: () => [...ACTION_PORTS],
});

/** A trigger whose event schema is declared (an alert with an id and an indicator). */
export const alertTrigger = spec({
  type: 'acme.alert@1',
  kind: 'trigger',
  input: z.object({ sample: z.record(z.string(), z.unknown()).optional() }),
  output: z.object({ alert: z.object({ id: z.string(), indicator: z.string(), severity: z.enum(['low', 'high']) }) }),
  ports: () => ['out'],
});

/** The registry every format and validation test uses. */
export const registry: NodeRegistry = createRegistry([
  manualTrigger,
  webhookTrigger,
  alertTrigger,
  fetchAction,
  lookupAction,
  checkIpAction,
  condition,
  switchNode,
  noop,
]);

type NodeInit = Partial<PlaybookNode> & Pick<PlaybookNode, 'id' | 'type'>;
type EdgeInit = [from: string, port: string, to: string] | PlaybookEdge;

/**
 * A schema-valid playbook from terse nodes and edges (`['a', 'out', 'b']`, ids e1, e2… given
 * in order), declaring the credential slots given (none by default).
 */
export function makePlaybook(init: { nodes: NodeInit[]; edges?: EdgeInit[]; credentials?: Playbook['credentials'] }): Playbook {
  return PlaybookSchema.parse({
    format: PLAYBOOK_FORMAT,
    id: 'test',
    name: 'Test',
    credentials: init.credentials ?? {},
    nodes: init.nodes.map((node) => ({ name: node.id, ...node })),
    edges: (init.edges ?? []).map((edge, index) =>
      Array.isArray(edge) ? { id: `e${index + 1}`, from: edge[0], port: edge[1], to: edge[2] } : edge,
    ),
  });
}
