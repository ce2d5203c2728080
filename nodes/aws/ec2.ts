import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { unexpectedResponse } from '../sdk/http-errors.ts';
import type { XmlElement } from '../sdk/xml.ts';
import { awsRequest } from './client.ts';
import { ec2Body, ec2Response, filterParams, ipPermissionOf, ipPermissionParams, items, listParams, securityGroupOf, text } from './ec2-wire.ts';
import type { IpPermission, SecurityGroup } from './ec2-wire.ts';
import { AWS_VENDOR } from './errors.ts';
import { toCidr } from './ip.ts';
import { describeSecurityGroupsOutput, revokeIngressOutput } from './outputs.ts';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };

const groupId = z
  .string()
  .regex(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a security group id (sg-…)')
  .describe('Security group id, e.g. sg-0a1b2c3d4e5f60718.');
const protocol = z
  .string()
  .regex(/^(tcp|udp|icmp|icmpv6|-1|\d{1,3})$/i, 'must be tcp, udp, icmp, icmpv6, -1 (all) or a protocol number')
  .describe('IpProtocol: tcp, udp, icmp, icmpv6, -1 for all, or a protocol number.');
const port = z.coerce.number().int().min(-1).max(65535);

const permission = z.object({
  IpProtocol: protocol.meta({ title: 'Protocol' }),
  FromPort: port.optional().meta({ title: 'From port' }).describe('Start of the port range (ICMP: the type; -1 for all).'),
  ToPort: port.optional().meta({ title: 'To port' }).describe('End of the port range (ICMP: the code; -1 for all).'),
  IpRanges: z.array(z.object({ CidrIp: z.string().min(1).describe('IPv4 CIDR, e.g. 185.220.101.45/32.') })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: z.string().min(1).describe('IPv6 CIDR.') })).optional(),
});

const revokeInput = z
  .object({
    GroupId: groupId.meta({ title: 'Security group ID' }),
    IpProtocol: protocol.optional().meta({ title: 'Protocol' }).describe('Shorthand for one rule: its protocol (with FromPort, ToPort and CidrIp).'),
    FromPort: port.optional().meta({ title: 'From port' }).describe('Shorthand for one rule: start of its port range.'),
    ToPort: port.optional().meta({ title: 'To port' }).describe('Shorthand for one rule: end of its port range.'),
    CidrIp: z.string().min(1).optional().meta({ title: 'Source CIDR' }).describe('Shorthand for one rule: its IPv4 source, a CIDR or a bare address (taken as /32).'),
    IpPermissions: z.array(permission).min(1).max(50).optional().meta({ title: 'Rules (IpPermissions)' }).describe('The rules to revoke, as EC2 models them; instead of the shorthand fields.'),
  })
  .refine((input) => input.IpPermissions !== undefined || (input.IpProtocol !== undefined && input.CidrIp !== undefined), {
    message: 'give IpPermissions, or IpProtocol and CidrIp (with FromPort and ToPort for tcp and udp)',
  });

type RevokeInput = z.output<typeof revokeInput>;

function invalid(message: string): NodeError {
  return new NodeError('INVALID_INPUT', message, { vendor: 'aws' });
}

function normalisedCidr(value: string, version: 4 | 6): string {
  const parsed = toCidr(value);
  if (parsed === undefined || parsed.version !== version) throw invalid(`${value} is not an IPv${version} address or CIDR`);
  return parsed.cidr;
}

