import type { CatalogueEntry } from '../../host/protocol/catalogue.ts';
import type { CatalogueItem } from '../store/types.ts';

/** One catalogue action that matches a palette search; a lower rank is a better match. */
export interface PaletteMatch {
  item: CatalogueItem;
  rank: number;
}

/**
 * How each category is called in full and what analysts call it, so "threat" finds every
 * threat-intel action and "firewall" every firewall one, whatever their titles say.
 */
const CATEGORY_WORDS: Record<CatalogueEntry['category'], string> = {
  core: 'core flow control',
  utility: 'utility utilities',
  siem: 'siem security information and event management logs',
  'threat-intel': 'threat-intel threat intelligence',
  edr: 'edr endpoint detection and response',
  firewall: 'firewall network',
  identity: 'identity iam',
  email: 'email mail',
  chat: 'chat messaging',
  ticketing: 'ticketing case management',
  vulnerability: 'vulnerability vulnerabilities',
  cloud: 'cloud',
};

/**
 * Words an action is also found by when its title or description uses a vendor's term for it:
 * a WAF is a web application firewall, an AWS security group a virtual firewall, and deny
 * rules and host containment block traffic.
 */
const IMPLIED_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bwaf/i, 'web application firewall'],
  [/security group/i, 'firewall'],
  [/\bdeny\b/i, 'block'],
  [/\bcontain(s|ed)?\b/i, 'block isolate quarantine'],
];

/** Where a query word was found, best first: the rank of a match is the sum over its words. */
const TITLE = 0;
const VENDOR = 1;
const CATEGORY = 2;
const ELSEWHERE = 3;

/** The lower-case words of a search box's text. */
export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((word) => word !== '');
}

/**
 * The rank of an action for the query's words, or undefined when a word is found nowhere. A
 * word may be found in the action's title, its connector's name or id (the vendor), its
 * category, or its description, node type and implied words. Connector descriptions are left
 * out: they would match every action of the connector.
 */
export function matchRank(item: CatalogueItem, words: readonly string[]): number | undefined {
  const { connector, action } = item;
  const fields = [
    action.title.toLowerCase(),
    `${connector.name} ${connector.id}`.toLowerCase(),
    (CATEGORY_WORDS[connector.category] ?? connector.category).toLowerCase(),
    `${action.description} ${action.type} ${impliedWords(`${action.title} ${action.description}`)}`.toLowerCase(),
  ];
  let rank = 0;
  for (const word of words) {
    const at = fields.findIndex((field) => field.includes(word));
    if (at === -1) return undefined;
    rank += [TITLE, VENDOR, CATEGORY, ELSEWHERE][at] ?? ELSEWHERE;
  }
  return rank;
}

/**
 * The catalogue's actions that match every word of the query (case-insensitive), best first:
 * an action whose title holds every word comes before one found by its vendor, category or
 * description; equal ranks keep catalogue order. An empty query matches everything, in order.
 */
export function searchCatalogue(catalogue: readonly CatalogueEntry[], query: string): PaletteMatch[] {
  const words = queryWords(query);
  const matches: PaletteMatch[] = [];
  for (const connector of catalogue) {
    for (const action of connector.actions) {
      const item = { connector, action };
      const rank = matchRank(item, words);
      if (rank !== undefined) matches.push({ item, rank });
    }
  }
  return matches.sort((a, b) => a.rank - b.rank);
}

function impliedWords(text: string): string {
  return IMPLIED_WORDS.filter(([pattern]) => pattern.test(text))
    .map(([, words]) => words)
    .join(' ');
}
