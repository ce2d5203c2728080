import { abuseipdbConnector } from '../../nodes/abuseipdb/index.ts';
import { crowdstrikeConnector } from '../../nodes/crowdstrike/index.ts';
import { mispConnector } from '../../nodes/misp/index.ts';
import { msgraphConnector } from '../../nodes/msgraph/index.ts';
import { oktaConnector } from '../../nodes/okta/index.ts';
import { panosConnector } from '../../nodes/panos/index.ts';
import { virustotalConnector } from '../../nodes/virustotal/index.ts';
import { jiraConnector } from '../../nodes/jira/index.ts';
import { awsConnector } from '../../nodes/aws/index.ts';
import { splunkConnector } from '../../nodes/splunk/index.ts';
import { elasticConnector } from '../../nodes/elastic/index.ts';
import { tenableConnector } from '../../nodes/tenable/index.ts';
import { nvdConnector } from '../../nodes/nvd/index.ts';
import { cisaKevConnector } from '../../nodes/cisa_kev/index.ts';
import { shodanConnector } from '../../nodes/shodan/index.ts';
import { slackConnector } from '../../nodes/slack/index.ts';
import { thehiveConnector } from '../../nodes/thehive/index.ts';
import type { LabVendor } from './lab.ts';
import { abuseipdbLabCredentials, abuseipdbTwin } from '../../lab/twins/abuseipdb.ts';
import { crowdstrikeLabCredentials, crowdstrikeTwin } from '../../lab/twins/crowdstrike.ts';
import { mispLabCredentials, mispTwin } from '../../lab/twins/misp.ts';
import { msgraphLabCredentials, msgraphTwin } from '../../lab/twins/msgraph.ts';
import { oktaLabCredentials, oktaTwin } from '../../lab/twins/okta.ts';
import { panosLabCredentials, panosTwin } from '../../lab/twins/panos.ts';
import { virustotalLabCredentials, virustotalTwin } from '../../lab/twins/virustotal.ts';
import { jiraLabCredentials, jiraTwin } from '../../lab/twins/jira.ts';
import { awsLabCredentials, awsTwin } from '../../lab/twins/aws.ts';
import { splunkLabCredentials, splunkTwin } from '../../lab/twins/splunk.ts';
import { elasticLabCredentials, elasticTwin } from '../../lab/twins/elastic.ts';
import { tenableLabCredentials, tenableTwin } from '../../lab/twins/tenable.ts';
import { nvdLabCredentials, nvdTwin } from '../../lab/twins/nvd.ts';
import { cisaKevLabCredentials, cisaKevTwin } from '../../lab/twins/cisa-kev.ts';
import { shodanLabCredentials, shodanTwin } from '../../lab/twins/shodan.ts';
import { slackLabCredentials, slackTwin } from '../../lab/twins/slack.ts';
import { thehiveLabCredentials, thehiveTwin } from '../../lab/twins/thehive.ts';

/** Every vendor the lab simulates: the connector, its twin, and the credential the twin accepts. */
export const labVendors: readonly LabVendor[] = [
  { connector: splunkConnector, twin: splunkTwin, credentials: splunkLabCredentials },
  { connector: elasticConnector, twin: elasticTwin, credentials: elasticLabCredentials },
  { connector: virustotalConnector, twin: virustotalTwin, credentials: virustotalLabCredentials },
  { connector: abuseipdbConnector, twin: abuseipdbTwin, credentials: abuseipdbLabCredentials },
  { connector: mispConnector, twin: mispTwin, credentials: mispLabCredentials },
  { connector: crowdstrikeConnector, twin: crowdstrikeTwin, credentials: crowdstrikeLabCredentials },
  { connector: panosConnector, twin: panosTwin, credentials: panosLabCredentials },
  { connector: msgraphConnector, twin: msgraphTwin, credentials: msgraphLabCredentials },
  { connector: oktaConnector, twin: oktaTwin, credentials: oktaLabCredentials },
  { connector: jiraConnector, twin: jiraTwin, credentials: jiraLabCredentials },
  { connector: thehiveConnector, twin: thehiveTwin, credentials: thehiveLabCredentials },
  { connector: slackConnector, twin: slackTwin, credentials: slackLabCredentials },
  { connector: tenableConnector, twin: tenableTwin, credentials: tenableLabCredentials },
  { connector: nvdConnector, twin: nvdTwin, credentials: nvdLabCredentials },
  { connector: cisaKevConnector, twin: cisaKevTwin, credentials: cisaKevLabCredentials },
  { connector: shodanConnector, twin: shodanTwin, credentials: shodanLabCredentials },
  { connector: awsConnector, twin: awsTwin, credentials: awsLabCredentials },
];
