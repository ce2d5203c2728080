import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Tenable Vulnerability Management twin (developer.tenable.com): the vulnerability export flow
 * (`POST /vulns/export` → `GET …/status` QUEUED → PROCESSING → FINISHED → `GET …/chunks/{id}`, plus
 * `…/cancel` and the 409 for a duplicate running export), `GET /assets/{uuid}`, the `X-ApiKeys` header
 * with the gateway's `{ statusCode, error, message }` refusal, and the documented 429: an HTML body
 * with `retry-after`. The scenario's critical, KEV-listed CVE sits on the internet-facing VPN gateway.
 */

type Finding = Record<string, unknown> & { asset: { uuid: string }; plugin: Record<string, unknown> & { id: number }; severity: string; state: string; last_found: string; last_fixed?: string };
type FindingAsset = Record<string, unknown> & { uuid: string };

interface ExportJob {
  uuid: string;
  num_assets: number;
  filters: Record<string, unknown>;
  created: number;
  status: 'QUEUED' | 'PROCESSING' | 'FINISHED' | 'ERROR' | 'CANCELLED';
  polls: number;
  chunks: Finding[][];
}

export interface TenableState {
  assets: Record<string, Record<string, unknown>>;
  findings: Finding[];
  exports: ExportJob[];
  /** Status polls an export answers before it is FINISHED (QUEUED, PROCESSING with the first chunk, …). */
  pollsToFinish: number;
  /** How new exports end: a lab knob for the ERROR and CANCELLED paths. */
  exportOutcome: 'FINISHED' | 'ERROR' | 'CANCELLED';
  /** Assets per chunk when set (Tenable clamps num_assets to 50–5000, so the lab's two assets share one chunk). */
  assetsPerChunk?: number;
}

/** The API keys the twin accepts. */
export const tenableLabCredentials = { accessKey: 'lab-tenable-access-key', secretKey: 'lab-tenable-secret-key' };

const VPN = scenario.vulnerability.asset;
const BUILD = { ...scenario.vulnerability.minor.asset, uuid: 'e3b1c9a2-7d4f-4c1e-8a6b-5f2d9c0e7b13' };
const NETWORK = '00000000-0000-0000-0000-000000000000';
const SEVERITY_ID: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

function gatewayError(statusCode: number, error: string, message: string): TwinResponse {
  return { status: statusCode, body: { statusCode, error, message } };
}

function asset(uuid: string, hostname: string, ip: string, os: string, systemType: string, lastSeen: string): Record<string, unknown> {
  return {
    id: uuid,
    has_agent: false,
    has_plugin_results: true,
    created_at: '2025-06-02T10:04:51.221Z',
    updated_at: lastSeen,
    first_seen: '2025-06-02T10:01:12.000Z',
    last_seen: lastSeen,
    last_authenticated_scan_date: lastSeen,
    ipv4: [ip],
    ipv6: [],
    fqdn: [`${hostname}.${scenario.org.domain}`],
    hostname: [hostname],
    netbios_name: [],
    mac_address: [],
    operating_system: [os],
    system_type: [systemType],
    network_id: [NETWORK],
    sources: [{ name: 'NESSUS_SCAN', first_seen: '2025-06-02T10:01:12.000Z', last_seen: lastSeen }],
    tags: [],
  };
}

function findingAsset(uuid: string, hostname: string, ip: string, os: string): FindingAsset {
  return { uuid, hostname, ipv4: ip, fqdn: `${hostname}.${scenario.org.domain}`, operating_system: [os], device_type: 'general-purpose', network_id: NETWORK, tracked: true };
}

interface FindingSpec {
  on: FindingAsset;
  plugin: Record<string, unknown> & { id: number };
  severity: string;
  state: string;
  port: number;
  firstFound: string;
  lastFound: string;
  lastFixed?: string;
  output: string;
}

