import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { batches, falconRequest, queryIds } from './client.ts';
import type { FalconEnvelope } from './client.ts';
import { hostDetectionsOutput } from './outputs.ts';

/**
 * An alert of the Alerts API (`POST /alerts/entities/alerts/v2`), the successor of the legacy
 * detects API (`/detects/…`, decommissioned 30 Sep 2025 per falconpy). The fields a playbook uses
 * most are typed; the rest pass through.
 */
export interface FalconAlert {
  composite_id: string;
  id?: string;
  device?: { device_id?: string; hostname?: string; local_ip?: string; external_ip?: string; platform_name?: string };
  /** 1-100. */
  severity?: number;
  severity_name?: string;
  status?: string;
  tactic?: string;
  tactic_id?: string;
  technique?: string;
  technique_id?: string;
  filename?: string;
  sha256?: string;
  created_timestamp?: string;
  [field: string]: unknown;
}

const QUERY_PAGE = 10_000;
const ENTITIES_BATCH = 1000;

const EXAMPLE_ALERT: FalconAlert = {
  composite_id: '1a2b3c4d5e6f708192a3b4c5d6e7f809:ldt:4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a:81604651',
  id: 'ldt:4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a:81604651',
  aggregate_id: 'aggind:4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a:81604651',
  cid: '1a2b3c4d5e6f708192a3b4c5d6e7f809',
  agent_id: '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a',
  product: 'epp',
  type: 'ldt',
  device: { device_id: '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a', hostname: 'WS-ALICE-01', local_ip: '10.20.30.41', external_ip: '198.51.100.7', platform_name: 'Windows' },
  severity: 90,
  severity_name: 'Critical',
  confidence: 100,
  status: 'new',
  name: 'MaliciousFile',
  display_name: 'Malicious file executed',
  description: 'A file written to disk and executed by the user was identified as malware.',
  tactic: 'Execution',
  tactic_id: 'TA0002',
  technique: 'User Execution: Malicious File',
  technique_id: 'T1204.002',
  filename: 'invoice.pdf.exe',
  filepath: '\\Device\\HarddiskVolume3\\Users\\alice\\Downloads\\invoice.pdf.exe',
  cmdline: '"C:\\Users\\alice\\Downloads\\invoice.pdf.exe"',
  sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
  md5: '44d88612fea8a8f36de82e1278abb02f',
  user_name: 'alice',
  created_timestamp: '2026-11-27T08:02:41Z',
  timestamp: '2026-11-27T08:02:39Z',
};

const hostDetectionsInput = z
  .strictObject({
    device_id: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be a 32-hex-digit device id').optional().meta({ title: 'Device ID' }).describe('Device id (AID) of the host.'),
    hostname: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a hostname')
      .optional()
      .meta({ title: 'Hostname' })
      .describe('Hostname, when the device id is not known (matched on device.hostname).'),
    filter: z.string().min(1).max(2000).optional().meta({ title: 'Extra filter (FQL)' }).describe("Extra FQL joined with +, e.g. status:'new' or severity:>=70."),
    sort: z
      .string()
      .regex(/^[a-z_.]+\|(asc|desc)$/, 'must look like created_timestamp|desc')
      .default('created_timestamp|desc')
      .meta({ title: 'Sort' })
      .describe('Sort field and direction, e.g. severity|desc.'),
    limit: z.number().int().min(1).max(10_000).default(100).meta({ title: 'Max alerts' }).describe('Most alerts to return.'),
  })
  .refine((v) => v.device_id !== undefined || v.hostname !== undefined, { message: 'give device_id or hostname', path: ['device_id'] });

/** The FQL that selects a host's alerts. Inputs are validated (hex id, hostname), so no quoting is needed. */
export function hostAlertFilter(input: { device_id?: string; hostname?: string; filter?: string }): string {
  const host = input.device_id !== undefined ? `device.device_id:'${input.device_id.toLowerCase()}'` : `device.hostname:'${input.hostname ?? ''}'`;
  return input.filter === undefined ? host : `${host}+${input.filter}`;
}

/** The playbook's quick view of a host's alerts: anything found, how bad, which tactics and files. */
export function alertSummary(alerts: readonly FalconAlert[]): {
  detected: boolean;
  count: number;
  maxSeverity: number;
  maxSeverityName: string | null;
  tactics: string[];
  techniques: string[];
  filenames: string[];
  sha256: string[];
} {
  const worst = alerts.reduce<FalconAlert | undefined>((top, a) => ((a.severity ?? 0) > (top?.severity ?? -1) ? a : top), undefined);
  const unique = (pick: (a: FalconAlert) => unknown): string[] => [
    ...new Set(alerts.map(pick).filter((v): v is string => typeof v === 'string' && v !== '')),
  ];
  return {
    detected: alerts.length > 0,
    count: alerts.length,
    maxSeverity: worst?.severity ?? 0,
    maxSeverityName: worst?.severity_name ?? null,
    tactics: unique((a) => a.tactic),
    techniques: unique((a) => a.technique),
    filenames: unique((a) => a.filename),
    sha256: unique((a) => a.sha256),
  };
}

async function alertEntities(ctx: ConnectorContext, compositeIds: readonly string[]): Promise<FalconAlert[]> {
  const alerts: FalconAlert[] = [];
  for (const batch of batches(compositeIds, ENTITIES_BATCH)) {
    const { data } = await falconRequest<FalconEnvelope<FalconAlert>>(ctx, {
      method: 'POST',
      url: '/alerts/entities/alerts/v2',
      data: { composite_ids: batch },
    });
    alerts.push(...(data?.resources ?? []));
  }
  return alerts;
}

/**
 * A host's detections through the Alerts API: `GET /alerts/queries/alerts/v2` (FQL on
 * `device.device_id`, offset pages) then `POST /alerts/entities/alerts/v2` `{composite_ids}`.
 */
export const hostDetections: RunAction<typeof hostDetectionsInput> = {
  title: 'Host detections',
  description: 'Lists the endpoint alerts (detections) of a host, newest first, with a summary: detected, worst severity, tactics, files.',
  input: hostDetectionsInput,
  effect: 'read',
  output: hostDetectionsOutput,
  example: { filter: "device.device_id:'4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a'", total: 1, resources: [EXAMPLE_ALERT], ...alertSummary([EXAMPLE_ALERT]) },
  run: async (ctx, input) => {
    const filter = hostAlertFilter(input);
    const { ids, total } = await queryIds(ctx, '/alerts/queries/alerts/v2', { filter, sort: input.sort }, input.limit, QUERY_PAGE);
    const resources = ids.length === 0 ? [] : await alertEntities(ctx, ids);
    return { filter, total, resources, ...alertSummary(resources) };
  },
};
