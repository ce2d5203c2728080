import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { escapeXml, findAll, textOf, xmlElement, xmlText } from '../sdk/xml.ts';
import { credentialsOf, OBJECT_NAME, panRequest, vsysXpath } from './api.ts';
import { blockIpOutput, isIpBlockedOutput, tagIpOutput } from './outputs.ts';

/** The static address group Switchboard adds blocked addresses to (referenced by a deny rule). */
export const DEFAULT_BLOCK_GROUP = 'switchboard-blocklist';
/** The tag whose dynamic address group a deny rule references. */
export const DEFAULT_BLOCK_TAG = 'switchboard-block';

/** An address or a network: what an `ip-netmask` address object holds. */
export const ipOrCidr = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
export const addressGroup = z
  .string()
  .regex(OBJECT_NAME, 'must be a PAN-OS object name')
  .default(DEFAULT_BLOCK_GROUP)
  .meta({ title: 'Address group' })
  .describe('Static address group referenced by a deny rule.');
export const blockTag = z
  .string()
  .min(1)
  .max(127)
  .default(DEFAULT_BLOCK_TAG)
  .meta({ title: 'Block tag' })
  .describe('Tag matched by the dynamic address group of a deny rule.');

/** The address object name for an IP: `sb-<ip>`, with `/` and `:` (not allowed in names) spelled `-` and `_`. */
export function addressName(ip: string): string {
  return `sb-${ip.replace(/\//g, '-').replace(/:/g, '_')}`;
}

function groupXpath(ctx: ConnectorContext, group: string): string {
  return `${vsysXpath(credentialsOf(ctx))}/address-group/entry[@name='${group}']/static`;
}

const blockInput = z.strictObject({
  ip: ipOrCidr.meta({ title: 'IP address or CIDR' }).describe('IPv4/IPv6 address or CIDR to block.'),
  address_group: addressGroup,
  description: z.string().max(1023).optional().meta({ title: 'Description' }).describe('Description kept on the address object, e.g. the case and reason.'),
});

/**
 * Creates the address object `sb-<ip>` and adds it to the block group's static members, both with
 * `type=config&action=set` (which merges). Like any config change it takes effect after a commit.
 */
export const blockIp: RunAction<typeof blockInput> = {
  title: 'Block IP (address group)',
  description: 'Creates address object sb-<ip> and adds it to a static address group used by a deny rule. Takes effect after commit.',
  input: blockInput,
  effect: 'write',
  idempotent: true,
  output: blockIpOutput,
  example: { ip: '185.220.101.45', address: 'sb-185.220.101.45', address_group: DEFAULT_BLOCK_GROUP, status: 'success', pendingCommit: true },
  run: async (ctx, input) => {
    const base = vsysXpath(credentialsOf(ctx));
    const address = addressName(input.ip);
    const element = xmlText('ip-netmask', input.ip) + (input.description === undefined ? '' : xmlText('description', input.description));
    await panRequest(ctx, { type: 'config', action: 'set', xpath: `${base}/address/entry[@name='${address}']`, element }, 'POST');
    await panRequest(ctx, { type: 'config', action: 'set', xpath: groupXpath(ctx, input.address_group), element: xmlText('member', address) }, 'POST');
    return { ip: input.ip, address, address_group: input.address_group, status: 'success', pendingCommit: true };
  },
};

const tagInput = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]).meta({ title: 'IP address' }).describe('IP address to tag.'),
  tag: blockTag,
  timeout: z.number().int().min(0).max(2_592_000).optional().meta({ title: 'Expires after (seconds)' }).describe('Seconds until the tag expires (max 30 days); absent or 0 = never.'),
});

/** The User-ID `uid-message` that registers one IP with one tag. */
export function registerMessage(ip: string, tag: string, timeout: number | undefined): string {
  const member = xmlElement('member', escapeXml(tag), timeout ? { timeout: String(timeout) } : {});
  const entry = xmlElement('entry', xmlElement('tag', member), { ip });
  return xmlElement('uid-message', [xmlText('version', '2.0'), xmlText('type', 'update'), xmlElement('payload', xmlElement('register', entry))]);
}

