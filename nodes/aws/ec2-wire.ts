import { childOf, find, parseXml, textOf } from '../sdk/xml.ts';
import type { XmlElement } from '../sdk/xml.ts';

/** The EC2 Query API version every call names (botocore data/ec2/2016-11-15). */
export const EC2_API_VERSION = '2016-11-15';

type QueryValue = string | number | boolean | undefined;

/** One rule set as the EC2 API models it (`IpPermission`), with the SDK's member names. */
export interface IpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: Array<{ CidrIp: string; Description?: string }>;
  Ipv6Ranges?: Array<{ CidrIpv6: string; Description?: string }>;
  UserIdGroupPairs?: Array<{ GroupId?: string; UserId?: string; Description?: string }>;
  PrefixListIds?: Array<{ PrefixListId: string; Description?: string }>;
}

/** A security group as DescribeSecurityGroups returns it, with the SDK's member names. */
export interface SecurityGroup {
  GroupId: string;
  GroupName: string;
  Description: string;
  OwnerId: string;
  VpcId?: string;
  IpPermissions: IpPermission[];
  IpPermissionsEgress: IpPermission[];
  Tags: Array<{ Key: string; Value: string }>;
}

/** `Action=…&Version=2016-11-15&…` form body; undefined values are left out. */
export function ec2Body(action: string, params: Record<string, QueryValue>): string {
  const form = new URLSearchParams({ Action: action, Version: EC2_API_VERSION });
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.append(key, String(value));
  return form.toString();
}

/** A list flattened the Query way: `GroupId.1=…&GroupId.2=…`. */
export function listParams(prefix: string, values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((value, i) => [`${prefix}.${i + 1}`, value]));
}

/** `Filter.N.Name` and `Filter.N.Value.M`. */
export function filterParams(filters: ReadonlyArray<{ Name: string; Values: readonly string[] }>): Record<string, string> {
  const out: Record<string, string> = {};
  filters.forEach((filter, i) => {
    out[`Filter.${i + 1}.Name`] = filter.Name;
    Object.assign(out, listParams(`Filter.${i + 1}.Value`, filter.Values));
  });
  return out;
}

/** `IpPermissions.N.IpProtocol`, `.FromPort`, `.ToPort`, `.IpRanges.M.CidrIp`, `.Ipv6Ranges.M.CidrIpv6`. */
export function ipPermissionParams(permissions: readonly IpPermission[]): Record<string, QueryValue> {
  const out: Record<string, QueryValue> = {};
  permissions.forEach((permission, i) => {
    const p = `IpPermissions.${i + 1}`;
    out[`${p}.IpProtocol`] = permission.IpProtocol;
    out[`${p}.FromPort`] = permission.FromPort;
    out[`${p}.ToPort`] = permission.ToPort;
    permission.IpRanges?.forEach((range, j) => {
      out[`${p}.IpRanges.${j + 1}.CidrIp`] = range.CidrIp;
      out[`${p}.IpRanges.${j + 1}.Description`] = range.Description;
    });
    permission.Ipv6Ranges?.forEach((range, j) => {
      out[`${p}.Ipv6Ranges.${j + 1}.CidrIpv6`] = range.CidrIpv6;
      out[`${p}.Ipv6Ranges.${j + 1}.Description`] = range.Description;
    });
  });
  return out;
}

/** The `<item>` children of the element at `path` (EC2 wraps every list in `<…Set><item>`). */
export function items(element: XmlElement | undefined, path: string): XmlElement[] {
  return find(element, path)?.children.filter((c) => c.name === 'item') ?? [];
}

/** A child's trimmed text, or undefined when the child is absent or empty. */
export function text(element: XmlElement | undefined, name: string): string | undefined {
  const value = textOf(childOf(element, name));
  return value === '' ? undefined : value;
}

function integer(element: XmlElement | undefined, name: string): number | undefined {
  const value = text(element, name);
  return value === undefined || !/^-?\d+$/.test(value) ? undefined : Number(value);
}

function withDescription<T extends object>(entry: T, description: string | undefined): T & { Description?: string } {
  return description === undefined ? entry : { ...entry, Description: description };
}

/** An `ipPermissions/item` element as an IpPermission. */
export function ipPermissionOf(item: XmlElement): IpPermission {
  const permission: IpPermission = { IpProtocol: text(item, 'ipProtocol') ?? '-1' };
  const from = integer(item, 'fromPort');
  const to = integer(item, 'toPort');
  if (from !== undefined) permission.FromPort = from;
  if (to !== undefined) permission.ToPort = to;
  permission.IpRanges = items(item, 'ipRanges').map((r) => withDescription({ CidrIp: text(r, 'cidrIp') ?? '' }, text(r, 'description')));
  permission.Ipv6Ranges = items(item, 'ipv6Ranges').map((r) => withDescription({ CidrIpv6: text(r, 'cidrIpv6') ?? '' }, text(r, 'description')));
  permission.UserIdGroupPairs = items(item, 'groups').map((g) => ({
    ...(text(g, 'groupId') === undefined ? {} : { GroupId: text(g, 'groupId') }),
    ...(text(g, 'userId') === undefined ? {} : { UserId: text(g, 'userId') }),
  }));
  permission.PrefixListIds = items(item, 'prefixListIds').map((p) => ({ PrefixListId: text(p, 'prefixListId') ?? '' }));
  return permission;
}

/** A `securityGroupInfo/item` element as a SecurityGroup. */
export function securityGroupOf(item: XmlElement): SecurityGroup {
  const group: SecurityGroup = {
    GroupId: text(item, 'groupId') ?? '',
    GroupName: text(item, 'groupName') ?? '',
    Description: text(item, 'groupDescription') ?? '',
    OwnerId: text(item, 'ownerId') ?? '',
    IpPermissions: items(item, 'ipPermissions').map(ipPermissionOf),
    IpPermissionsEgress: items(item, 'ipPermissionsEgress').map(ipPermissionOf),
    Tags: items(item, 'tagSet').map((t) => ({ Key: text(t, 'key') ?? '', Value: text(t, 'value') ?? '' })),
  };
  const vpcId = text(item, 'vpcId');
  return vpcId === undefined ? group : { ...group, VpcId: vpcId };
}

/** Parses an EC2 answer and checks its root (`<DescribeSecurityGroupsResponse …>`); throws on anything else. */
export function ec2Response(body: unknown, root: string): XmlElement {
  if (typeof body !== 'string') throw new Error(`expected <${root}> XML, got ${typeof body}`);
  const document = parseXml(body);
  if (document.name !== root) throw new Error(`expected <${root}>, got <${document.name}>`);
  return document;
}
