import { PlaybookSchema } from '../engine/format/playbook.ts';
import type { Playbook, PlaybookEdge, PlaybookNode } from '../engine/format/playbook.ts';

/**
 * The playbooks the canvas benchmarks open: a trigger followed by repeated triage modules, each
 * the shape analysts build by hand (a fan-out of lookups joined into a verdict, a condition, a
 * containment chain with an error path, a switch with an approval, tickets, a merge), wired one
 * after the other and laid out left to right the way auto-layout and the shipped playbooks do.
 * Every node type is a real one with valid parameters, so the canvas shows no problem markers
 * and the host validates the file as it would a user's.
 */

/** Grid of the layout: the shipped playbooks' column pitch, a row a little taller than a node. */
export const LAYOUT = { column: 260, row: 130, moduleColumns: 9, moduleRows: 5, modulesPerRow: 4, gapX: 260, gapY: 160 } as const;

interface Slot {
  /** Suffix of the node id inside a module. */
  key: string;
  type: string;
  name: string;
  col: number;
  row: number;
  credential?: string;
  join?: 'any' | 'all';
  params(m: number, id: (key: string) => string): Record<string, unknown>;
}

/** One triage module (17 nodes); `id(key)` is the id of a node of the same module. */
const MODULE: readonly Slot[] = [
  { key: 'ingest', type: 'core.set@1', name: 'Normalise alert', col: 0, row: 2, params: (m) => ({ values: { module: m, ip: '{{ trigger.src }}', user: '{{ trigger.user }}', host: '{{ trigger.dest }}' } }) },
  { key: 'vt', type: 'virustotal.ip_report@1', name: 'VirusTotal IP report', col: 1, row: 1, credential: 'virustotal', params: () => ({ ip: '{{ trigger.src }}' }) },
  { key: 'abuse', type: 'abuseipdb.check_ip@1', name: 'AbuseIPDB check', col: 1, row: 2, credential: 'abuseipdb', params: () => ({ ipAddress: '{{ trigger.src }}', maxAgeInDays: 90 }) },
  { key: 'misp', type: 'misp.search_attributes@1', name: 'MISP lookup', col: 1, row: 3, credential: 'misp', params: () => ({ value: '{{ trigger.src }}', limit: 10 }) },
  {
    key: 'verdict',
    type: 'core.set@1',
    name: 'Verdict',
    col: 2,
    row: 2,
    join: 'all',
    params: (_m, id) => ({ values: { malicious: `{{ nodes.${id('vt')}.output.malicious or nodes.${id('abuse')}.output.abuseConfidenceScore > 75 }}`, misp: `{{ nodes.${id('misp')}.status }}` } }),
  },
  { key: 'decide', type: 'core.condition@1', name: 'Malicious?', col: 3, row: 2, params: (_m, id) => ({ condition: `{{ nodes.${id('verdict')}.output.malicious }}` }) },
  { key: 'block', type: 'panos.block_ip@1', name: 'Block source IP', col: 4, row: 1, credential: 'panos', params: () => ({ ip: '{{ trigger.src }}', description: 'Switchboard: blocked after triage' }) },
  { key: 'commit', type: 'panos.commit@1', name: 'Commit firewall', col: 5, row: 1, credential: 'panos', params: () => ({ description: 'Switchboard: block {{ trigger.src }}' }) },
  { key: 'notify', type: 'slack.post_message@1', name: 'Block failed notice', col: 5, row: 0, credential: 'slack', params: () => ({ channel: '#soc-alerts', text: 'Firewall block failed for {{ trigger.src }}' }) },
  { key: 'contain', type: 'crowdstrike.contain_host@1', name: 'Contain host', col: 6, row: 1, credential: 'crowdstrike', params: () => ({ ids: ['{{ trigger.device_id }}'] }) },
  {
    key: 'ticket',
    type: 'jira.create_issue@1',
    name: 'Incident ticket',
    col: 7,
    row: 1,
    credential: 'jira',
    params: () => ({ project: 'SEC', issuetype: 'Incident', priority: 'High', summary: 'Confirmed malicious activity from {{ trigger.src }}' }),
  },
  { key: 'severity', type: 'core.switch@1', name: 'Route by severity', col: 4, row: 3, params: () => ({ value: '{{ trigger.severity }}', cases: ['high', 'medium'] }) },
  { key: 'close', type: 'splunk.update_notable@1', name: 'Close notable', col: 5, row: 2, credential: 'splunk', params: () => ({ ruleUIDs: '{{ trigger.event_id }}', status: 'closed', comment: 'Benign' }) },
  { key: 'approval', type: 'core.approval@1', name: 'Approve suspension', col: 5, row: 3, params: () => ({ prompt: 'Suspend {{ trigger.user }}?', expiresInMinutes: 60 }) },
  { key: 'suspend', type: 'okta.suspend_user@1', name: 'Suspend user', col: 6, row: 3, credential: 'okta', params: () => ({ userId: '{{ trigger.user }}' }) },
  {
    key: 'case',
    type: 'thehive.create_case@1',
    name: 'Open case',
    col: 5,
    row: 4,
    credential: 'thehive',
    params: () => ({ title: 'Review activity of {{ trigger.user }}', description: 'Medium-severity alert from {{ trigger.src }}', severity: 2 }),
  },
  { key: 'done', type: 'core.set@1', name: 'Outcome', col: 8, row: 2, join: 'any', params: (m) => ({ values: { module: m, done: true } }) },
];

