import { isIP } from 'node:net';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Shodan twin (developer.shodan.io/api): `GET /shodan/host/{ip}` with `?key=`, `minify` and `history`;
 * `{ error }` bodies (404 "No information available for that IP." for addresses it never saw); a refused
 * key as the plain HTML 401 page users report; and the 1 request/second limit as a 429 with Shodan's text
 * and no Retry-After. It knows the scenario's internet-exposed VPN gateway and the Tor exit of the
 * suspicious login, and nothing of internal 10.x addresses.
 */

export interface ShodanState {
  hosts: Record<string, Record<string, unknown>>;
}

/** The API key the twin accepts. */
export const shodanLabCredentials = { key: 'lab-shodan-key' };

/** Shodan's rate-limit text (as the shodanz client quotes it). */
export const RATE_LIMIT_TEXT = 'Request rate limit reached (1 request/ second). Please wait a second before trying again and slow down your API calls.';

const UNAUTHORIZED_PAGE =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>401 Unauthorized</title>\n<h1>Unauthorized</h1>\n<p>This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.</p>\n';

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function banner(ip: string, port: number, module: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { ip_str: ip, ip: ipNumber(ip), port, transport: 'tcp', ...fields, _shodan: { id: `6a1f0d2e-${String(port).padStart(4, '0')}-4c3b-9e8d-7f6a5b4c3d2e`, module, crawler: 'b3e0f2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4', ptr: true, options: {} } };
}

function vpnGateway(): Record<string, unknown> {
  const { ip, hostname, openPorts } = scenario.vulnerability.asset;
  const fqdn = `${hostname}.${scenario.org.domain}`;
  const location = { city: 'Chicago', region_code: 'IL', country_code: 'US', country_name: 'United States', latitude: 41.85003, longitude: -87.65005 };
  const pan = ['cpe:2.3:o:paloaltonetworks:pan-os'];
  return {
    ip_str: ip,
    ip: ipNumber(ip),
    hostnames: [fqdn],
    domains: [scenario.org.domain],
    org: 'Corp Example Inc.',
    isp: 'Example Transit LLC',
    asn: 'AS64500',
    os: null,
    ...location,
    tags: ['vpn'],
    ports: [...openPorts],
    vulns: [scenario.vulnerability.cve],
    last_update: '2026-11-26T22:41:07.112233',
    data: [
      banner(ip, 443, 'https', { product: 'Palo Alto GlobalProtect', cpe23: pan, timestamp: '2026-11-26T22:41:07.112233', hostnames: [fqdn], http: { title: 'GlobalProtect Portal', status: 200 }, vulns: { [scenario.vulnerability.cve]: { verified: false, cvss: scenario.vulnerability.cvss, summary: scenario.vulnerability.description } }, data: 'HTTP/1.1 200 OK\r\nServer: PanWeb Server/ -\r\n' }),
      banner(ip, 4443, 'https-simple-new', { product: 'Palo Alto PAN-OS', cpe23: pan, timestamp: '2026-11-25T09:03:51.440712', hostnames: [fqdn], http: { title: 'Login', status: 200 }, data: 'HTTP/1.1 200 OK\r\nServer: PanWeb Server/ -\r\n' }),
    ],
  };
}

function torExit(): Record<string, unknown> {
  const ip = scenario.login.maliciousIp;
  const host = 'tor-exit-45.relayhosting.example';
  return {
    ip_str: ip,
    ip: ipNumber(ip),
    hostnames: [host],
    domains: ['relayhosting.example'],
    org: 'Relay Hosting SRL',
    isp: 'Relay Hosting SRL',
    asn: 'AS64511',
    os: 'Linux',
    city: 'Bucharest',
    region_code: 'B',
    country_code: scenario.login.country,
    country_name: 'Romania',
    latitude: 44.43225,
    longitude: 26.10626,
    tags: ['tor'],
    ports: [22, 80, 9001],
    last_update: '2026-11-27T05:12:40.918274',
    data: [
      banner(ip, 22, 'ssh', { product: 'OpenSSH', version: '9.2p1 Debian 2+deb12u3', cpe23: ['cpe:2.3:a:openbsd:openssh:9.2p1'], timestamp: '2026-11-27T05:12:40.918274', data: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n' }),
      banner(ip, 80, 'http', { product: 'nginx', cpe23: ['cpe:2.3:a:f5:nginx'], timestamp: '2026-11-26T19:44:02.201173', http: { title: 'This is a Tor Exit Router', status: 200 }, data: 'HTTP/1.1 200 OK\r\nServer: nginx\r\n' }),
      banner(ip, 9001, 'https', { product: 'Tor', tags: ['tor'], timestamp: '2026-11-26T11:30:18.660845', data: '' }),
    ],
  };
}

function initialState(): ShodanState {
  return { hosts: { [scenario.vulnerability.asset.ip]: vpnGateway(), [scenario.login.maliciousIp]: torExit() } };
}

function error(status: number, message: string): TwinResponse {
  return { status, body: { error: message } };
}

function hostLookup(req: TwinRequest, state: ShodanState): TwinResponse {
  const ip = req.params['ip'] ?? '';
  if (isIP(ip) === 0) return error(400, 'Invalid IP');
  const host = state.hosts[ip];
  if (host === undefined) return error(404, 'No information available for that IP.');
  if (req.query.get('minify') === 'true') {
    const { data: _banners, ...general } = host;
    return { body: { ...general, data: [] } };
  }
  return { body: host };
}

export const shodanTwin: TwinDefinition<ShodanState> = {
  id: 'shodan',
  name: 'Shodan',
  initialState,
  // Source: shodan-python shodan/client.py: a 401 whose body is HTML is the web server's page ('Invalid API key'); other errors are {error}.
  authenticate: (req) => (req.query.get('key') === shodanLabCredentials.key ? undefined : { status: 401, body: UNAUTHORIZED_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } }),
  // Shodan documents no Retry-After, so `retryAfterSeconds` has no header to go into.
  rateLimited: () => error(429, RATE_LIMIT_TEXT),
  notFound: () => error(404, 'Not Found'),
  routes: [{ method: 'GET', path: '/shodan/host/:ip', handler: hostLookup }],
};
