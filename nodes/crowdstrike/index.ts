import { defineConnector } from '../sdk/define-connector.ts';
import { hostDetections } from './alerts.ts';
import { falconErrorMessage } from './client.ts';
import { containHost, liftContainment } from './containment.ts';
import { crowdstrikeCredentials } from './credentials.ts';
import { findHosts, hostDetails } from './hosts.ts';

/**
 * CrowdStrike Falcon (EDR) over its OAuth2 REST API. Tokens come from `POST /oauth2/token` and are
 * cached per credential; a 429's `X-RateLimit-RetryAfter` (a UTC epoch: seconds as Falcon sends it,
 * milliseconds as its generated client documents it, told apart by magnitude) is honoured by the SDK's
 * rate-limit header reader.
 */
export const crowdstrikeConnector = defineConnector({
  id: 'crowdstrike',
  name: 'CrowdStrike Falcon',
  category: 'edr',
  docsUrl: 'https://falconpy.io/Service-Collections/Hosts.html',
  description: 'Find hosts by FQL, read host details and their alerts, contain a host and lift containment.',
  credentials: crowdstrikeCredentials,
  http: (credentials) => ({ baseURL: credentials.baseUrl, headers: { Accept: 'application/json' } }),
  vendorError: falconErrorMessage,
  actions: {
    find_hosts: findHosts,
    host_details: hostDetails,
    host_detections: hostDetections,
    contain_host: containHost,
    lift_containment: liftContainment,
  },
});