/** The rules to revoke as IpPermissions: the shorthand becomes one, and every source is a CIDR. */
export function permissionsOf(input: RevokeInput): IpPermission[] {
  const given: IpPermission[] = input.IpPermissions ?? [
    {
      IpProtocol: input.IpProtocol ?? '-1',
      FromPort: input.FromPort,
      ToPort: input.ToPort,
      IpRanges: [{ CidrIp: input.CidrIp ?? '' }],
    },
  ];
  return given.map((p) => {
    const out: IpPermission = { IpProtocol: p.IpProtocol.toLowerCase() };
    if (p.FromPort !== undefined) out.FromPort = p.FromPort;
    if (p.ToPort !== undefined) out.ToPort = p.ToPort;
    if ((out.IpProtocol === 'tcp' || out.IpProtocol === 'udp') && (out.FromPort === undefined || out.ToPort === undefined)) {
      throw invalid(`IpProtocol ${out.IpProtocol} needs FromPort and ToPort`);
    }
    if (p.IpRanges?.length) out.IpRanges = p.IpRanges.map((r) => ({ CidrIp: normalisedCidr(r.CidrIp, 4) }));
    if (p.Ipv6Ranges?.length) out.Ipv6Ranges = p.Ipv6Ranges.map((r) => ({ CidrIpv6: normalisedCidr(r.CidrIpv6, 6) }));
    if (out.IpRanges === undefined && out.Ipv6Ranges === undefined) throw invalid('each rule needs IpRanges or Ipv6Ranges');
    return out;
  });
}

function parsed<T>(status: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw unexpectedResponse(`${AWS_VENDOR} EC2`, 'aws', error, status);
  }
}

function optionalNumber(element: XmlElement, name: string): number | undefined {
  const value = text(element, name);
  return value === undefined ? undefined : Number(value);
}

/** A `revokedSecurityGroupRuleSet/item` with the SDK's member names (absent members left out). */
function revokedRuleOf(item: XmlElement): Record<string, unknown> {
  const rule: Record<string, unknown> = {
    SecurityGroupRuleId: text(item, 'securityGroupRuleId'),
    GroupId: text(item, 'groupId'),
    IsEgress: text(item, 'isEgress') === 'true',
    IpProtocol: text(item, 'ipProtocol'),
    FromPort: optionalNumber(item, 'fromPort'),
    ToPort: optionalNumber(item, 'toPort'),
    CidrIpv4: text(item, 'cidrIpv4'),
    CidrIpv6: text(item, 'cidrIpv6'),
    Description: text(item, 'description'),
  };
  return Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined));
}

/** Removes inbound rules from a security group (EC2 RevokeSecurityGroupIngress). */
export const revokeSecurityGroupIngress: RunAction<typeof revokeInput> = {
  title: 'Revoke security group ingress',
  description:
    'Removes inbound rules from a VPC security group (EC2 RevokeSecurityGroupIngress), e.g. SSH from an attacker address. The values must match an existing rule exactly; otherwise EC2 answers InvalidPermission.NotFound and nothing is revoked.',
  effect: 'write',
  input: revokeInput,
  output: revokeIngressOutput,
  example: {
    GroupId: 'sg-0a1b2c3d4e5f60718',
    Return: true,
    RequestId: '59dbff89-35bd-4eac-99ed-be587EXAMPLE',
    RevokedSecurityGroupRules: [
      { SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60002', GroupId: 'sg-0a1b2c3d4e5f60718', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '185.220.101.45/32' },
    ],
    UnknownIpPermissions: [],
    revoked: 1,
  },
  async run(ctx, input) {
    const permissions = permissionsOf(input);
    const body = ec2Body('RevokeSecurityGroupIngress', { GroupId: input.GroupId, ...ipPermissionParams(permissions) });
    const response = await awsRequest(ctx, { service: 'ec2', path: '/', body, headers: FORM });
    return parsed(response.status, () => {
      const root = ec2Response(response.data, 'RevokeSecurityGroupIngressResponse');
      const revoked = items(root, 'revokedSecurityGroupRuleSet').map(revokedRuleOf);
      return {
        GroupId: input.GroupId,
        Return: text(root, 'return') === 'true',
        RequestId: text(root, 'requestId') ?? null,
        RevokedSecurityGroupRules: revoked,
        UnknownIpPermissions: items(root, 'unknownIpPermissionSet').map(ipPermissionOf),
        revoked: revoked.length,
      };
    });
  },
};

const describeInput = z.object({
  GroupIds: z.union([groupId, z.array(groupId).min(1).max(1000)]).optional().meta({ title: 'Security group IDs' }).describe('Security group ids to describe (one or a list); all groups when empty.'),
  GroupNames: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional().meta({ title: 'Group names' }).describe('Group names (default VPC only; use a group-name filter elsewhere).'),
  Filters: z
    .array(z.object({ Name: z.string().min(1).describe('Filter name, e.g. vpc-id, group-name, ip-permission.cidr.'), Values: z.array(z.string()).min(1) }))
    .optional()
    .meta({ title: 'Filters' })
    .describe('EC2 filters, e.g. [{"Name":"ip-permission.cidr","Values":["0.0.0.0/0"]}].'),
  limit: z.number().int().min(1).max(10_000).default(1000).meta({ title: 'Max groups' }).describe('Most groups to return, following NextToken.'),
});

const list = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);

