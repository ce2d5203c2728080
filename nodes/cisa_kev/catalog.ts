import type { ConnectorContext } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';

/** Where CISA publishes the catalog, under its site root (`baseUrl`). */
export const FEED_PATH = '/sites/default/files/feeds/known_exploited_vulnerabilities.json';

/** How long a downloaded catalog is used without asking CISA again (it changes a few times a week). */
export const CACHE_TTL_MS = 5 * 60_000;

/** One catalog entry, with the field names of CISA's schema (known_exploited_vulnerabilities_schema.json). */
export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  dueDate: string;
  knownRansomwareCampaignUse?: string;
  notes?: string;
  cwes?: string[];
}

/** The catalog's header fields. */
export interface KevMeta {
  title?: string;
  catalogVersion: string;
  dateReleased: string;
  count: number;
}

/** A parsed catalog, indexed by CVE, with the validators for a conditional refresh. */
export interface KevCatalog {
  meta: KevMeta;
  byCve: ReadonlyMap<string, KevEntry>;
  etag?: string;
  lastModified?: string;
  fetchedAt: number;
}

const cache = new Map<string, KevCatalog>();
const inflight = new Map<string, Promise<KevCatalog>>();

/** Forgets every cached catalog (tests, or an operator who wants the newest one now). */
export function clearKevCache(): void {
  cache.clear();
  inflight.clear();
}

/** Whether a catalog fetched at `fetchedAt` is still used as it is at `now`. */
export function isFresh(fetchedAt: number, now: number, ttlMs = CACHE_TTL_MS): boolean {
  return now - fetchedAt < ttlMs;
}

/** `If-None-Match` / `If-Modified-Since` from what the last download returned. */
export function conditionalHeaders(cached: Pick<KevCatalog, 'etag' | 'lastModified'> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (cached?.etag !== undefined) headers['If-None-Match'] = cached.etag;
  if (cached?.lastModified !== undefined) headers['If-Modified-Since'] = cached.lastModified;
  return headers;
}

/** Checks the feed's shape and indexes it by upper-cased CVE id; a wrong shape is a VENDOR error. */
export function indexCatalog(data: unknown): Pick<KevCatalog, 'meta' | 'byCve'> {
  const feed = data as { title?: unknown; catalogVersion?: unknown; dateReleased?: unknown; count?: unknown; vulnerabilities?: unknown } | null;
  if (feed === null || typeof feed !== 'object' || !Array.isArray(feed.vulnerabilities) || typeof feed.catalogVersion !== 'string') {
    throw unexpectedResponse('CISA KEV', 'cisa_kev', 'no catalogVersion and vulnerabilities[]');
  }
  const byCve = new Map<string, KevEntry>();
  for (const entry of feed.vulnerabilities as KevEntry[]) {
    if (typeof entry?.cveID === 'string') byCve.set(entry.cveID.toUpperCase(), entry);
  }
  const meta: KevMeta = {
    catalogVersion: feed.catalogVersion,
    dateReleased: typeof feed.dateReleased === 'string' ? feed.dateReleased : '',
    count: typeof feed.count === 'number' ? feed.count : byCve.size,
  };
  if (typeof feed.title === 'string') meta.title = feed.title;
  return { meta, byCve };
}

async function download(ctx: ConnectorContext, key: string, cached: KevCatalog | undefined): Promise<KevCatalog> {
  const response = await ctx.http.get<unknown>(FEED_PATH, { headers: conditionalHeaders(cached) });
  const fetchedAt = ctx.clock.now();
  if (response.status === 304 && cached !== undefined) {
    const renewed = { ...cached, fetchedAt };
    cache.set(key, renewed);
    return renewed;
  }
  const etag = response.headers['etag'] as string | undefined;
  const lastModified = response.headers['last-modified'] as string | undefined;
  const catalog: KevCatalog = { ...indexCatalog(response.data), fetchedAt };
  if (etag !== undefined) catalog.etag = etag;
  if (lastModified !== undefined) catalog.lastModified = lastModified;
  cache.set(key, catalog);
  return catalog;
}

/**
 * The catalog at the connector's base URL: cached per base URL for a few minutes so a forEach over many
 * CVEs downloads it once (concurrent callers share one download), then revalidated with ETag/Last-Modified.
 */
export function loadCatalog(ctx: ConnectorContext): Promise<KevCatalog> {
  const key = ctx.http.defaults.baseURL ?? '';
  const cached = cache.get(key);
  if (cached !== undefined && isFresh(cached.fetchedAt, ctx.clock.now())) return Promise.resolve(cached);
  const running = inflight.get(key);
  if (running !== undefined) return running;
  const promise = download(ctx, key, cached).finally(() => inflight.delete(key));
  inflight.set(key, promise);
  return promise;
}