function finding(spec: FindingSpec, index: number): Finding {
  const severityId = SEVERITY_ID[spec.severity] ?? 0;
  return {
    asset: spec.on,
    output: spec.output,
    plugin: { family_id: 1000001, type: 'remote', version: '1.4', publication_date: '2024-04-12T00:00:00Z', modification_date: '2026-10-02T00:00:00Z', ...spec.plugin },
    port: { port: spec.port, protocol: 'TCP', service: spec.port === 0 ? 'general' : 'www' },
    scan: { uuid: '7e0a9c4b-1d2f-4e3a-8b5c-6d7e8f9a0b1c', schedule_uuid: 'template-2d6e0c1a-4f3b-8e7d-9a5c-1b2c3d4e5f60', started_at: '2026-11-27T02:00:03Z', completed_at: '2026-11-27T02:10:44Z' },
    severity: spec.severity,
    severity_id: severityId,
    severity_default_id: severityId,
    severity_modification_type: 'NONE',
    finding_id: `a1f0c3e2-5b7d-5e9f-8a1c-${String(index + 1).padStart(12, '0')}`,
    first_found: spec.firstFound,
    last_found: spec.lastFound,
    ...(spec.lastFixed ? { last_fixed: spec.lastFixed } : {}),
    indexed: spec.lastFound,
    state: spec.state,
  };
}

