import { createRegistry } from '../engine/node-type.ts';
import type { NodeRegistry } from '../engine/node-type.ts';
import { abuseipdbConnector } from './abuseipdb/index.ts';
import { coreConnector } from './core/index.ts';
import { crowdstrikeConnector } from './crowdstrike/index.ts';
import { mispConnector } from './misp/index.ts';
import { msgraphConnector } from './msgraph/index.ts';
import { oktaConnector } from './okta/index.ts';
import { panosConnector } from './panos/index.ts';
import { jiraConnector } from './jira/index.ts';
import { awsConnector } from './aws/index.ts';
import { splunkConnector } from './splunk/index.ts';
import { elasticConnector } from './elastic/index.ts';
import { tenableConnector } from './tenable/index.ts';
import { nvdConnector } from './nvd/index.ts';
import { cisaKevConnector } from './cisa_kev/index.ts';
import { shodanConnector } from './shodan/index.ts';
import { slackConnector } from './slack/index.ts';
import { thehiveConnector } from './thehive/index.ts';
import { virustotalConnector } from './virustotal/index.ts';
import type { Connector } from './sdk/define-connector.ts';

/** Every connector shipped with the app, core first. */
export const builtinConnectors: Connector[] = [
  coreConnector,
  splunkConnector,
  elasticConnector,
  virustotalConnector,
  abuseipdbConnector,
  mispConnector,
  crowdstrikeConnector,
  panosConnector,
  msgraphConnector,
  oktaConnector,
  jiraConnector,
  thehiveConnector,
  slackConnector,
  tenableConnector,
  nvdConnector,
  cisaKevConnector,
  shodanConnector,
  awsConnector,
];

/** The registry of every built-in node type, for the executor, the validator and the CLI. */
export function createBuiltinRegistry(): NodeRegistry {
  return createRegistry(builtinConnectors.flatMap((connector) => connector.specs));
}
