import { defineConnector } from '../sdk/define-connector.ts';
import { blockIp, isIpBlocked, tagIp } from './address.ts';
import { panosCredentials, panVendorError } from './api.ts';
import { commit } from './commit.ts';

/**
 * Palo Alto Networks PAN-OS firewalls over the XML API (`/api/?type=…`, key in X-PAN-KEY): block an
 * IP through a static address group (effective after commit) or a User-ID tag for a dynamic address
 * group (effective at once), commit, and check whether an IP is blocked.
 */
export const panosConnector = defineConnector({
  id: 'panos',
  name: 'Palo Alto PAN-OS',
  category: 'firewall',
  docsUrl: 'https://docs.paloaltonetworks.com/ngfw/api/pan-os-xml-api-request-types-and-actions',
  description: 'Block an IP with an address group or a dynamic-address-group tag, commit, and check whether an IP is blocked.',
  credentials: panosCredentials,
  http: (credentials) => ({
    baseURL: credentials.baseUrl,
    headers: { 'X-PAN-KEY': credentials.apiKey },
    rejectUnauthorized: credentials.rejectUnauthorized,
  }),
  vendorError: panVendorError,
  actions: {
    block_ip: blockIp,
    tag_ip: tagIp,
    commit,
    is_ip_blocked: isIpBlocked,
  },
});