function initialFindings(): Finding[] {
  const vpn = findingAsset(VPN.uuid, VPN.hostname, VPN.ip, 'Palo Alto Networks PAN-OS 10.2.9');
  const build = findingAsset(BUILD.uuid, BUILD.hostname, BUILD.ip, 'Linux Kernel 5.15 on Ubuntu 22.04');
  const specs: FindingSpec[] = [
    {
      on: vpn,
      plugin: {
        id: scenario.vulnerability.pluginId,
        name: 'Palo Alto Networks PAN-OS GlobalProtect Command Injection (CVE-2024-3400)',
        family: 'Palo Alto Local Security Checks',
        cve: [scenario.vulnerability.cve],
        cvss3_base_score: scenario.vulnerability.cvss,
        cvss3_vector: { raw: 'AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
        cvss_base_score: 10,
        description: scenario.vulnerability.description,
        synopsis: 'The remote PAN-OS host is affected by a command injection vulnerability.',
        solution: 'Upgrade to PAN-OS 10.2.9-h1, 11.0.4-h1, 11.1.2-h3 or later.',
        see_also: [scenario.vulnerability.patchUrl],
        risk_factor: 'CRITICAL',
        has_patch: true,
        exploit_available: true,
        vpr: { score: 9.8, drivers: { exploit_code_maturity: 'HIGH', threat_intensity_last28: 'VERY_HIGH', product_coverage: 'LOW' }, updated: '2026-11-25T04:12:00Z' },
      },
      severity: 'critical',
      state: 'OPEN',
      port: 443,
      firstFound: '2026-11-20T02:14:09Z',
      lastFound: '2026-11-27T02:10:44Z',
      output: '\n  Installed version : 10.2.9\n  Fixed version     : 10.2.9-h1\n  GlobalProtect gateway : enabled\n',
    },
    {
      on: vpn,
      plugin: { id: 19506, name: 'Nessus Scan Information', family: 'Settings', cve: [], has_patch: false, risk_factor: 'None', solution: 'n/a', synopsis: 'This plugin displays information about the Nessus scan.' },
      severity: 'info',
      state: 'OPEN',
      port: 0,
      firstFound: '2025-06-02T10:01:12Z',
      lastFound: '2026-11-27T02:10:44Z',
      output: 'Scan type : Normal\nScan policy used : Advanced Network Scan\n',
    },
    {
      on: build,
      plugin: {
        id: 183390,
        name: 'HTTP/2 Rapid Reset Denial of Service (CVE-2023-44487)',
        family: 'Web Servers',
        cve: [scenario.vulnerability.minor.cve],
        cvss3_base_score: scenario.vulnerability.minor.cvss,
        cvss_base_score: 7.8,
        synopsis: 'The remote web server is affected by a denial of service vulnerability.',
        solution: 'Upgrade the HTTP/2 server to a release that limits stream resets, or disable HTTP/2.',
        risk_factor: 'HIGH',
        has_patch: true,
        exploit_available: true,
        vpr: { score: 5.2 },
      },
      severity: 'high',
      state: 'OPEN',
      port: 8443,
      firstFound: '2026-10-14T03:02:51Z',
      lastFound: '2026-11-27T02:09:12Z',
      output: '\n  HTTP/2 server : nghttp2/1.55.1\n',
    },
    {
      on: build,
      plugin: { id: 51192, name: 'SSL Certificate Cannot Be Trusted', family: 'General', cve: [], cvss3_base_score: 6.5, cvss_base_score: 6.4, has_patch: false, risk_factor: 'MEDIUM', solution: 'Purchase or generate a proper SSL certificate for this service.', vpr: null },
      severity: 'medium',
      state: 'REOPENED',
      port: 8443,
      firstFound: '2025-08-11T03:02:51Z',
      lastFound: '2026-11-27T02:09:12Z',
      output: '\n|-Subject : CN=build-07\n|-Issuer  : CN=build-07\n',
    },
    {
      on: build,
      plugin: { id: 156032, name: 'Apache Log4j 2.x < 2.16.0 RCE (Log4Shell)', family: 'Misc.', cve: ['CVE-2021-44228'], cvss3_base_score: 10, cvss_base_score: 10, has_patch: true, risk_factor: 'CRITICAL', solution: 'Upgrade to Apache Log4j version 2.16.0 or later.', vpr: { score: 9.9 } },
      severity: 'critical',
      state: 'FIXED',
      port: 8080,
      firstFound: '2021-12-11T03:02:51Z',
      lastFound: '2022-01-05T03:01:10Z',
      lastFixed: '2022-01-12T03:04:33Z',
      output: '\n  Path : /opt/jenkins/lib/log4j-core-2.14.1.jar\n',
    },
  ];
  return specs.map(finding);
}

function initialState(): TenableState {
  return {
    assets: {
      [VPN.uuid]: { ...asset(VPN.uuid, VPN.hostname, VPN.ip, 'Palo Alto Networks PAN-OS 10.2.9', 'firewall', '2026-11-27T02:10:44.000Z'), exposure_score: 912, acr_score: 9 },
      [BUILD.uuid]: { ...asset(BUILD.uuid, BUILD.hostname, BUILD.ip, 'Linux Kernel 5.15 on Ubuntu 22.04', 'general-purpose', '2026-11-27T02:09:12.000Z'), exposure_score: 388, acr_score: 6 },
    },
    findings: initialFindings(),
    exports: [],
    pollsToFinish: 3,
    exportOutcome: 'FINISHED',
  };
}

/** The `X-ApiKeys` pairs; both `accessKey=…;secretKey=…` and the docs' `; ` separator are read. */
function apiKeys(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

function asList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Which findings an export's filters select; Tenable exports OPEN and REOPENED when `state` is absent. */
function selects(filters: Record<string, unknown>, row: Finding, ip: (uuid: string) => string | undefined): boolean {
  const severity = asList(filters['severity'])?.map((s) => String(s).toLowerCase());
  if (severity && !severity.includes(row.severity)) return false;
  const states = asList(filters['state'])?.map((s) => String(s).toUpperCase()) ?? ['OPEN', 'REOPENED'];
  if (!states.includes(row.state)) return false;
  const plugins = asList(filters['plugin_id'])?.map(Number);
  if (plugins && !plugins.includes(row.plugin.id)) return false;
  const since = filters['since'];
  if (typeof since === 'number') {
    const seen = Date.parse(row.state === 'FIXED' ? (row.last_fixed ?? row.last_found) : row.last_found) / 1000;
    if (seen < since) return false;
  }
  const cidr = filters['cidr_range'];
  if (typeof cidr === 'string' && !inCidr(ip(row.asset.uuid) ?? '', cidr)) return false;
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (v: string) => v.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = Number(bits ?? 32);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(base ?? '') || !(size >= 0 && size <= 32)) return false;
  const block = 2 ** (32 - size);
  return Math.floor(toInt(ip) / block) === Math.floor(toInt(base!) / block);
}

/** Groups findings by asset, `perChunk` assets to a chunk (chunk ids start at 1). */
function chunked(rows: Finding[], perChunk: number): Finding[][] {
  const byAsset = new Map<string, Finding[]>();
  for (const row of rows) byAsset.set(row.asset.uuid, [...(byAsset.get(row.asset.uuid) ?? []), row]);
  const groups = [...byAsset.values()];
  const chunks: Finding[][] = [];
  for (let i = 0; i < groups.length; i += perChunk) chunks.push(groups.slice(i, i + perChunk).flat());
  return chunks;
}

function exportUuid(n: number): string {
  return `b8f7f2da-b1e5-4585-bbf2-${String(n).padStart(12, '0')}`;
}

const VALID_FILTERS = new Set(['severity', 'state', 'plugin_id', 'plugin_family', 'plugin_type', 'since', 'first_found', 'last_found', 'last_fixed', 'indexed_at', 'cidr_range', 'network_id', 'vpr_score', 'scan_uuid', 'source', 'severity_modification_type']);

function requestExport(req: TwinRequest, state: TenableState): TwinResponse {
  const body = (req.body ?? {}) as { num_assets?: unknown; filters?: unknown };
  const filters = (body.filters ?? {}) as Record<string, unknown>;
  if (typeof filters !== 'object' || Array.isArray(filters)) return gatewayError(400, 'Bad Request', 'filters must be an object');
  const unknown = Object.keys(filters).find((key) => !VALID_FILTERS.has(key) && !key.startsWith('tag.'));
  if (unknown !== undefined) return gatewayError(400, 'Bad Request', `Invalid filter: ${unknown}`);
  const badSeverity = asList(filters['severity'])?.find((s) => !(String(s).toLowerCase() in SEVERITY_ID));
  if (badSeverity !== undefined) return gatewayError(400, 'Bad Request', `Invalid severity: ${String(badSeverity)}`);
  const numAssets = Math.min(5000, Math.max(50, typeof body.num_assets === 'number' ? body.num_assets : 50));
  const key = JSON.stringify(filters);
  const running = state.exports.find((job) => (job.status === 'QUEUED' || job.status === 'PROCESSING') && JSON.stringify(job.filters) === key);
  if (running !== undefined) {
    return { status: 409, body: { active_job_id: running.uuid, failure_reason: `Duplicate export not allowed. Please refer to the existing export job ${running.uuid}.` } };
  }
  const ip = (uuid: string) => (state.assets[uuid]?.['ipv4'] as string[] | undefined)?.[0];
  const rows = state.findings.filter((row) => selects(filters, row, ip));
  const job: ExportJob = { uuid: exportUuid(state.exports.length + 1), num_assets: numAssets, filters, created: Date.now(), status: 'QUEUED', polls: 0, chunks: chunked(rows, state.assetsPerChunk ?? numAssets) };
  state.exports.push(job);
  return { body: { export_uuid: job.uuid } };
}

function jobOf(req: TwinRequest, state: TenableState): ExportJob | undefined {
  return state.exports.find((job) => job.uuid === req.params['export_uuid']);
}

const EXPORT_NOT_FOUND = gatewayError(404, 'Not Found', 'Export not found');

/** Each poll advances the job: QUEUED, then PROCESSING with the first chunk ready, then the final outcome. */
function exportStatus(req: TwinRequest, state: TenableState): TwinResponse {
  const job = jobOf(req, state);
  if (job === undefined) return EXPORT_NOT_FOUND;
  if (job.status === 'QUEUED' || job.status === 'PROCESSING') {
    job.polls += 1;
    if (job.polls >= state.pollsToFinish) job.status = state.exportOutcome;
    else if (job.polls > 1) job.status = 'PROCESSING';
  }
  const ids = job.chunks.map((_, i) => i + 1);
  const available = job.status === 'FINISHED' ? ids : job.status === 'PROCESSING' ? ids.slice(0, 1) : [];
  return {
    body: {
      uuid: job.uuid,
      status: job.status,
      chunks_available: available,
      chunks_failed: [],
      chunks_cancelled: job.status === 'CANCELLED' ? ids.filter((id) => !available.includes(id)) : [],
      total_chunks: job.status === 'FINISHED' ? ids.length : 0,
      chunks_available_count: available.length,
      empty_chunks_count: 0,
      finished_chunks: available.length,
      filters: job.filters,
      num_assets_per_chunk: job.num_assets,
      created: job.created,
    },
  };
}

function downloadChunk(req: TwinRequest, state: TenableState): TwinResponse {
  const job = jobOf(req, state);
  if (job === undefined) return EXPORT_NOT_FOUND;
  const id = Number(req.params['chunk_id']);
  const ready = job.status === 'FINISHED' || (job.status === 'PROCESSING' && id === 1);
  const chunk = job.chunks[id - 1];
  if (!ready || chunk === undefined) return gatewayError(404, 'Not Found', `Chunk ${req.params['chunk_id'] ?? ''} not found`);
  return { body: chunk };
}

function cancelExport(req: TwinRequest, state: TenableState): TwinResponse {
  const job = jobOf(req, state);
  if (job === undefined) return EXPORT_NOT_FOUND;
  if (job.status === 'QUEUED' || job.status === 'PROCESSING') job.status = 'CANCELLED';
  return { body: { status: job.status } };
}

function getAsset(req: TwinRequest, state: TenableState): TwinResponse {
  const record = state.assets[req.params['asset_uuid'] ?? ''];
  return record === undefined ? gatewayError(404, 'Not Found', 'Asset not found') : { body: record };
}

const TOO_MANY = '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>tenable.io</center>\r\n</body>\r\n</html>\r\n';

export const tenableTwin: TwinDefinition<TenableState> = {
  id: 'tenable',
  name: 'Tenable Vulnerability Management',
  initialState,
  authenticate: (req) => {
    const keys = apiKeys(req.headers['x-apikeys']);
    if (keys['accessKey'] === tenableLabCredentials.accessKey && keys['secretKey'] === tenableLabCredentials.secretKey) return undefined;
    // The gateway's {statusCode, error, message} shape is pyTenable's recorded 403/404 answers (tests/io/cassettes);
    // the 401 text itself is not in Tenable's published material.
    return gatewayError(401, 'Unauthorized', 'Invalid Credentials');
  },
  // Retry-After on 429: pyTenable tenable/base/platform.py honours it; the HTML body is not in Tenable's published material.
  rateLimited: (retryAfterSeconds) => ({
    status: 429,
    body: TOO_MANY,
    headers: { 'content-type': 'text/html', 'retry-after': String(retryAfterSeconds), server: 'tenable.io' },
  }),
  notFound: () => gatewayError(404, 'Not Found', 'Not Found'),
  routes: [
    { method: 'POST', path: '/vulns/export', handler: requestExport },
    { method: 'GET', path: '/vulns/export/:export_uuid/status', handler: exportStatus },
    { method: 'GET', path: '/vulns/export/:export_uuid/chunks/:chunk_id', handler: downloadChunk },
    { method: 'POST', path: '/vulns/export/:export_uuid/cancel', handler: cancelExport },
    { method: 'GET', path: '/assets/:asset_uuid', handler: getAsset },
  ],
};
