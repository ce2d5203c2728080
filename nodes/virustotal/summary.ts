/** `last_analysis_stats` as VirusTotal reports it on IP, domain, URL and file objects. */
export interface AnalysisStats {
  harmless: number;
  malicious: number;
  suspicious: number;
  undetected: number;
  timeout: number;
}

/** One engine's entry of `last_analysis_results`. */
export interface EngineResult {
  engine_name: string;
  category: string;
  result: string | null;
}

export type Verdict = 'malicious' | 'suspicious' | 'harmless' | 'undetected' | 'unknown';

/** The playbook-facing summary every report action returns beside the vendor's attributes. */
export interface ReportSummary {
  id: string;
  type: string;
  /** False when VirusTotal has never seen the object (verdict `unknown`). */
  found: boolean;
  /** True when at least `threshold` engines say malicious. */
  malicious: boolean;
  verdict: Verdict;
  /** Engines that said malicious, and how many engines answered at all. */
  detections: number;
  engines: number;
  last_analysis_stats: AnalysisStats;
  reputation: number;
  /** The engines that flagged it malicious or suspicious (the full per-engine table is dropped). */
  flagged_by: EngineResult[];
  /** The vendor's attributes, minus `last_analysis_results`. */
  attributes: Record<string, unknown>;
  permalink: string;
}

const EMPTY_STATS: AnalysisStats = { harmless: 0, malicious: 0, suspicious: 0, undetected: 0, timeout: 0 };

/** VirusTotal's web page for an object, by object type (`ip_address` → `/gui/ip-address/...`). */
const GUI_PATHS: Record<string, string> = { ip_address: 'ip-address', domain: 'domain', url: 'url', file: 'file' };

/** Stats with every count present, whatever the vendor omitted. */
export function statsOf(raw: unknown): AnalysisStats {
  const source = isRecord(raw) ? raw : {};
  const count = (key: keyof AnalysisStats): number => (typeof source[key] === 'number' ? (source[key] as number) : 0);
  return { ...EMPTY_STATS, harmless: count('harmless'), malicious: count('malicious'), suspicious: count('suspicious'), undetected: count('undetected'), timeout: count('timeout') };
}

/**
 * The verdict from the engine counts: malicious at `threshold` or more malicious engines (single-engine
 * false positives are common), suspicious on any other hit, harmless when some engine vouched for it.
 */
export function verdictOf(stats: AnalysisStats, threshold: number): Verdict {
  if (stats.malicious >= threshold) return 'malicious';
  if (stats.malicious + stats.suspicious > 0) return 'suspicious';
  if (stats.harmless > 0) return 'harmless';
  return 'undetected';
}

/** The engines whose category is malicious or suspicious, in the vendor's order. */
export function flaggedBy(results: unknown): EngineResult[] {
  if (!isRecord(results)) return [];
  const flagged: EngineResult[] = [];
  for (const [key, value] of Object.entries(results)) {
    if (!isRecord(value)) continue;
    const category = typeof value['category'] === 'string' ? value['category'] : '';
    if (category !== 'malicious' && category !== 'suspicious') continue;
    const name = typeof value['engine_name'] === 'string' ? value['engine_name'] : key;
    const result = typeof value['result'] === 'string' ? value['result'] : null;
    flagged.push({ engine_name: name, category, result });
  }
  return flagged;
}

/** Shapes a VirusTotal object response (`{ data: { id, type, attributes } }`) into a report summary. */
export function summarise(body: unknown, threshold: number): ReportSummary {
  const data = isRecord(body) && isRecord(body['data']) ? body['data'] : undefined;
  if (data === undefined || typeof data['id'] !== 'string') throw new Error('no data.id in the response');
  const { last_analysis_results: results, ...attributes } = isRecord(data['attributes']) ? data['attributes'] : {};
  const stats = statsOf(attributes['last_analysis_stats']);
  const type = typeof data['type'] === 'string' ? data['type'] : 'unknown';
  const verdict = verdictOf(stats, threshold);
  return {
    id: data['id'],
    type,
    found: true,
    malicious: verdict === 'malicious',
    verdict,
    detections: stats.malicious,
    engines: stats.harmless + stats.malicious + stats.suspicious + stats.undetected + stats.timeout,
    last_analysis_stats: stats,
    reputation: typeof attributes['reputation'] === 'number' ? attributes['reputation'] : 0,
    flagged_by: flaggedBy(results),
    attributes,
    permalink: `https://www.virustotal.com/gui/${GUI_PATHS[type] ?? type}/${encodeURIComponent(data['id'])}`,
  };
}

/**
 * The summary of an object VirusTotal has never seen: not an error for a playbook, which asks
 * "is this known bad?" and must go on for a fresh phishing URL nobody has scanned yet.
 */
export function unknownSummary(id: string, type: string): ReportSummary {
  return {
    id,
    type,
    found: false,
    malicious: false,
    verdict: 'unknown',
    detections: 0,
    engines: 0,
    last_analysis_stats: { ...EMPTY_STATS },
    reputation: 0,
    flagged_by: [],
    attributes: {},
    permalink: `https://www.virustotal.com/gui/${GUI_PATHS[type] ?? type}/${encodeURIComponent(id)}`,
  };
}

/** The URL identifier VirusTotal accepts in `/urls/{id}`: unpadded base64url of the URL (RFC 4648 §5). */
export function urlId(url: string): string {
  return Buffer.from(url, 'utf8').toString('base64url');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
