import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { compactFinding, countBySeverity, mentionsCve, pendingChunks, pollDelayMs, SEVERITIES } from './findings.ts';
import type { TenableFinding } from './findings.ts';
import { listVulnerabilitiesOutput } from './outputs.ts';

/** `GET /vulns/export/{export_uuid}/status`; `chunks_available` can grow while the job is still PROCESSING. */
interface ExportStatus {
  status?: string;
  chunks_available?: number[];
}

/** How many times one call is repeated after a 429 inside the export loop (the export itself is kept). */
const MAX_RATE_LIMIT_WAITS = 3;
const VENDOR = 'Tenable Vulnerability Management';

const STATES = ['OPEN', 'REOPENED', 'FIXED', 'open', 'reopened', 'fixed'] as const;

export const listVulnerabilitiesInput = z.strictObject({
  severity: z
    .array(z.enum(SEVERITIES))
    .min(1)
    .optional()
    .meta({ title: 'Severity' })
    .describe('Severities to export (filters.severity), e.g. ["critical", "high"]; all when empty.'),
  state: z
    .array(z.enum(STATES))
    .min(1)
    .optional()
    .meta({ title: 'State' })
    .describe('Finding states (filters.state): OPEN, REOPENED, FIXED. Tenable exports OPEN and REOPENED when absent.'),
  plugin_id: z.array(z.int().min(1)).min(1).optional().meta({ title: 'Plugin IDs' }).describe('Only these Nessus plugin ids (filters.plugin_id), e.g. [192877].'),
  cve: z
    .string()
    .regex(/^CVE-\d{4}-\d{4,}$/i, 'must look like CVE-2024-3400')
    .optional()
    .meta({ title: 'CVE' })
    .describe('Keep findings whose plugin lists this CVE. Applied to the downloaded chunks: the export API filters by plugin, not CVE.'),
  since: z.int().min(0).optional().meta({ title: 'Since (Unix seconds)' }).describe('Unix seconds (filters.since): findings seen, or fixed, at or after this time.'),
  cidr_range: z.string().optional().meta({ title: 'CIDR range' }).describe('Only assets in this CIDR range (filters.cidr_range), e.g. 198.51.100.0/24.'),
  num_assets: z.int().min(50).max(5000).default(500).meta({ title: 'Assets per chunk' }).describe('Assets per export chunk (num_assets), 50–5000.'),
  limit: z.int().min(1).max(10_000).default(1000).meta({ title: 'Max findings' }).describe('Most findings to return; the export is cancelled once reached.'),
  maxPolls: z
    .int()
    .min(1)
    .max(200)
    .default(12)
    .meta({ title: 'Status polls' })
    .describe('Status polls before giving up (waits of 2 s, 3 s … 30 s). 12 fit the default 120 s node timeout; raise both for big exports.'),
});

type ListInput = z.output<typeof listVulnerabilitiesInput>;

/** The export request body: `num_assets` and the vendor's `filters`, only those the input sets. */
export function exportRequestBody(input: ListInput): { num_assets: number; filters: Record<string, unknown> } {
  const filters: Record<string, unknown> = {};
  if (input.severity !== undefined) filters['severity'] = input.severity;
  if (input.state !== undefined) filters['state'] = input.state.map((s) => s.toUpperCase());
  if (input.plugin_id !== undefined) filters['plugin_id'] = input.plugin_id;
  if (input.since !== undefined) filters['since'] = input.since;
  if (input.cidr_range !== undefined) filters['cidr_range'] = input.cidr_range;
  return { num_assets: input.num_assets, filters };
}

/** Repeats one GET after a 429 that says when to come back, so a busy poll does not restart the export. */
async function patiently<T>(ctx: ConnectorContext, call: () => Promise<T>): Promise<T> {
  for (let wait = 0; ; wait++) {
    try {
      return await call();
    } catch (error) {
      const limited = error instanceof NodeError && error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined;
      if (!limited || wait >= MAX_RATE_LIMIT_WAITS) throw error;
      await ctx.clock.sleep(error.retryAfterMs ?? 0, ctx.signal);
    }
  }
}

/**
 * `POST /vulns/export`. A 409 means an identical export is already running; like pyTenable, its
 * `active_job_id` is adopted instead of failing.
 */
async function requestExport(ctx: ConnectorContext, body: unknown): Promise<string> {
  try {
    const response = await ctx.http.post<{ export_uuid?: string }>('/vulns/export', body);
    const uuid = response.data?.export_uuid;
    if (typeof uuid !== 'string') throw new NodeError('VENDOR', `${VENDOR} returned no export_uuid`, { status: response.status, vendor: 'tenable' });
    return uuid;
  } catch (error) {
    const active = error instanceof NodeError && error.status === 409 ? (error.details as { body?: { active_job_id?: unknown } } | undefined)?.body?.active_job_id : undefined;
    if (typeof active === 'string') return active;
    throw error;
  }
}

