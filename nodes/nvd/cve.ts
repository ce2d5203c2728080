/** One `cvssMetricV*` entry of an NVD CVE record; V2 keeps `baseSeverity` beside `cvssData`. */
interface CvssMetric {
  source?: string;
  type?: string;
  cvssData?: { version?: string; vectorString?: string; baseScore?: number; baseSeverity?: string };
  baseSeverity?: string;
  exploitabilityScore?: number;
  impactScore?: number;
}

/** The `cve` object of `vulnerabilities[]` in an NVD CVE API 2.0 answer (the fields used here). */
export interface NvdCve {
  id: string;
  sourceIdentifier?: string;
  published?: string;
  lastModified?: string;
  vulnStatus?: string;
  cisaExploitAdd?: string;
  cisaActionDue?: string;
  cisaRequiredAction?: string;
  cisaVulnerabilityName?: string;
  descriptions?: Array<{ lang?: string; value?: string }>;
  metrics?: Record<string, CvssMetric[] | undefined>;
  weaknesses?: Array<{ source?: string; type?: string; description?: Array<{ lang?: string; value?: string }> }>;
  references?: Array<{ url?: string; source?: string; tags?: string[] }>;
}

/** The CVSS score a playbook ranks on, with where it came from. */
export interface CvssSummary {
  version: string;
  baseScore: number;
  baseSeverity: string | null;
  vectorString: string | null;
  source: string | null;
  type: string | null;
}

/** Preference order: v3.1 (what NVD scores today), then v4.0, v3.0 and v2 for records that lack it. */
const METRIC_ORDER: Array<[key: string, version: string]> = [
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

/** Tags that mark a reference as the fix or the vendor's own advisory. */
export const PATCH_TAGS: ReadonlySet<string> = new Set(['Patch', 'Vendor Advisory']);

/**
 * The first CVSS metric present in preference order; within a version NVD's own `Primary` score
 * wins over a CNA's `Secondary` one. Null when the record is not scored yet (e.g. "Awaiting Analysis").
 */
export function pickCvss(metrics: NvdCve['metrics']): CvssSummary | null {
  for (const [key, version] of METRIC_ORDER) {
    const list = (metrics?.[key] ?? []).filter((m) => typeof m.cvssData?.baseScore === 'number');
    const chosen = list.find((m) => m.type === 'Primary') ?? list[0];
    if (chosen?.cvssData?.baseScore === undefined) continue;
    return {
      version: chosen.cvssData.version ?? version,
      baseScore: chosen.cvssData.baseScore,
      baseSeverity: chosen.cvssData.baseSeverity ?? chosen.baseSeverity ?? null,
      vectorString: chosen.cvssData.vectorString ?? null,
      source: chosen.source ?? null,
      type: chosen.type ?? null,
    };
  }
  return null;
}

/** The English description (NVD also carries Spanish ones). */
export function englishDescription(cve: NvdCve): string | null {
  const list = cve.descriptions ?? [];
  return (list.find((d) => d.lang === 'en') ?? list[0])?.value ?? null;
}

/** Distinct CWE ids of every weakness source, in order (`NVD-CWE-Other`/`NVD-CWE-noinfo` left out). */
export function cweIds(cve: NvdCve): string[] {
  const ids = (cve.weaknesses ?? []).flatMap((w) => (w.description ?? []).map((d) => d.value ?? ''));
  return [...new Set(ids.filter((id) => /^CWE-\d+$/.test(id)))];
}

/** URLs of references tagged `Patch` or `Vendor Advisory`, each once. */
export function patchLinks(cve: NvdCve): string[] {
  const urls = (cve.references ?? []).filter((r) => (r.tags ?? []).some((t) => PATCH_TAGS.has(t))).map((r) => r.url ?? '');
  return [...new Set(urls.filter((url) => url !== ''))];
}

/** The playbook-facing view of one NVD record: NVD's field names plus the CVSS pick and patch links. */
export function summarizeCve(cve: NvdCve): Record<string, unknown> {
  const cvss = pickCvss(cve.metrics);
  const links = patchLinks(cve);
  const out: Record<string, unknown> = {
    id: cve.id,
    sourceIdentifier: cve.sourceIdentifier ?? null,
    vulnStatus: cve.vulnStatus ?? null,
    published: cve.published ?? null,
    lastModified: cve.lastModified ?? null,
    description: englishDescription(cve),
    cvss,
    baseScore: cvss?.baseScore ?? null,
    baseSeverity: cvss?.baseSeverity ?? null,
    cwes: cweIds(cve),
    references: (cve.references ?? []).map((r) => ({ url: r.url, source: r.source, tags: r.tags ?? [] })),
    patchLinks: links,
    patchAvailable: links.length > 0,
    knownExploited: cve.cisaExploitAdd !== undefined,
  };
  for (const key of ['cisaExploitAdd', 'cisaActionDue', 'cisaRequiredAction', 'cisaVulnerabilityName'] as const) {
    if (cve[key] !== undefined) out[key] = cve[key];
  }
  return out;
}
