import * as z from 'zod';

/**
 * What the CrowdStrike Falcon actions output, for validation of `nodes.<id>.output.…`
 * references. Devices and alerts are Falcon's own objects: open.
 */

const device = z.record(z.string(), z.unknown()).describe('A Falcon device as the Hosts API sends it (device_id, hostname, local_ip, status…).');
const alert = z.record(z.string(), z.unknown()).describe('A Falcon alert as the Alerts API sends it (composite_id, severity, tactic, technique…).');

/** Find hosts (hosts.ts). */
export const findHostsOutput = z.object({
  resources: z.array(z.string()).describe('Device ids that matched.'),
  device_id: z.string().nullable().describe('The first device id, or null when none matched.'),
  total: z.number(),
  found: z.boolean(),
});

/** Host details (hosts.ts). */
export const hostDetailsOutput = z.object({
  resources: z.array(device),
  host: device.optional().describe('The first device.'),
  notFound: z.array(z.string()).describe('Ids Falcon did not return.'),
  contained: z.boolean().describe('The first device is network-contained.'),
});

/** Host detections (alerts.ts, with `alertSummary`). */
export const hostDetectionsOutput = z.object({
  filter: z.string().describe('The FQL filter that was used.'),
  total: z.number(),
  resources: z.array(alert),
  detected: z.boolean(),
  count: z.number(),
  maxSeverity: z.number(),
  maxSeverityName: z.string().nullable(),
  tactics: z.array(z.string()),
  techniques: z.array(z.string()),
  filenames: z.array(z.string()),
  sha256: z.array(z.string()),
});

/** Contain host and Lift containment (containment.ts). */
export const containmentOutput = z.object({
  action_name: z.string(),
  accepted: z.boolean().describe('Falcon accepted the request (202).'),
  resources: z.array(z.record(z.string(), z.unknown())),
  device_ids: z.array(z.string()),
  errors: z.array(z.unknown()),
});
