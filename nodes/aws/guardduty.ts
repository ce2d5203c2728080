import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { awsJson } from './client.ts';
import { listFindingsOutput } from './outputs.ts';

/** GetFindings takes at most 50 ids; ListFindings pages hold 1–50 (botocore guardduty 2017-11-28). */
const GET_FINDINGS_MAX = 50;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

type Json = Record<string, unknown>;

const strings = z.array(z.string()).optional();
const integer = z.number().int().optional();

const condition = z
  .object({
    eq: strings,
    neq: strings,
    gt: integer,
    gte: integer,
    lt: integer,
    lte: integer,
    equals: strings,
    notEquals: strings,
    greaterThan: integer,
    greaterThanOrEqual: integer,
    lessThan: integer,
    lessThanOrEqual: integer,
    matches: strings,
    notMatches: strings,
  })
  .describe('A GuardDuty Condition, e.g. {"gte": 7} or {"eq": ["UnauthorizedAccess:EC2/TorIPCaller"]}.');

const listInput = z.object({
  detectorId: z.string().regex(/^[A-Za-z0-9]{1,300}$/, 'must be a GuardDuty detector id').meta({ title: 'Detector ID' }).describe('Detector id of the account and region, e.g. 12abc34d567e8fa901bc2d34eexample.'),
  findingCriteria: z
    .object({ criterion: z.record(z.string(), condition).meta({ title: 'Criterion' }) })
    .optional()
    .meta({ title: 'Finding criteria' })
    .describe('GuardDuty findingCriteria: {"criterion": {"<field>": Condition}}, e.g. {"criterion": {"severity": {"gte": 4}, "service.archived": {"eq": ["false"]}}}.'),
  sortCriteria: z
    .object({ attributeName: z.string().min(1).meta({ title: 'Attribute name' }), orderBy: z.enum(['ASC', 'DESC']).default('DESC').meta({ title: 'Order' }) })
    .optional()
    .meta({ title: 'Sort criteria' })
    .describe('Sort order, e.g. {"attributeName": "severity", "orderBy": "DESC"}.'),
  maxResults: z.number().int().min(1).max(50).default(50).meta({ title: 'Page size' }).describe('Page size of ListFindings (1–50).'),
  limit: z.number().int().min(1).max(1000).default(50).meta({ title: 'Max findings' }).describe('Most findings to return, following nextToken.'),
});

type ListInput = z.output<typeof listInput>;

/** GuardDuty's severity bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. */
export function severityLabel(severity: unknown): 'Low' | 'Medium' | 'High' | 'Critical' | null {
  if (typeof severity !== 'number') return null;
  if (severity >= 9) return 'Critical';
  if (severity >= 7) return 'High';
  if (severity >= 4) return 'Medium';
  return 'Low';
}

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function remoteIpOf(details: unknown): string | undefined {
  const ip = record(details)?.['ipAddressV4'] ?? record(details)?.['ipAddressV6'];
  return typeof ip === 'string' ? ip : undefined;
}

/** Remote addresses a finding's `service.action` names, whatever the action type. */
export function remoteIpsOf(action: unknown): string[] {
  const a = record(action) ?? {};
  const direct = ['networkConnectionAction', 'awsApiCallAction', 'kubernetesApiCallAction', 'rdsLoginAttemptAction'].map((key) =>
    remoteIpOf(record(a[key])?.['remoteIpDetails']),
  );
  const probes = record(a['portProbeAction'])?.['portProbeDetails'];
  const probed = Array.isArray(probes) ? probes.map((p) => remoteIpOf(record(p)?.['remoteIpDetails'])) : [];
  return [...new Set([...direct, ...probed].filter((ip): ip is string => ip !== undefined))];
}

/** A finding trimmed to what triage needs, with the vendor's field names, plus severityLabel and remoteIps. */
export function shapeFinding(finding: Json): Json {
  const service = record(finding['service']) ?? {};
  const resource = record(finding['resource']) ?? {};
  return {
    id: finding['id'],
    type: finding['type'],
    severity: finding['severity'],
    severityLabel: severityLabel(finding['severity']),
    title: finding['title'],
    description: finding['description'],
    accountId: finding['accountId'],
    region: finding['region'],
    arn: finding['arn'],
    createdAt: finding['createdAt'],
    updatedAt: finding['updatedAt'],
    resource,
    service: {
      action: service['action'] ?? null,
      archived: service['archived'] ?? false,
      count: service['count'] ?? null,
      eventFirstSeen: service['eventFirstSeen'] ?? null,
      eventLastSeen: service['eventLastSeen'] ?? null,
      resourceRole: service['resourceRole'] ?? null,
    },
    instanceId: record(resource['instanceDetails'])?.['instanceId'] ?? null,
    remoteIps: remoteIpsOf(service['action']),
  };
}

function findingsPath(detectorId: string, suffix = ''): string {
  return `/detector/${encodeURIComponent(detectorId)}/findings${suffix}`;
}

