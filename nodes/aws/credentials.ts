import * as z from 'zod';
import { secret } from '../sdk/secrets.ts';

/** The services this connector calls, by their SigV4 signing names. */
export type AwsService = 'ec2' | 'wafv2' | 'guardduty';

const endpoint = (what: string) =>
  z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(`${what} endpoint override. Default: https://<service>.<region>.amazonaws.com, or baseUrl when that is set.`);

/**
 * An IAM access key (long-term, or temporary with its session token) and the region to work in. The
 * endpoints derive from the region unless overridden: `baseUrl` for every service at once (a proxy,
 * LocalStack, the lab), or one URL per service, which wins over `baseUrl`.
 */
export const awsCredentials = z.object({
  accessKeyId: z
    .string()
    .regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id (AKIA… or ASIA…)')
    .meta({ title: 'Access key ID' })
    .describe('Access key id of an IAM user (AKIA…) or of temporary credentials (ASIA…).'),
  secretAccessKey: secret(z.string().min(1).describe('Secret access key: signs every request (SigV4) and is never sent.')).meta({ title: 'Secret access key' }),
  sessionToken: secret(z.string().min(1).describe('Session token of temporary (STS) credentials, sent as X-Amz-Security-Token.')).optional().meta({ title: 'Session token' }),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region code such as us-east-1')
    .default('us-east-1')
    .meta({ title: 'Region' })
    .describe('Region of the security group, the REGIONAL WAF IP set and the GuardDuty detector (use us-east-1 for CLOUDFRONT IP sets).'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({ title: 'Base URL' })
    .describe('Endpoint override for every service at once (an internal proxy, LocalStack, the lab). Leave empty to use the regional AWS endpoints.'),
  ec2BaseUrl: endpoint('EC2').meta({ title: 'EC2 endpoint' }),
  wafBaseUrl: endpoint('WAFV2').meta({ title: 'WAF endpoint' }),
  guarddutyBaseUrl: endpoint('GuardDuty').meta({ title: 'GuardDuty endpoint' }),
});

/** The credential with defaults applied (region filled in). */
export type AwsCredentials = z.output<typeof awsCredentials>;

/** The regional public endpoint of a service (`.amazonaws.com.cn` in the China partition). */
export function regionalEndpoint(service: AwsService, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${service}.${region}.${suffix}`;
}

/** Where one service is reached: its own override, else `baseUrl`, else the regional endpoint. */
export function endpointFor(credentials: AwsCredentials, service: AwsService): string {
  const own = { ec2: credentials.ec2BaseUrl, wafv2: credentials.wafBaseUrl, guardduty: credentials.guarddutyBaseUrl }[service];
  return (own ?? credentials.baseUrl ?? regionalEndpoint(service, credentials.region)).replace(/\/+$/, '');
}
