import { cleanup } from '@testing-library/react';
import type { Playbook } from '../../../engine/format/playbook.ts';
import type { Problem } from '../../../engine/validate/problems.ts';
import type { CatalogueEntry } from '../../../host/protocol/catalogue.ts';
import { rpc } from '../../../renderer/rpc/index.ts';
import { createFakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import type { FakeHandlers, FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { setFrameScheduler } from '../../../renderer/store/run-slice.ts';
import type { AppState } from '../../../renderer/store/types.ts';

/** A catalogue shaped like the host's: a trigger, a lookup with an example output, and a form-rich action. */
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
      {
        id: 'manual',
        type: 'trigger.manual@1',
        kind: 'trigger',
        title: 'Manual trigger',
        description: 'Starts the playbook by hand.',
        effect: 'read',
        idempotent: true,
        input: { type: 'object', properties: { sample: { type: 'object', description: 'Example event.' } } },
        example: { alert: { id: 'A-1' } },
        ports: ['out'],
      },
      {
        id: 'condition',
        type: 'core.condition@1',
        kind: 'action',
        title: 'Condition',
        description: 'Takes the true or false path.',
        effect: 'read',
        idempotent: true,
        input: { type: 'object', properties: { condition: { description: 'A boolean template.' } }, required: ['condition'] },
        example: { result: true },
        ports: ['true', 'false', 'error'],
      },
    ],
  },
  {
    id: 'virustotal',
    name: 'VirusTotal',
    category: 'threat-intel',
    description: 'Reputation.',
    docsUrl: 'https://docs.virustotal.com',
    version: 1,
    credentials: {
      type: 'object',
      properties: {
        baseUrl: { type: 'string', format: 'uri', default: 'https://www.virustotal.com/api/v3' },
        apiKey: { type: 'string', title: 'API key', secret: true, writeOnly: true, description: 'Personal API key.' },
      },
      required: ['apiKey'],
    },
    actions: [
      {
        id: 'url_report',
        type: 'virustotal.url_report@1',
        kind: 'action',
        title: 'URL report',
        description: 'Scan results for a URL.',
        effect: 'read',
        idempotent: true,
        input: {
          type: 'object',
          properties: {
            url: { type: 'string', description: 'The URL to look up.' },
            method: { type: 'string', enum: ['GET', 'POST'], default: 'GET' },
            threshold: { type: 'integer', minimum: 1, maximum: 100, description: 'Engines that must agree.' },
            verbose: { type: 'boolean' },
            headers: { type: 'object', additionalProperties: { type: 'string' } },
          },
          required: ['url'],
          additionalProperties: false,
        },
        example: { verdict: 'malicious', stats: { malicious: 3 }, engines: [{ name: 'Kaspersky' }] },
        ports: ['out', 'error'],
      },
    ],
  },
];

/** trigger → lookup (VirusTotal) → check (VirusTotal, the node under test). */
export function samplePlaybook(): Playbook {
  return {
    format: 'switchboard/playbook@1',
    id: 'triage',
    name: 'Triage',
    description: '',
    revision: 3,
    tags: [],
    vars: { threshold: 3 },
    credentials: { virustotal: { connector: 'virustotal' } },
    nodes: [
      { id: 'start', type: 'trigger.manual@1', name: 'Start', params: { sample: { alert: { id: 'A-7', url: 'http://bad.example' } } } },
      { id: 'lookup', type: 'virustotal.url_report@1', name: 'Lookup', params: { url: '{{ trigger.alert.url }}' }, credential: 'virustotal' },
      { id: 'check', type: 'virustotal.url_report@1', name: 'Check', params: {} },
    ],
    edges: [
      { id: 'e1', from: 'start', port: 'out', to: 'lookup' },
      { id: 'e2', from: 'lookup', port: 'out', to: 'check' },
    ],
    layout: { start: { x: 0, y: 0 }, lookup: { x: 240, y: 0 }, check: { x: 480, y: 0 } },
    notes: [],
  };
}

const initial: AppState = useStore.getState();

/** Connects the app's rpc client to an in-memory host answering with `handlers`. */
export function fakeHost(handlers: FakeHandlers = {}): FakeTransport {
  const transport = createFakeTransport({ 'playbooks.validate': () => ({ problems: [] }), ...handlers });
  rpc.connect(transport);
  return transport;
}

/** Resets the store, applies frames at once, and opens the sample playbook with `problems`. */
export function resetStore(problems: Problem[] = []): void {
  cleanup();
  setFrameScheduler((flush) => flush());
  useStore.setState(initial, true);
  useStore.setState({ catalogue, actionsByType: indexCatalogue(catalogue), catalogueStatus: 'ready' });
  useStore.getState().loadPlaybook(samplePlaybook(), problems);
}

/** Lets pending promises (fake host answers) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
