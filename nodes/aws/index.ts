import { defineConnector } from '../sdk/define-connector.ts';
import { awsCredentials, endpointFor } from './credentials.ts';
import type { AwsService } from './credentials.ts';
import { describeSecurityGroups, revokeSecurityGroupIngress } from './ec2.ts';
import { AWS_VENDOR, awsErrorMessage } from './errors.ts';
import { listGuarddutyFindings } from './guardduty.ts';
import { addIpToWafIpSet, getWafIpSet } from './waf.ts';

/** Every service the connector signs calls for: the credential is sent to their endpoints only. */
const AWS_SERVICES: readonly AwsService[] = ['ec2', 'wafv2', 'guardduty'];

/**
 * AWS (cloud) over three service APIs, each signed with SigV4 by the aws4 library: EC2's Query API
 * (XML), WAFV2's JSON 1.1 API and GuardDuty's REST API. No `http` hook: every call goes to an
 * absolute, per-service endpoint (see credentials.ts), and aws4 signs the exact Host sent.
 */
export const awsConnector = defineConnector({
  id: 'aws',
  name: AWS_VENDOR,
  category: 'cloud',
  docsUrl: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html',
  description: 'Revoke a security group ingress rule, add an IP to a WAF IP set, and list GuardDuty findings (SigV4).',
  credentials: awsCredentials,
  endpoints: (credentials) => AWS_SERVICES.map((service) => endpointFor(credentials, service)),
  vendorError: awsErrorMessage,
  actions: {
    revoke_security_group_ingress: revokeSecurityGroupIngress,
    describe_security_groups: describeSecurityGroups,
    add_ip_to_waf_ip_set: addIpToWafIpSet,
    get_waf_ip_set: getWafIpSet,
    list_guardduty_findings: listGuarddutyFindings,
  },
});