/** Best effort: an abandoned export should not hold one of the container's ten export slots. */
async function cancelExport(ctx: ConnectorContext, uuid: string): Promise<void> {
  try {
    await ctx.http.post(`/vulns/export/${encodeURIComponent(uuid)}/cancel`);
  } catch {
    ctx.log('warn', `could not cancel Tenable export ${uuid}`);
  }
}

interface Collected {
  findings: TenableFinding[];
  chunks: number;
  finished: boolean;
  /** Stopped at `limit` with findings, chunks or processing left over. */
  truncated: boolean;
}

/** Polls the export until FINISHED, downloading each chunk as it becomes available, until `limit` findings. */
async function collect(ctx: ConnectorContext, uuid: string, input: ListInput): Promise<Collected> {
  const base = `/vulns/export/${encodeURIComponent(uuid)}`;
  const done = new Set<number>();
  const findings: TenableFinding[] = [];
  for (let poll = 1; ; poll++) {
    const { data } = await patiently(ctx, () => ctx.http.get<ExportStatus>(`${base}/status`));
    const status = data?.status ?? 'UNKNOWN';
    if (status === 'ERROR' || status === 'CANCELLED') {
      throw new NodeError('VENDOR', `${VENDOR} export ${uuid} ended ${status}`, { vendor: 'tenable', details: { body: data } });
    }
    const pending = pendingChunks(data?.chunks_available ?? [], done);
    for (const [index, id] of pending.entries()) {
      const chunk = await patiently(ctx, () => ctx.http.get<TenableFinding[]>(`${base}/chunks/${id}`));
      done.add(id);
      const rows = Array.isArray(chunk.data) ? chunk.data : [];
      for (const row of rows) if (input.cve === undefined || mentionsCve(row, input.cve)) findings.push(row);
      if (findings.length >= input.limit) {
        const finished = status === 'FINISHED';
        const truncated = findings.length > input.limit || index < pending.length - 1 || !finished;
        return { findings: findings.slice(0, input.limit), chunks: done.size, finished, truncated };
      }
    }
    if (status === 'FINISHED') return { findings, chunks: done.size, finished: true, truncated: false };
    if (poll >= input.maxPolls) {
      await cancelExport(ctx, uuid);
      throw new NodeError('TIMEOUT', `${VENDOR} export ${uuid} still ${status} after ${poll} status polls; cancelled (raise maxPolls and the node timeout)`, { vendor: 'tenable' });
    }
    await ctx.clock.sleep(pollDelayMs(poll), ctx.signal);
  }
}

export const LIST_EXAMPLE = {
  export_uuid: 'b8f7f2da-b1e5-4585-bbf2-8a90631a9f1a',
  vulnerabilities: [
    {
      asset: { uuid: '0c5b8f7e-2a1d-4e3f-9b8a-7c6d5e4f3a21', hostname: 'vpn-gw-01', ipv4: '198.51.100.20', fqdn: 'vpn-gw-01.corp.example', operating_system: ['Palo Alto Networks PAN-OS 10.2.9'] },
      plugin: {
        id: 192877,
        name: 'Palo Alto Networks PAN-OS GlobalProtect Command Injection (CVE-2024-3400)',
        family: 'Palo Alto Local Security Checks',
        cve: ['CVE-2024-3400'],
        cvss3_base_score: 10,
        has_patch: true,
        solution: 'Upgrade to PAN-OS 10.2.9-h1, 11.0.4-h1, 11.1.2-h3 or later.',
        vpr: { score: 9.8 },
      },
      port: { port: 443, protocol: 'TCP', service: 'www' },
      severity: 'critical',
      severity_id: 4,
      state: 'OPEN',
      first_found: '2026-11-20T02:14:09Z',
      last_found: '2026-11-27T02:10:44Z',
    },
  ],
  total: 1,
  truncated: false,
  chunks: 1,
  bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 1 },
};

/**
 * The vulnerability export flow: request the export, poll its status (QUEUED → PROCESSING → FINISHED)
 * on the run's clock, download every available chunk, and return the findings up to `limit`.
 */
export const listVulnerabilities: RunAction<typeof listVulnerabilitiesInput> = {
  title: 'List vulnerabilities',
  description:
    'Exports vulnerability findings (POST /vulns/export, status polling, chunk download) with asset, plugin (CVEs, CVSSv3, VPR, patch, solution), severity, state and first/last found dates.',
  input: listVulnerabilitiesInput,
  effect: 'read',
  output: listVulnerabilitiesOutput,
  example: LIST_EXAMPLE,
  run: async (ctx, input) => {
    const uuid = await requestExport(ctx, exportRequestBody(input));
    const { findings, chunks, finished, truncated } = await collect(ctx, uuid, input);
    if (!finished) await cancelExport(ctx, uuid);
    const vulnerabilities = findings.map(compactFinding);
    return { export_uuid: uuid, vulnerabilities, total: vulnerabilities.length, truncated, chunks, bySeverity: countBySeverity(vulnerabilities) };
  },
};