/**
 * Registers an IP-tag mapping through the User-ID API (`type=user-id`), which fills dynamic address
 * groups at once, with no commit. Registering a tag the IP already has is reported, not failed.
 */
export const tagIp: RunAction<typeof tagInput> = {
  title: 'Tag IP (dynamic address group)',
  description: 'Registers a tag on an IP with the User-ID API so dynamic address groups (and their deny rules) match it at once, no commit needed.',
  input: tagInput,
  effect: 'write',
  idempotent: true,
  output: tagIpOutput,
  example: { ip: '185.220.101.45', tag: DEFAULT_BLOCK_TAG, registered: true, alreadyRegistered: false, timeout: 0 },
  run: async (ctx, input) => {
    const { vsys } = credentialsOf(ctx);
    let alreadyRegistered = false;
    try {
      await panRequest(ctx, { type: 'user-id', cmd: registerMessage(input.ip, input.tag, input.timeout), vsys }, 'POST');
    } catch (error) {
      if (!(error instanceof NodeError) || !/already exists, ignore/.test(error.message)) throw error;
      alreadyRegistered = true;
    }
    return { ip: input.ip, tag: input.tag, registered: true, alreadyRegistered, timeout: input.timeout ?? 0 };
  },
};

/** Static members of a group in the running (`show`) or candidate (`get`) config; none when the group is absent. */
async function groupMembers(ctx: ConnectorContext, action: 'show' | 'get', xpath: string): Promise<string[]> {
  try {
    const response = await panRequest(ctx, { type: 'config', action, xpath });
    return findAll(response.root, 'result/static/member').map(textOf);
  } catch (error) {
    if (error instanceof NodeError && error.code === 'NOT_FOUND') return [];
    throw error;
  }
}

/** Tags registered on an IP (`show object registered-ip`). */
async function registeredTags(ctx: ConnectorContext, ip: string): Promise<string[]> {
  const { vsys } = credentialsOf(ctx);
  const cmd = xmlElement('show', xmlElement('object', xmlElement('registered-ip', xmlText('ip', ip))));
  const response = await panRequest(ctx, { type: 'op', cmd, vsys });
  const entry = findAll(response.root, 'result/entry').find((e) => e.attributes['ip'] === ip);
  return entry === undefined ? [] : findAll(entry, 'tag/member').map(textOf);
}

const checkInput = z.strictObject({
  ip: ipOrCidr.meta({ title: 'IP address or CIDR' }).describe('IP address (or the CIDR that was blocked) to check.'),
  address_group: addressGroup,
  tag: blockTag,
});

/**
 * Whether the firewall blocks an IP the way Switchboard blocks it: `sb-<ip>` in the block group of
 * the running config (`action=show`; `action=get` reads the candidate, so a pending commit is
 * reported apart), or the block tag registered on the IP.
 */
export const isIpBlocked: RunAction<typeof checkInput> = {
  title: 'Is IP blocked',
  description: 'Checks the running config for sb-<ip> in the block group and the User-ID registrations for the block tag.',
  input: checkInput,
  effect: 'read',
  output: isIpBlockedOutput,
  example: {
    ip: '185.220.101.45',
    address: 'sb-185.220.101.45',
    address_group: DEFAULT_BLOCK_GROUP,
    blocked: true,
    inAddressGroup: true,
    pendingCommit: false,
    tagged: true,
    registeredTags: [DEFAULT_BLOCK_TAG],
  },
  run: async (ctx, input) => {
    const address = addressName(input.ip);
    const xpath = groupXpath(ctx, input.address_group);
    const running = await groupMembers(ctx, 'show', xpath);
    const candidate = await groupMembers(ctx, 'get', xpath);
    const registered = input.ip.includes('/') ? [] : await registeredTags(ctx, input.ip);
    const inAddressGroup = running.includes(address);
    const tagged = registered.includes(input.tag);
    return {
      ip: input.ip,
      address,
      address_group: input.address_group,
      blocked: inAddressGroup || tagged,
      inAddressGroup,
      pendingCommit: !inAddressGroup && candidate.includes(address),
      tagged,
      registeredTags: registered,
    };
  },
};
