import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { batches, falconRequest, idList, queryIds } from './client.ts';
import type { FalconEnvelope } from './client.ts';
import { findHostsOutput, hostDetailsOutput } from './outputs.ts';

/** A host record of `GET /devices/entities/devices/v2` (the fields a playbook uses most; the rest pass through). */
export interface FalconDevice {
  device_id: string;
  hostname?: string;
  local_ip?: string;
  external_ip?: string;
  platform_name?: string;
  os_version?: string;
  /** normal | containment_pending | contained | lift_containment_pending */
  status?: string;
  last_seen?: string;
  [field: string]: unknown;
}

/** One device id (32 hex digits, the sensor's AID) or a list of them. */
export const deviceIds = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(5000)])
  .describe('Device id (AID) or a list of them, as find_hosts returns.');

const QUERY_PAGE = 5000;
const DETAILS_BATCH = 100;

export const EXAMPLE_DEVICE: FalconDevice = {
  device_id: '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a',
  cid: '1a2b3c4d5e6f708192a3b4c5d6e7f809',
  agent_version: '7.18.18106.0',
  hostname: 'WS-ALICE-01',
  local_ip: '10.20.30.41',
  external_ip: '198.51.100.7',
  mac_address: '00-15-5d-2a-41-0c',
  platform_name: 'Windows',
  os_version: 'Windows 11',
  os_build: '22631',
  product_type_desc: 'Workstation',
  machine_domain: 'corp.example',
  system_manufacturer: 'Dell Inc.',
  system_product_name: 'Latitude 7440',
  first_seen: '2025-03-04T09:12:55Z',
  last_seen: '2026-11-27T08:13:40Z',
  status: 'normal',
  tags: [],
};

const findHostsInput = z.strictObject({
  filter: z
    .string()
    .min(1)
    .max(4000)
    .meta({ title: 'Filter (FQL)' })
    .describe("FQL filter, e.g. hostname:'WS-ALICE-01' or local_ip:'10.20.30.41'+platform_name:'Windows'."),
  sort: z
    .string()
    .regex(/^[a-z_.]+[.|](asc|desc)$/, 'must look like hostname.asc')
    .optional()
    .meta({ title: 'Sort' })
    .describe('Sort property and direction, e.g. hostname.asc or last_seen.desc.'),
  limit: z.number().int().min(1).max(10_000).default(100).meta({ title: 'Max hosts' }).describe('Most device ids to return; pages of 5000 are followed.'),
});

/** `GET /devices/queries/devices/v1`: device ids matching an FQL filter, following offset pages. */
export const findHosts: RunAction<typeof findHostsInput> = {
  title: 'Find hosts',
  description: 'Finds device ids (AIDs) whose host matches an FQL filter (hostname, local_ip, external_ip, platform_name, status, …).',
  input: findHostsInput,
  effect: 'read',
  output: findHostsOutput,
  example: { resources: ['4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a'], device_id: '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a', total: 1, found: true },
  run: async (ctx, input) => {
    const { ids, total } = await queryIds(ctx, '/devices/queries/devices/v1', { filter: input.filter, sort: input.sort }, input.limit, QUERY_PAGE);
    return { resources: ids, device_id: ids[0] ?? null, total, found: ids.length > 0 };
  },
};

const hostDetailsInput = z.strictObject({ ids: deviceIds.meta({ title: 'Device IDs' }) });

/** The host details of the given device ids, fetched 100 ids per `GET /devices/entities/devices/v2` call. */
export async function deviceDetails(ctx: ConnectorContext, ids: readonly string[]): Promise<FalconDevice[]> {
  const devices: FalconDevice[] = [];
  for (const batch of batches(ids, DETAILS_BATCH)) {
    const { data } = await falconRequest<FalconEnvelope<FalconDevice>>(ctx, {
      method: 'GET',
      url: '/devices/entities/devices/v2',
      params: { ids: batch },
      paramsSerializer: { indexes: null },
    });
    devices.push(...(data?.resources ?? []));
  }
  return devices;
}

/** `GET /devices/entities/devices/v2?ids=…`: full host records, with the ids Falcon did not know. */
export const hostDetails: RunAction<typeof hostDetailsInput> = {
  title: 'Host details',
  description: 'Gets the host record (hostname, IPs, OS, sensor version, last seen, containment status) of one or more device ids.',
  input: hostDetailsInput,
  effect: 'read',
  output: hostDetailsOutput,
  example: { resources: [EXAMPLE_DEVICE], host: EXAMPLE_DEVICE, notFound: [], contained: false },
  run: async (ctx, input) => {
    const ids = idList(input.ids);
    const resources = await deviceDetails(ctx, ids);
    const known = new Set(resources.map((d) => d.device_id));
    const host = resources[0] ?? null;
    return { resources, host, notFound: ids.filter((id) => !known.has(id)), contained: host?.status === 'contained' };
  },
};
