/** A finding of a vulnerability export chunk, as Tenable names its fields (the rest pass through untouched). */
export interface TenableFinding {
  asset?: Record<string, unknown>;
  plugin?: Record<string, unknown>;
  port?: Record<string, unknown>;
  severity?: string;
  severity_id?: number;
  state?: string;
  first_found?: string;
  last_found?: string;
  last_fixed?: string;
  finding_id?: string;
  [field: string]: unknown;
}

/** Tenable's severities, lowest first (`severity_id` 0–4). */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const ASSET_FIELDS = ['uuid', 'hostname', 'ipv4', 'ipv6', 'fqdn', 'netbios_name', 'operating_system', 'device_type', 'network_id'];
const PLUGIN_FIELDS = ['id', 'name', 'family', 'cve', 'cvss3_base_score', 'cvss_base_score', 'has_patch', 'solution', 'synopsis', 'risk_factor', 'see_also', 'exploit_available'];

function pick(source: Record<string, unknown> | undefined, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (source === undefined) return out;
  for (const field of fields) if (source[field] !== undefined) out[field] = source[field];
  return out;
}

/**
 * The parts of a finding a playbook decides on, under Tenable's own names: the asset's identity, the
 * plugin's CVEs, scores, patch and solution, `vpr.score`, the port, severity, state and dates. The long
 * plugin description and scan output are left out so a thousand findings stay a readable output.
 */
export function compactFinding(finding: TenableFinding): TenableFinding {
  const plugin = pick(finding.plugin, PLUGIN_FIELDS);
  const vpr = finding.plugin?.['vpr'] as { score?: unknown } | undefined;
  if (vpr !== undefined && vpr !== null && typeof vpr === 'object') plugin['vpr'] = { score: vpr.score ?? null };
  const out: TenableFinding = { asset: pick(finding.asset, ASSET_FIELDS), plugin };
  for (const field of ['port', 'severity', 'severity_id', 'state', 'first_found', 'last_found', 'last_fixed', 'finding_id']) {
    if (finding[field] !== undefined) out[field] = finding[field];
  }
  return out;
}

/** Whether a finding's plugin lists the CVE (case-insensitive); the export API has no CVE filter. */
export function mentionsCve(finding: TenableFinding, cve: string): boolean {
  const list = finding.plugin?.['cve'];
  const wanted = cve.toUpperCase();
  return Array.isArray(list) && list.some((id) => typeof id === 'string' && id.toUpperCase() === wanted);
}

/** Findings counted per severity, every severity present (zero when none), for a quick triage branch. */
export function countBySeverity(findings: readonly TenableFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const finding of findings) {
    const severity = finding.severity?.toLowerCase();
    if (severity !== undefined && severity in counts) counts[severity as Severity] += 1;
  }
  return counts;
}

/** The wait before status poll `n + 1`: pyTenable's ramp (2 s, 3 s, 4 s …) capped at 30 s. */
export function pollDelayMs(poll: number): number {
  return Math.min(poll + 1, 30) * 1000;
}

/** Chunk ids not downloaded yet, in order. */
export function pendingChunks(available: readonly number[], done: ReadonlySet<number>): number[] {
  return [...new Set(available)].filter((id) => !done.has(id)).sort((a, b) => a - b);
}