/** One inbound rule per source, flattened from the groups: what playbooks test ("is this rule gone?"). */
export function ingressRules(groups: readonly SecurityGroup[]): Array<Record<string, unknown>> {
  return groups.flatMap((group) =>
    group.IpPermissions.flatMap((p) => {
      const base = { GroupId: group.GroupId, IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort };
      return [
        ...(p.IpRanges ?? []).map((r) => ({ ...base, CidrIp: r.CidrIp })),
        ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, CidrIpv6: r.CidrIpv6 })),
        ...(p.UserIdGroupPairs ?? []).map((g) => ({ ...base, SourceGroupId: g.GroupId })),
      ];
    }),
  );
}

async function describePage(ctx: ConnectorContext, params: Record<string, string | number | undefined>) {
  const body = ec2Body('DescribeSecurityGroups', params);
  const response = await awsRequest(ctx, { service: 'ec2', path: '/', body, headers: FORM });
  return parsed(response.status, () => {
    const root = ec2Response(response.data, 'DescribeSecurityGroupsResponse');
    return { groups: items(root, 'securityGroupInfo').map(securityGroupOf), nextToken: text(root, 'nextToken') };
  });
}

/**
 * Reads security groups with their rules (EC2 DescribeSecurityGroups), following NextToken. EC2
 * refuses MaxResults together with GroupIds, so a lookup by id is one unpaged call.
 */
export const describeSecurityGroups: RunAction<typeof describeInput> = {
  title: 'Describe security groups',
  description:
    'Reads security groups and their inbound and outbound rules (EC2 DescribeSecurityGroups), by id, name or filter; `ingress` lists one inbound rule per source, `truncated` says more groups exist than `limit`.',
  effect: 'read',
  input: describeInput,
  output: describeSecurityGroupsOutput,
  example: {
    SecurityGroups: [
      {
        GroupId: 'sg-0a1b2c3d4e5f60718',
        GroupName: 'vpn-gw-01-sg',
        Description: 'GlobalProtect gateway vpn-gw-01',
        OwnerId: '123456789012',
        VpcId: 'vpc-0e1d2c3b4a5f60789',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'GlobalProtect portal' }], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: [] }],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: [] }],
        Tags: [{ Key: 'Name', Value: 'vpn-gw-01-sg' }],
      },
    ],
    count: 1,
    ingress: [{ GroupId: 'sg-0a1b2c3d4e5f60718', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }],
    truncated: false,
  },
  async run(ctx, input) {
    const ids = list(input.GroupIds);
    const base = { ...listParams('GroupId', ids), ...listParams('GroupName', list(input.GroupNames)), ...filterParams(input.Filters ?? []) };
    const groups: SecurityGroup[] = [];
    let nextToken: string | undefined;
    do {
      const page = ids.length > 0
        ? await describePage(ctx, base)
        : await describePage(ctx, { ...base, MaxResults: Math.min(1000, Math.max(5, input.limit - groups.length)), NextToken: nextToken });
      groups.push(...page.groups);
      nextToken = ids.length > 0 ? undefined : page.nextToken;
    } while (nextToken !== undefined && groups.length < input.limit);
    const SecurityGroups = groups.slice(0, input.limit);
    const truncated = nextToken !== undefined || groups.length > input.limit;
    return { SecurityGroups, count: SecurityGroups.length, ingress: ingressRules(SecurityGroups), truncated };
  },
};
