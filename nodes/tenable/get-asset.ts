import * as z from 'zod';
import type { RequestAction } from '../sdk/define-connector.ts';
import { getAssetOutput } from './outputs.ts';

export const getAssetInput = z.strictObject({
  asset_uuid: z.uuid().meta({ title: 'Asset UUID' }).describe('The asset UUID, e.g. asset.uuid of a finding from list_vulnerabilities.'),
});

/**
 * A record of `GET /assets/{asset_uuid}` (developer.tenable.com "Get asset details"): identity lists
 * (`ipv4`, `fqdn`, `hostname`, `operating_system` are arrays), first/last seen and the sources that saw it.
 */
export const ASSET_EXAMPLE = {
  id: '0c5b8f7e-2a1d-4e3f-9b8a-7c6d5e4f3a21',
  has_agent: false,
  has_plugin_results: true,
  created_at: '2025-06-02T10:04:51.221Z',
  updated_at: '2026-11-27T02:12:03.517Z',
  first_seen: '2025-06-02T10:01:12.000Z',
  last_seen: '2026-11-27T02:10:44.000Z',
  last_authenticated_scan_date: '2026-11-27T02:10:44.000Z',
  ipv4: ['198.51.100.20'],
  ipv6: [],
  fqdn: ['vpn-gw-01.corp.example'],
  hostname: ['vpn-gw-01'],
  netbios_name: [],
  mac_address: ['00:1b:17:00:01:20'],
  operating_system: ['Palo Alto Networks PAN-OS 10.2.9'],
  system_type: ['firewall'],
  network_id: ['00000000-0000-0000-0000-000000000000'],
  sources: [{ name: 'NESSUS_SCAN', first_seen: '2025-06-02T10:01:12.000Z', last_seen: '2026-11-27T02:10:44.000Z' }],
  tags: [{ tag_uuid: '5a1e0c2b-7f3d-4b8e-9c6a-1d2e3f4a5b6c', tag_key: 'Exposure', tag_value: 'Internet-facing', added_by: 'a7d3c5e1-0000-4000-8000-000000000001', added_at: '2025-06-02T10:30:00.000Z' }],
  exposure_score: 912,
  acr_score: 9,
};

/** `GET /assets/{asset_uuid}`: one asset's details; an unknown UUID is Tenable's 404 (NOT_FOUND). */
export const getAsset: RequestAction<typeof getAssetInput> = {
  title: 'Get asset',
  description: 'Details of one asset: IPv4/FQDN/hostname lists, operating system, first and last seen, sources, tags, exposure and criticality scores.',
  input: getAssetInput,
  effect: 'read',
  output: getAssetOutput,
  example: ASSET_EXAMPLE,
  request: (input) => ({ method: 'GET', url: `/assets/${encodeURIComponent(input.asset_uuid)}` }),
};
