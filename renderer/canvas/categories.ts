import type { CatalogueEntry } from '../../nodes/sdk/catalogue.ts';
import { isTriggerType } from '../store/catalogue-slice.ts';
import type { CatalogueItem } from '../store/types.ts';

/** A node's look: triggers stand apart from their connector's category. */
export type NodeKind = CatalogueEntry['category'] | 'trigger' | 'unknown';

/** Palette section titles and the short tag drawn in each node's icon, per kind. */
export const KINDS: Record<NodeKind, { label: string; tag: string }> = {
  trigger: { label: 'Triggers', tag: 'TRG' },
  core: { label: 'Flow control', tag: 'FLW' },
  utility: { label: 'Utilities', tag: 'UTL' },
  siem: { label: 'SIEM', tag: 'SIEM' },
  'threat-intel': { label: 'Threat intelligence', tag: 'TI' },
  edr: { label: 'EDR', tag: 'EDR' },
  firewall: { label: 'Firewall', tag: 'FW' },
  identity: { label: 'Identity', tag: 'ID' },
  email: { label: 'Email', tag: 'MAIL' },
  chat: { label: 'Chat', tag: 'CHAT' },
  ticketing: { label: 'Ticketing', tag: 'TKT' },
  vulnerability: { label: 'Vulnerability', tag: 'VULN' },
  cloud: { label: 'Cloud', tag: 'CLD' },
  unknown: { label: 'Unknown', tag: '?' },
};

/** Palette order: what a playbook starts with, then control flow, then the tools in triage order. */
const ORDER = Object.keys(KINDS) as NodeKind[];

/** The kind of a catalogue action (undefined when the node type is not in the catalogue). */
export function kindOf(item: CatalogueItem | undefined, type: string): NodeKind {
  if (isTriggerType(type, item?.action)) return 'trigger';
  return item === undefined ? 'unknown' : item.connector.category;
}

export interface PaletteGroup {
  kind: NodeKind;
  label: string;
  items: CatalogueItem[];
}

/**
 * The palette's sections for a search: every word of `query` must appear in the action's title,
 * its description, the connector's name or the node type. (Connector descriptions are left out:
 * they would match every action of the connector.)
 */
export function paletteGroups(catalogue: readonly CatalogueEntry[], query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  const groups = new Map<NodeKind, CatalogueItem[]>();
  for (const connector of catalogue) {
    for (const action of connector.actions) {
      const item = { connector, action };
      if (words.length > 0) {
        const text = `${action.title} ${connector.name} ${action.description} ${action.type}`.toLowerCase();
        if (!words.every((word) => text.includes(word))) continue;
      }
      const kind = kindOf(item, action.type);
      const list = groups.get(kind) ?? [];
      list.push(item);
      groups.set(kind, list);
    }
  }
  return ORDER.filter((kind) => groups.has(kind)).map((kind) => ({ kind, label: KINDS[kind].label, items: groups.get(kind) ?? [] }));
}