/** ListFindings pages (`maxResults`, `nextToken`) until `limit` ids are collected or the list ends. */
async function listFindingIds(ctx: ConnectorContext, input: ListInput): Promise<{ ids: string[]; nextToken: string | null }> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const json: Json = { maxResults: Math.min(input.maxResults, input.limit - ids.length) };
    if (input.findingCriteria !== undefined) json['findingCriteria'] = input.findingCriteria;
    if (input.sortCriteria !== undefined) json['sortCriteria'] = input.sortCriteria;
    if (nextToken !== undefined) json['nextToken'] = nextToken;
    const page = await awsJson<{ findingIds?: string[]; nextToken?: string }>(ctx, { service: 'guardduty', path: findingsPath(input.detectorId), headers: JSON_HEADERS, json });
    ids.push(...(page.findingIds ?? []));
    nextToken = page.nextToken === undefined || page.nextToken === '' || (page.findingIds ?? []).length === 0 ? undefined : page.nextToken;
  } while (nextToken !== undefined && ids.length < input.limit);
  return { ids: ids.slice(0, input.limit), nextToken: nextToken ?? null };
}

/** GetFindings in batches of 50, returned in the order ListFindings gave the ids. */
async function getFindings(ctx: ConnectorContext, detectorId: string, ids: readonly string[], sortCriteria: ListInput['sortCriteria']): Promise<Json[]> {
  const byId = new Map<string, Json>();
  for (let i = 0; i < ids.length; i += GET_FINDINGS_MAX) {
    const json: Json = { findingIds: ids.slice(i, i + GET_FINDINGS_MAX) };
    if (sortCriteria !== undefined) json['sortCriteria'] = sortCriteria;
    const page = await awsJson<{ findings?: Json[] }>(ctx, { service: 'guardduty', path: findingsPath(detectorId, '/get'), headers: JSON_HEADERS, json });
    for (const finding of page.findings ?? []) if (typeof finding['id'] === 'string') byId.set(finding['id'], finding);
  }
  return ids.map((id) => byId.get(id)).filter((f): f is Json => f !== undefined);
}

/** Lists GuardDuty findings with their details (ListFindings, then GetFindings). */
export const listGuarddutyFindings: RunAction<typeof listInput> = {
  title: 'List GuardDuty findings',
  description:
    'Lists GuardDuty findings of a detector matching findingCriteria (ListFindings, following nextToken up to `limit`) and reads their details (GetFindings): type, severity, title, the resource and the action with its remote IP.',
  effect: 'read',
  input: listInput,
  output: listFindingsOutput,
  example: {
    findings: [
      {
        id: '6ec8a1f4b2d04c7e9a3f5b1d2c4e6f80',
        type: 'UnauthorizedAccess:EC2/TorIPCaller',
        severity: 5,
        severityLabel: 'Medium',
        title: 'Tor exit node is communicating with EC2 instance i-0b7c3e1a9d2f45e68.',
        description: 'EC2 instance i-0b7c3e1a9d2f45e68 is receiving inbound connections from Tor exit node 185.220.101.45.',
        accountId: '123456789012',
        region: 'us-east-1',
        arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34eexample/finding/6ec8a1f4b2d04c7e9a3f5b1d2c4e6f80',
        createdAt: '2026-11-27T08:19:41.512Z',
        updatedAt: '2026-11-27T08:19:41.512Z',
        resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0b7c3e1a9d2f45e68', tags: [{ key: 'Name', value: 'vpn-gw-01' }] } },
        service: {
          action: {
            actionType: 'NETWORK_CONNECTION',
            networkConnectionAction: {
              connectionDirection: 'INBOUND',
              protocol: 'TCP',
              blocked: false,
              localPortDetails: { port: 22, portName: 'SSH' },
              remoteIpDetails: { ipAddressV4: '185.220.101.45', country: { countryName: 'Romania' } },
            },
          },
          archived: false,
          count: 4,
          eventFirstSeen: '2026-11-27T08:13:58.000Z',
          eventLastSeen: '2026-11-27T08:14:03.000Z',
          resourceRole: 'TARGET',
        },
        instanceId: 'i-0b7c3e1a9d2f45e68',
        remoteIps: ['185.220.101.45'],
      },
    ],
    findingIds: ['6ec8a1f4b2d04c7e9a3f5b1d2c4e6f80'],
    count: 1,
    maxSeverity: 5,
    remoteIps: ['185.220.101.45'],
    nextToken: null,
  },
  async run(ctx, input) {
    const { ids, nextToken } = await listFindingIds(ctx, input);
    const findings = ids.length === 0 ? [] : (await getFindings(ctx, input.detectorId, ids, input.sortCriteria)).map(shapeFinding);
    const severities = findings.map((f) => f['severity']).filter((s): s is number => typeof s === 'number');
    return {
      findings,
      findingIds: ids,
      count: findings.length,
      maxSeverity: severities.length === 0 ? null : Math.max(...severities),
      remoteIps: [...new Set(findings.flatMap((f) => f['remoteIps'] as string[]))],
      nextToken,
    };
  },
};
