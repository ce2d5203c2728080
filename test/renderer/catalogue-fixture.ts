import { create } from 'zustand';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { CatalogueAction, CatalogueEntry } from '../../host/protocol/catalogue.ts';
import { createCatalogueSlice, indexCatalogue } from '../../renderer/store/catalogue-slice.ts';
import { createGraphSlice } from '../../renderer/store/graph-slice.ts';
import type { AppState, CanvasNode } from '../../renderer/store/types.ts';

function action(type: string, title: string, extra: Partial<CatalogueAction> = {}): CatalogueAction {
  return {
    id: type.split('.')[1]?.replace(/@\d+$/, '') ?? type,
    type,
    kind: 'action',
    title,
    description: `${title}.`,
    effect: 'read',
    idempotent: true,
    input: { type: 'object', properties: {} },
    example: {},
    ports: ['out', 'error'],
    ...extra,
  };
}

/** A small catalogue shaped like the host's: core nodes and two vendors. */
export const catalogue: CatalogueEntry[] = [
  {
    id: 'core',
    name: 'Core',
    category: 'core',
    description: 'Triggers and control flow.',
    docsUrl: 'docs/nodes/core.md',
    version: 1,
    credentials: null,
    actions: [
      action('trigger.manual@1', 'Manual trigger', { kind: 'trigger', ports: ['out'], description: 'Starts the playbook by hand.' }),
      action('core.condition@1', 'Condition', { ports: ['true', 'false', 'error'], description: 'Takes true or false.' }),
      action('core.switch@1', 'Switch', { ports: ['default', 'error'], description: 'Routes on a value.' }),
    ],
  },
  {
    id: 'virustotal',
    name: 'VirusTotal',
    category: 'threat-intel',
    description: 'File, URL, domain and IP reputation.',
    docsUrl: 'https://docs.virustotal.com',
    version: 1,
    credentials: { type: 'object', properties: { apiKey: { type: 'string', secret: true, writeOnly: true } } },
    actions: [
      action('virustotal.ip_report@1', 'IP address report', { description: 'Reputation of an IP address.' }),
      action('virustotal.url_report@1', 'URL report', { description: 'Scan results for a URL.' }),
    ],
  },
  {
    id: 'okta',
    name: 'Okta',
    category: 'identity',
    description: 'Identity provider.',
    docsUrl: 'https://developer.okta.com',
    version: 1,
    credentials: { type: 'object', properties: { token: { type: 'string', secret: true, writeOnly: true } } },
    actions: [action('okta.suspend_user@1', 'Suspend user', { effect: 'write', description: 'Suspends a user account.' })],
  },
];

/** A playbook using every feature the canvas converts: layout, sizes, notes, switch ports, orphan layout. */
export function samplePlaybook(): Playbook {
  return {
    format: 'switchboard/playbook@1',
    id: 'triage',
    name: 'Triage',
    description: 'Checks an IP.',
    revision: 3,
    tags: ['ip'],
    vars: { threshold: 5 },
    credentials: { virustotal: { connector: 'virustotal' } },
    nodes: [
      { id: 'start', type: 'trigger.manual@1', name: 'Start', params: {} },
      { id: 'ip_report', type: 'virustotal.ip_report@1', name: 'IP report', params: { ip: '{{ trigger.ip }}' }, credential: 'virustotal', retry: { maxAttempts: 3 } },
      { id: 'route', type: 'core.switch@1', name: 'Route', params: { value: '{{ nodes.ip_report.output.verdict }}', cases: ['malicious', 'clean'] } },
      { id: 'unplaced', type: 'core.condition@1', name: 'No layout', params: {}, breakpoint: true },
    ],
    edges: [
      { id: 'e1', from: 'start', port: 'out', to: 'ip_report' },
      { id: 'e2', from: 'ip_report', port: 'out', to: 'route' },
      { id: 'e3', from: 'route', port: 'malicious', to: 'unplaced' },
    ],
    layout: {
      start: { x: 0, y: 0 },
      ip_report: { x: 260, y: 0, width: 240 },
      route: { x: 520.5, y: 10 },
      welcome: { x: -200, y: -160, width: 200, height: 120 },
      ghost: { x: 1, y: 2 },
    },
    notes: [{ id: 'welcome', text: 'Read me first', color: 'yellow' }],
  };
}

/** A store made of the graph and catalogue slices, with the few fields of other slices they read. */
export function createTestStore() {
  return create<AppState>()(
    (...a) =>
      ({
        ...createGraphSlice(...a),
        ...createCatalogueSlice(...a),
        catalogue,
        actionsByType: indexCatalogue(catalogue),
        catalogueStatus: 'ready',
        nodeStatus: {},
        pins: {},
        theme: 'light',
        panel: 'inspector',
        setPanel: (panel: AppState['panel']) => a[0]({ panel }),
        notify: () => undefined,
      }) as unknown as AppState,
  );
}

/** The canvas node `id` of `nodes`, or a failure naming it (a test's typo, not an undefined). */
export function nodeById(nodes: readonly CanvasNode[], id: string): CanvasNode {
  const found = nodes.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`the sample playbook has no node ${id}`);
  return found;
}