/** Edges inside a module: [from key, port, to key]. */
const MODULE_EDGES: readonly [string, string, string][] = [
  ['ingest', 'out', 'vt'],
  ['ingest', 'out', 'abuse'],
  ['ingest', 'out', 'misp'],
  ['vt', 'out', 'verdict'],
  ['abuse', 'out', 'verdict'],
  ['misp', 'out', 'verdict'],
  ['verdict', 'out', 'decide'],
  ['decide', 'true', 'block'],
  ['decide', 'false', 'severity'],
  ['block', 'out', 'commit'],
  ['block', 'error', 'notify'],
  ['commit', 'out', 'contain'],
  ['contain', 'out', 'ticket'],
  ['severity', 'high', 'approval'],
  ['severity', 'medium', 'case'],
  ['severity', 'default', 'close'],
  ['approval', 'approved', 'suspend'],
  ['approval', 'rejected', 'close'],
  ['ticket', 'out', 'done'],
  ['suspend', 'out', 'done'],
  ['case', 'out', 'done'],
  ['close', 'out', 'done'],
];

const TRIGGER_ID = 'alert';

/** Size of one module on the canvas, gaps included. */
const MODULE_WIDTH = LAYOUT.moduleColumns * LAYOUT.column + LAYOUT.gapX;
const MODULE_HEIGHT = LAYOUT.moduleRows * LAYOUT.row + LAYOUT.gapY;

/** The id the benchmark opens for a playbook of `size` nodes. */
export function canvasPlaybookId(size: number): string {
  return `bench-canvas-${size}`;
}

/**
 * A playbook of exactly `size` nodes: the trigger, then modules until the count is reached (the
 * last one cut short; edges to nodes cut away are left out). Deterministic.
 */
export function canvasPlaybook(size: number): Playbook {
  const nodes: PlaybookNode[] = [
    {
      id: TRIGGER_ID,
      type: 'trigger.manual@1',
      name: 'Splunk notable',
      params: { sample: { src: '203.0.113.7', user: 'alice@corp.example', dest: 'wks-042', device_id: 'a1b2c3', severity: 'high', event_id: 'notable-1' } },
    },
  ];
  const layout: Playbook['layout'] = { [TRIGGER_ID]: { x: 0, y: 2 * LAYOUT.row } };
  const edges: PlaybookEdge[] = [];
  const present = new Set([TRIGGER_ID]);
  let previous = TRIGGER_ID;
  for (let m = 1; nodes.length < size; m++) {
    const id = (key: string) => `m${m}_${key}`;
    const block = m - 1;
    const originX = LAYOUT.column + (block % LAYOUT.modulesPerRow) * MODULE_WIDTH;
    const originY = Math.floor(block / LAYOUT.modulesPerRow) * MODULE_HEIGHT;
    for (const slot of MODULE) {
      if (nodes.length >= size) break;
      const node: PlaybookNode = { id: id(slot.key), type: slot.type, name: `${slot.name} ${m}`, params: slot.params(m, id) };
      if (slot.credential !== undefined) node.credential = slot.credential;
      if (slot.join !== undefined) node.join = slot.join;
      nodes.push(node);
      present.add(node.id);
      layout[node.id] = { x: originX + slot.col * LAYOUT.column, y: originY + slot.row * LAYOUT.row };
    }
    const link = (from: string, port: string, to: string) => {
      if (present.has(from) && present.has(to)) edges.push({ id: `e${edges.length + 1}`, from, port, to });
    };
    link(previous, 'out', id('ingest'));
    for (const [from, port, to] of MODULE_EDGES) link(id(from), port, id(to));
    previous = id('done');
  }
  const credentials: Playbook['credentials'] = {};
  for (const slot of MODULE) if (slot.credential !== undefined) credentials[slot.credential] = { connector: slot.credential };
  return PlaybookSchema.parse({
    format: 'switchboard/playbook@1',
    id: canvasPlaybookId(size),
    name: `Canvas benchmark (${size} nodes)`,
    description: 'Generated by bench/canvas-graph.ts: repeated triage modules for the canvas benchmarks.',
    revision: 1,
    tags: ['benchmark'],
    credentials,
    nodes,
    edges,
    layout,
  });
}

/** The same graph as React Flow default nodes and edges, for the bare baseline page. */
export interface BaselineGraph {
  nodes: { id: string; position: { x: number; y: number }; data: { label: string } }[];
  edges: { id: string; source: string; target: string }[];
}

export function baselineGraph(playbook: Playbook): BaselineGraph {
  return {
    nodes: playbook.nodes.map((node) => {
      const at = playbook.layout[node.id] ?? { x: 0, y: 0 };
      return { id: node.id, position: { x: at.x, y: at.y }, data: { label: node.name } };
    }),
    edges: playbook.edges.map((edge) => ({ id: edge.id, source: edge.from, target: edge.to })),
  };
}

/**
 * The node a drag moves: the one nearest the middle of the graph's bounding box, so it is well
 * inside the fitted view on both pages.
 */
export function dragNodeId(playbook: Playbook): string {
  const points = playbook.nodes.map((node) => ({ id: node.id, ...(playbook.layout[node.id] ?? { x: 0, y: 0 }) }));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  let best = points[0]!;
  for (const p of points) if (Math.hypot(p.x - cx, p.y - cy) < Math.hypot(best.x - cx, best.y - cy)) best = p;
  return best.id;
}
