import * as z from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { polledItems, pollParams, pollTriggerNode, type PollSpec } from '../sdk/poll-trigger.ts';
import { elasticCredentials } from './credentials.ts';

/** The index Elastic Security writes the default space's detection alerts to (an alias over hidden backing indices). */
export const SECURITY_ALERTS_INDEX = '.alerts-security.alerts-default';

/** Severities of a detection rule (`kibana.alert.severity`). */
export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Params of the detection-alerts trigger: polling, then which alerts of the alerts index. */
export const alertsTriggerInput = z.strictObject({
  ...pollParams('_id'),
  index: z
    .string()
    .min(1)
    .max(4_096)
    .regex(/^[^\s/\\#?"<>|]+$/, 'must be an index, alias or pattern (comma-separated, no spaces)')
    .default(SECURITY_ALERTS_INDEX)
    .meta({ title: 'Alerts index' })
    .describe(`Alerts index of the Kibana space (default ${SECURITY_ALERTS_INDEX}; another space is .alerts-security.alerts-<space id>).`),
  severity: z.array(z.enum(ALERT_SEVERITIES)).min(1).optional().meta({ title: 'Severity' }).describe('Only alerts whose kibana.alert.severity is one of these.'),
  workflowStatus: z
    .array(z.enum(['open', 'acknowledged', 'closed']))
    .min(1)
    .default(['open'])
    .meta({ title: 'Workflow status' })
    .describe('Only alerts in these workflow states (kibana.alert.workflow_status; default open).'),
  query: z.record(z.string(), z.unknown()).optional().meta({ title: 'Extra filter (DSL)' }).describe('Extra Query DSL filter, e.g. {"term": {"host.name": "WS-0142"}}.'),
  limit: z.int().min(1).max(10_000).default(1_000).meta({ title: 'Alerts per poll' }).describe('Most alerts read per poll.'),
});

/** The detection-alerts trigger's params after defaults. */
export type AlertsTriggerParams = z.output<typeof alertsTriggerInput>;

/**
 * New Elastic Security detection alerts, polled through the connector's `search` on the alerts
 * index: `@timestamp` from the cursor minus the look-back window, sorted ascending (search_after
 * paging); each hit is one event, deduplicated on `_id` (the alert's `kibana.alert.uuid`).
 */
export const alertsPoll: PollSpec<AlertsTriggerParams> = {
  type: 'elastic.alerts_trigger@1',
  action: 'elastic.search@1',
  params: alertsTriggerInput,
  input: (params, window) => ({
    index: params.index,
    query: {
      bool: {
        filter: [
          { range: { '@timestamp': { gte: new Date(window.from).toISOString() } } },
          { terms: { 'kibana.alert.workflow_status': params.workflowStatus } },
          ...(params.severity !== undefined ? [{ terms: { 'kibana.alert.severity': params.severity } }] : []),
          ...(params.query !== undefined ? [params.query] : []),
        ],
      },
    },
    sort: [{ '@timestamp': 'asc' }],
    size: Math.min(params.limit, 1_000),
    limit: params.limit,
  }),
  items: (output, params) =>
    polledItems((output as { hits?: unknown } | undefined)?.hits, params.dedupeField, '_source.@timestamp', (hit) => {
      const { _index, _id, _source } = hit as { _index?: unknown; _id?: unknown; _source?: unknown };
      return { _index, _id, _source };
    }),
  describe: (params) =>
    `${params.index}${params.severity ? ` (${params.severity.join(', ')})` : ''} every ${params.intervalSeconds} s, look-back ${params.lookbackSeconds} s`,
};

/** An alert as the trigger outputs it: the hit's `_index`, `_id` and `_source` (alerts-as-data fields). */
const ALERT_EXAMPLE = {
  _index: '.internal.alerts-security.alerts-default-000001',
  _id: '4d0ab1d2c3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f',
  _source: {
    '@timestamp': '2026-11-27T08:02:41.000Z',
    'kibana.alert.uuid': '4d0ab1d2c3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f',
    'kibana.alert.rule.name': 'Malware Detection Alert',
    'kibana.alert.rule.uuid': 'b8e1c9a0-5f0e-11ef-9d41-1b2c3d4e5f60',
    'kibana.alert.severity': 'high',
    'kibana.alert.risk_score': 73,
    'kibana.alert.workflow_status': 'open',
    'kibana.alert.status': 'active',
    'kibana.alert.original_time': '2026-11-27T08:02:39.000Z',
    'kibana.alert.reason': 'malware event with process invoice_0142.exe on WS-0142 created high alert Malware Detection Alert.',
    'kibana.space_ids': ['default'],
    'event.kind': 'signal',
    host: { name: 'WS-0142' },
    user: { name: 'alice' },
  },
};

/** The trigger node: starts the playbook once per new detection alert; its output is the alert's hit. */
export const alertsTrigger: NodeTypeSpec<AlertsTriggerParams, unknown> = pollTriggerNode(alertsPoll, {
  connector: 'elastic',
  title: 'Elastic detection alerts trigger',
  description:
    'Starts the playbook once for each new Elastic Security detection alert (polled every interval from the alerts index, reading back over the look-back window so late-indexed alerts arrive; deduplicated on _id). Outputs the alert (_index, _id, _source).',
  category: 'siem',
  example: ALERT_EXAMPLE,
  credentials: { connector: 'elastic', required: true, schema: elasticCredentials },
});
