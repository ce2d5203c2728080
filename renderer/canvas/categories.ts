import type { CatalogueEntry } from '../../host/protocol/catalogue.ts';
import { isTriggerType } from '../store/catalogue-slice.ts';
import type { CatalogueItem } from '../store/types.ts';
import { searchCatalogue } from './palette-search.ts';

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
 * The palette's sections for a search (see `searchCatalogue` for what matches). With no query,
 * every action in palette order; with one, the best matches first: sections ordered by their
 * best match, items within a section best first.
 */
export function paletteGroups(catalogue: readonly CatalogueEntry[], query: string): PaletteGroup[] {
  const groups = new Map<NodeKind, { best: number; items: CatalogueItem[] }>();
  for (const { item, rank } of searchCatalogue(catalogue, query)) {
    const kind = kindOf(item, item.action.type);
    const group = groups.get(kind) ?? { best: rank, items: [] };
    group.items.push(item);
    groups.set(kind, group);
  }
  const order = (kind: NodeKind) => ORDER.indexOf(kind);
  return [...groups.entries()]
    .sort(([a, first], [b, second]) => first.best - second.best || order(a) - order(b))
    .map(([kind, group]) => ({ kind, label: KINDS[kind].label, items: group.items }));
}
