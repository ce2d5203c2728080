import * as z from 'zod';

/**
 * What the AWS actions output (ec2.ts, waf.ts, guardduty.ts), for validation of
 * `nodes.<id>.output.…` references. AWS's own structures (groups, rules, IP sets, findings'
 * resources) keep AWS's field names and stay open.
 */

const awsObject = z.record(z.string(), z.unknown());

/** Revoke security group ingress. */
export const revokeIngressOutput = z.object({
  GroupId: z.string(),
  Return: z.boolean().describe('EC2 accepted the request.'),
  RequestId: z.string().nullable(),
  RevokedSecurityGroupRules: z.array(awsObject),
  UnknownIpPermissions: z.array(awsObject).describe('Permissions that matched no rule.'),
  revoked: z.number().describe('Rules revoked.'),
});

/** Describe security groups. */
export const describeSecurityGroupsOutput = z.object({
  SecurityGroups: z.array(awsObject),
  count: z.number(),
  ingress: z.array(awsObject).describe('One inbound rule per source: GroupId, IpProtocol, FromPort, ToPort and CidrIp, CidrIpv6 or SourceGroupId.'),
  truncated: z.boolean(),
});

/** Get WAF IP set. */
export const getIpSetOutput = z.object({
  IPSet: awsObject.describe('The IP set (Name, Id, ARN, IPAddressVersion, Addresses…).'),
  LockToken: z.unknown(),
  count: z.number(),
  contains: z.unknown().describe('Whether the set holds the address asked about.'),
});

/** Add IP to WAF IP set. */
export const addIpToIpSetOutput = z.object({
  IPSet: awsObject,
  added: z.array(z.string()),
  alreadyPresent: z.array(z.string()),
  updated: z.boolean(),
  NextLockToken: z.unknown(),
  attempts: z.number().describe('Tries, counting retries after a lock conflict.'),
});

/** List GuardDuty findings: each finding trimmed to what triage needs (guardduty.ts `shapeFinding`). */
export const listFindingsOutput = z.object({
  findings: z.array(awsObject),
  findingIds: z.array(z.string()),
  count: z.number(),
  maxSeverity: z.number().nullable(),
  remoteIps: z.array(z.string()),
  nextToken: z.string().nullable(),
});
