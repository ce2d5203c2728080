import type { StateCreator } from 'zustand';
import { switchPorts } from '../../engine/graph/switch-ports.ts';
import type { CatalogueAction, CatalogueEntry } from '../../host/protocol/catalogue.ts';
import { rpc } from '../rpc/index.ts';
import type { AppState, CatalogueItem, CatalogueSlice } from './types.ts';

/** Ports every node type has when the catalogue does not know it (yet). */
const FALLBACK_PORTS: readonly string[] = ['out', 'error'];

/**
 * The connector catalogue from the host, with an index by node type so a canvas node finds its
 * action in one lookup (a stable object, safe to return from a selector).
 */
export const createCatalogueSlice: StateCreator<AppState, [], [], CatalogueSlice> = (set, get) => ({
  catalogue: [],
  actionsByType: {},
  catalogueStatus: 'idle',
  async loadCatalogue() {
    set({ catalogueStatus: 'loading' });
    try {
      const { connectors } = await rpc.call('catalogue.list', {});
      set({ catalogue: connectors, actionsByType: indexCatalogue(connectors), catalogueStatus: 'ready' });
    } catch (error) {
      set({ catalogueStatus: 'error' });
      get().notify?.('error', `The connector catalogue could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
});

/** Every action of every connector keyed by its node type (`virustotal.url_report@1`). */
export function indexCatalogue(connectors: readonly CatalogueEntry[]): Record<string, CatalogueItem> {
  const index: Record<string, CatalogueItem> = {};
  for (const connector of connectors) {
    for (const action of connector.actions) index[action.type] = { connector, action };
  }
  return index;
}

/**
 * Output ports of a node: the action's ports, except a switch, whose ports follow its params by
 * the engine's own rule, so editor and engine never disagree.
 */
export function portsOf(action: CatalogueAction | undefined, params: Record<string, unknown> | undefined): readonly string[] {
  if (action === undefined) return FALLBACK_PORTS;
  return isSwitch(action.type) ? switchPorts(params ?? {}) : action.ports;
}

/** Triggers start a run: nothing connects into them. */
export function isTriggerType(type: string, action: CatalogueAction | undefined): boolean {
  return action !== undefined ? action.kind === 'trigger' : type.startsWith('trigger.');
}

/** The connector whose credential a node of this action takes, if any. */
export function credentialConnectorOf(item: CatalogueItem | undefined): string | undefined {
  if (item === undefined) return undefined;
  if (item.action.credentials !== undefined) return item.action.credentials.connector;
  return item.connector.credentials === null ? undefined : item.connector.id;
}

function isSwitch(type: string): boolean {
  return type.startsWith('core.switch@');
}
