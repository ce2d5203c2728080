import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { awsJson } from './client.ts';
import { awsErrorCode } from './errors.ts';
import { cidrContains, toCidr } from './ip.ts';
import { addIpToIpSetOutput, getIpSetOutput } from './outputs.ts';

/** WAFV2 speaks JSON 1.1: POST / with `X-Amz-Target: AWSWAF_20190729.<Operation>`. */
const TARGET_PREFIX = 'AWSWAF_20190729';

/** `IPSet` of GetIPSet (botocore wafv2 2019-07-29 shapes). */
export interface IpSet {
  Name: string;
  Id: string;
  ARN: string;
  Description?: string;
  IPAddressVersion: 'IPV4' | 'IPV6';
  Addresses: string[];
}

interface GetIpSetResponse {
  IPSet?: IpSet;
  LockToken?: string;
}

const ipSetRef = {
  Name: z.string().regex(/^[\w-]{1,128}$/, 'must be 1-128 letters, digits, _ or -').meta({ title: 'IP set name' }).describe('IP set name, e.g. switchboard-blocklist.'),
  Scope: z.enum(['REGIONAL', 'CLOUDFRONT']).default('REGIONAL').meta({ title: 'Scope' }).describe('REGIONAL (ALB, API Gateway, AppSync, Cognito…) or CLOUDFRONT (region us-east-1).'),
  Id: z.string().regex(/^[\w-]{1,36}$/, 'must be the IP set id').meta({ title: 'IP set ID' }).describe('IP set id, e.g. a1b2c3d4-5678-90ab-cdef-EXAMPLE11111.'),
};

async function wafCall<T>(ctx: ConnectorContext, operation: string, json: unknown): Promise<T> {
  return awsJson<T>(ctx, {
    service: 'wafv2',
    path: '/',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `${TARGET_PREFIX}.${operation}` },
    json,
  });
}

async function getIpSet(ctx: ConnectorContext, ref: { Name: string; Scope: string; Id: string }): Promise<{ IPSet: IpSet; LockToken: string }> {
  const data = await wafCall<GetIpSetResponse>(ctx, 'GetIPSet', { Name: ref.Name, Scope: ref.Scope, Id: ref.Id });
  if (data.IPSet === undefined || typeof data.LockToken !== 'string') {
    throw new NodeError('VENDOR', 'AWS WAFV2 GetIPSet answered without IPSet and LockToken', { vendor: 'aws' });
  }
  return { IPSet: { ...data.IPSet, Addresses: data.IPSet.Addresses ?? [] }, LockToken: data.LockToken };
}

/** The IP set both examples show. */
const EXAMPLE_IP_SET: IpSet = {
  Name: 'switchboard-blocklist',
  Id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  ARN: 'arn:aws:wafv2:us-east-1:123456789012:regional/ipset/switchboard-blocklist/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  Description: 'Addresses blocked by Switchboard playbooks',
  IPAddressVersion: 'IPV4',
  Addresses: ['185.220.101.45/32'],
};

const getInput = z.object({
  ...ipSetRef,
  contains: z.string().min(1).optional().meta({ title: 'Contains IP or CIDR' }).describe('An IP address or CIDR to look for: `contains` tells whether the set covers it.'),
});

/** Reads a WAF IP set: its addresses and the lock token an update needs (WAFV2 GetIPSet). */
export const getWafIpSet: RunAction<typeof getInput> = {
  title: 'Get WAF IP set',
  description: 'Reads a WAFV2 IP set (GetIPSet): its CIDR addresses, version and lock token; with `contains`, whether an address is covered (i.e. blocked, for a block list).',
  effect: 'read',
  input: getInput,
  output: getIpSetOutput,
  example: {
    IPSet: EXAMPLE_IP_SET,
    LockToken: '0d2f3e4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
    count: 1,
    contains: true,
  },
  async run(ctx, input) {
    const { IPSet, LockToken } = await getIpSet(ctx, input);
    const contains = input.contains === undefined ? null : IPSet.Addresses.some((cidr) => cidrContains(cidr, input.contains ?? ''));
    return { IPSet, LockToken, count: IPSet.Addresses.length, contains };
  },
};

const addInput = z.object({
  ...ipSetRef,
  Addresses: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(1000)])
    .meta({ title: 'Addresses' })
    .describe('Addresses to add: IPs or CIDRs (a bare IPv4 becomes /32, IPv6 /128). Those already in the set are left as they are.'),
});

/** Addresses to add as WAF CIDRs, in order and without duplicates; an unreadable one is refused. */
export function cidrsToAdd(addresses: string | readonly string[]): string[] {
  const list = typeof addresses === 'string' ? [addresses] : addresses;
  const out: string[] = [];
  for (const address of list) {
    const parsed = toCidr(address);
    if (parsed === undefined) throw new NodeError('INVALID_INPUT', `Addresses: ${address} is not an IP address or CIDR`, { vendor: 'aws' });
    if (!out.includes(parsed.cidr)) out.push(parsed.cidr);
  }
  return out;
}

/**
 * Adds addresses to a WAF IP set: GetIPSet, then UpdateIPSet with the whole list plus the new
 * CIDRs and the LockToken (UpdateIPSet replaces the list and the description). When someone else
 * changed the set in between (WAFOptimisticLockException) it reads again and retries once.
 */
export const addIpToWafIpSet: RunAction<typeof addInput> = {
  title: 'Add IP to WAF IP set',
  description:
    'Blocks addresses by adding them to a WAFV2 IP set used by a block rule (GetIPSet, then UpdateIPSet with the full list and the lock token; re-read and retried once on WAFOptimisticLockException). Addresses already present are not re-sent.',
  effect: 'write',
  idempotent: true,
  input: addInput,
  output: addIpToIpSetOutput,
  example: {
    IPSet: EXAMPLE_IP_SET,
    added: ['185.220.101.45/32'],
    alreadyPresent: [],
    updated: true,
    NextLockToken: '6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
    attempts: 1,
  },
  async run(ctx, input) {
    const wanted = cidrsToAdd(input.Addresses);
    for (let attempt = 1; ; attempt++) {
      const { IPSet, LockToken } = await getIpSet(ctx, input);
      const present = new Set(IPSet.Addresses.map((a) => a.toLowerCase()));
      const added = wanted.filter((cidr) => !present.has(cidr));
      const alreadyPresent = wanted.filter((cidr) => present.has(cidr));
      if (added.length === 0) return { IPSet, added, alreadyPresent, updated: false, NextLockToken: LockToken, attempts: attempt };
      const Addresses = [...IPSet.Addresses, ...added];
      const update = { Name: input.Name, Scope: input.Scope, Id: input.Id, Addresses, LockToken, ...(IPSet.Description === undefined ? {} : { Description: IPSet.Description }) };
      try {
        const { NextLockToken } = await wafCall<{ NextLockToken?: string }>(ctx, 'UpdateIPSet', update);
        return { IPSet: { ...IPSet, Addresses }, added, alreadyPresent, updated: true, NextLockToken: NextLockToken ?? null, attempts: attempt };
      } catch (error) {
        const conflict = error instanceof NodeError && awsErrorCode(error) === 'WAFOptimisticLockException';
        if (!conflict || attempt >= 2) throw error;
      }
    }
  },
};
