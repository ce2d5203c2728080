import dns from 'node:dns';
import ipaddr from 'ipaddr.js';
import { NodeError } from '../../engine/errors.ts';
import type { EgressPolicy, ResolvedAddress } from '../../engine/node-type.ts';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One `allow` entry, parsed: an address range or a host name (`*.` for its subdomains), either on one port or all. */
export type AllowEntry =
  | { kind: 'range'; range: [Address, number]; port?: number }
  | { kind: 'host'; name: string; subdomains: boolean; port?: number };

/** A policy ready to decide: parsed entries, own ports, the resolver, and a key naming what it allows (pools sockets). */
export interface CompiledEgress {
  /** Equal keys allow exactly the same: keep-alive sockets are only ever shared between calls under equal keys. */
  readonly key: string;
  readonly ranges: readonly Extract<AllowEntry, { kind: 'range' }>[];
  readonly hosts: readonly Extract<AllowEntry, { kind: 'host' }>[];
  readonly ownPorts: ReadonlySet<number>;
  readonly lookup: (hostname: string, family?: number) => Promise<readonly ResolvedAddress[]>;
}

/** The verdict on one destination: allowed, or refused with the phrase saying why (`is link-local`). */
export type EgressVerdict = { allowed: true } | { allowed: false; reason: string };

/** What each special range is called in a refusal; ranges not named here read `is in the reserved <range> range`. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'is a loopback address',
  linkLocal: 'is link-local',
  private: 'is in a private range',
  uniqueLocal: 'is a unique local (private) address',
  carrierGradeNat: 'is in the carrier-grade NAT range',
  multicast: 'is multicast',
  unspecified: 'is the unspecified address',
  broadcast: 'is the broadcast address',
};

/** IPv4-compatible IPv6 (`::a.b.c.d`, deprecated): ipaddr.js calls it unicast, but it names an IPv4 address. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Where the policy can be changed, as every refusal says. */
const WHERE_TO_ALLOW = 'allow it in the workspace settings: egress.allow';

/**
 * Parses one `allow` entry: `10.0.0.0/8`, `10.1.2.3`, `fd00::/8`, `siem.corp.local`, `*.corp.local`,
 * each with an optional `:port` (`127.0.0.1:8089`, `[::1]:8080`). Throws one line naming the entry.
 */
export function parseAllowEntry(entry: string): AllowEntry {
  const text = entry.trim().toLowerCase();
  const { host, port } = splitPort(text, entry);
  if (ipaddr.isValidCIDR(host)) return withPort({ kind: 'range', range: normalRange(ipaddr.parseCIDR(host)) }, port);
  if (isIpLiteral(host)) {
    const address = ipaddr.process(host);
    return withPort({ kind: 'range', range: [address, address.kind() === 'ipv4' ? 32 : 128] }, port);
  }
  const subdomains = host.startsWith('*.');
  const name = stripDot(subdomains ? host.slice(2) : host);
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(name)) {
    throw notAnEntry(entry);
  }
  return withPort({ kind: 'host', name, subdomains }, port);
}

/** One line naming what is wrong with an entry, or undefined when it parses (settings validation). */
export function allowEntryProblem(entry: string): string | undefined {
  try {
    parseAllowEntry(entry);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The default: public addresses only, resolved by the system. */
const DEFAULT_POLICY: EgressPolicy = Object.freeze({ allow: Object.freeze([]) as readonly string[] });
const NO_HOSTS: readonly string[] = Object.freeze([]);
const compiled = new WeakMap<EgressPolicy, WeakMap<readonly string[], CompiledEgress>>();
const lookupIds = new WeakMap<NonNullable<EgressPolicy['lookup']>, number>();

/**
 * The run's policy (the default when absent) plus the hosts of the credential a call carries,
 * compiled once per pair: a connector call costs two WeakMap reads, not a parse.
 */
export function egressFor(policy: EgressPolicy | undefined, credentialHosts: readonly string[] | undefined): CompiledEgress {
  const base = policy ?? DEFAULT_POLICY;
  const hosts = credentialHosts ?? NO_HOSTS;
  let byHosts = compiled.get(base);
  if (byHosts === undefined) {
    byHosts = new WeakMap();
    compiled.set(base, byHosts);
  }
  let result = byHosts.get(hosts);
  if (result === undefined) {
    // Each run makes its policy object and each call its hosts list: equal content compiles once.
    const key = contentKey(base, hosts);
    result = byContent.get(key);
    if (result === undefined) {
      if (byContent.size >= MAX_COMPILED) byContent.clear();
      result = compileEgress(base, hosts);
      byContent.set(key, result);
    }
    byHosts.set(hosts, result);
  }
  return result;
}

/** Compiled policies by content, for policy objects not seen before; cleared when it reaches `MAX_COMPILED`. */
const byContent = new Map<string, CompiledEgress>();
const MAX_COMPILED = 512;

/** What a policy and a call's credential hosts decide by: equal keys, equal verdicts. */
function contentKey(policy: EgressPolicy, credentialHosts: readonly string[]): string {
  const allow = [...new Set([...policy.allow, ...credentialHosts].map((e) => e.trim().toLowerCase()))].sort().join(',');
  const ownPorts = [...new Set(policy.ownPorts ?? [])].sort((a, b) => a - b).join(',');
  return `${allow}|${ownPorts}|${policy.lookup === undefined ? 'dns' : `lookup#${lookupId(policy.lookup)}`}`;
}

/** Parses a policy; a bad entry throws (settings are checked when saved, so this is a programming error). */
export function compileEgress(policy: EgressPolicy, credentialHosts: readonly string[] = NO_HOSTS): CompiledEgress {
  const entries = [...policy.allow, ...credentialHosts].map(parseAllowEntry);
  const ownPorts = new Set(policy.ownPorts ?? []);
  const custom = policy.lookup;
  return {
    key: contentKey(policy, credentialHosts),
    ranges: entries.filter((e): e is Extract<AllowEntry, { kind: 'range' }> => e.kind === 'range'),
    hosts: entries.filter((e): e is Extract<AllowEntry, { kind: 'host' }> => e.kind === 'host'),
    ownPorts,
    lookup: custom === undefined ? systemLookup : (hostname) => custom(hostname),
  };
}

/**
 * Whether a request may connect to `address`:`port` (reached by the name `hostname`, when there was
 * one). This host's own ports are refused on a local address whatever the policy allows; a public
 * address is allowed; anything else only when an `allow` entry covers the name or the address.
 */
export function egressDecision(address: string, port: number, policy: CompiledEgress, hostname?: string): EgressVerdict {
  let ip: Address;
  try {
    ip = ipaddr.process(address);
  } catch {
    return { allowed: false, reason: 'is not an IP address' };
  }
  const range = rangeOf(ip);
  if ((range === 'loopback' || range === 'unspecified') && policy.ownPorts.has(port)) return { allowed: false, reason: "is Switchboard's own server" };
  if (range === 'unicast') return { allowed: true };
  if (hostname !== undefined && hostAllowed(hostname, port, policy)) return { allowed: true };
  if (policy.ranges.some((entry) => portMatches(entry.port, port) && ip.kind() === entry.range[0].kind() && ip.match(entry.range))) return { allowed: true };
  return { allowed: false, reason: RANGE_WORDS[range] ?? `is in the reserved ${range} range` };
}

/** Whether an `allow` entry names this host (exactly, or as a subdomain of a `*.` entry) on this port. */
function hostAllowed(hostname: string, port: number, policy: CompiledEgress): boolean {
  const name = stripDot(hostname.toLowerCase());
  return policy.hosts.some((entry) => portMatches(entry.port, port) && (entry.name === name || (entry.subdomains && name.endsWith(`.${entry.name}`))));
}

/**
 * The refusal of a destination, one line: `destination evil.test:80 (127.0.0.1) is a loopback
 * address; denied by the egress policy (…)`. Never retried.
 */
export function egressError(hostname: string, address: string, port: number, reason: string): NodeError {
  const where = `${bracketed(hostname)}:${port}`;
  const resolved = sameAddress(hostname, address) ? '' : ` (${address})`;
  const advice = reason === "is Switchboard's own server" ? '' : ` (${WHERE_TO_ALLOW})`;
  return new NodeError('EGRESS_DENIED', `destination ${where}${resolved} ${reason}; denied by the egress policy${advice}`);
}

/** Decides a host that is an IP literal (no DNS involved): the refusal, or undefined when allowed. */
export function literalRefusal(host: string, port: number, policy: CompiledEgress): NodeError | undefined {
  const verdict = egressDecision(host, port, policy);
  return verdict.allowed ? undefined : egressError(host, host, port, verdict.reason);
}

/**
 * Resolves a name and decides every address it resolved to; one refused address refuses the
 * whole name (an attacker's DNS may answer a public and a private address at once).
 */
export async function resolveAllowed(hostname: string, port: number, policy: CompiledEgress, family?: number): Promise<readonly ResolvedAddress[]> {
  const addresses = await policy.lookup(hostname, family);
  for (const { address } of addresses) {
    const verdict = egressDecision(address, port, policy, hostname);
    if (!verdict.allowed) throw egressError(hostname, address, port, verdict.reason);
  }
  return addresses;
}

/**
 * Whether a URL's host and port is one a credential is bound to (its `host` or `host:port`
 * entries; an address entry matches that address): where the credential may be sent.
 */
export function credentialCovers(url: URL, hosts: readonly string[]): boolean {
  const bound = egressFor(undefined, hosts);
  const { host, port } = hostPortOf(url);
  if (!isIpLiteral(host)) return hostAllowed(host, port, bound);
  const ip = ipaddr.process(host);
  return bound.ranges.some((entry) => portMatches(entry.port, port) && ip.kind() === entry.range[0].kind() && ip.match(entry.range));
}

/**
 * The hosts a parsed credential is bound to, as `host:port` entries: those of its URL-valued
 * fields (a field named `…url`, defaults applied) and of `extra` URLs (the base URL, declared endpoints).
 */
export function credentialHostsOf(credential: unknown, extra: readonly (string | undefined)[] = []): string[] {
  const urls: unknown[] = [...extra];
  if (typeof credential === 'object' && credential !== null) {
    for (const [field, value] of Object.entries(credential)) if (/url$/i.test(field)) urls.push(value);
  }
  const hosts = new Set<string>();
  for (const url of urls) {
    const entry = typeof url === 'string' ? hostEntryOf(url) : undefined;
    if (entry !== undefined) hosts.add(entry);
  }
  return [...hosts];
}

/** `host:port` of an http(s) URL (the scheme's port when it names none), or undefined when it is not one. */
export function hostEntryOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return `${parsed.hostname}:${hostPortOf(parsed).port}`;
}

/** A URL's host without IPv6 brackets and its port, the scheme's (443 for https, else 80) when it names none. */
export function hostPortOf(url: URL): { host: string; port: number } {
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) };
}

/** Whether a host string is an IP address (IPv6 without brackets), as opposed to a name to resolve. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host);
}

/** The special range of an address, `unicast` for an ordinary public one. */
function rangeOf(ip: Address): string {
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.range() === 'unicast' && v6.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
    return v6.range();
  }
  return (ip as ipaddr.IPv4).range();
}

function systemLookup(hostname: string, family?: number): Promise<readonly ResolvedAddress[]> {
  return dns.promises.lookup(hostname, { all: true, family: family === 4 || family === 6 ? family : 0 });
}

function lookupId(lookup: NonNullable<EgressPolicy['lookup']>): number {
  let id = lookupIds.get(lookup);
  if (id === undefined) {
    id = nextLookupId++;
    lookupIds.set(lookup, id);
  }
  return id;
}
let nextLookupId = 1;

/** An IPv4-mapped range (`::ffff:10.0.0.0/104`) as the IPv4 range it stands for, since addresses are compared mapped-to-IPv4. */
function normalRange([address, bits]: [Address, number]): [Address, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [address, bits];
}

function splitPort(text: string, entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1] as string, ...portOf(bracketed[2], entry) };
  const colons = text.split(':').length - 1;
  if (colons !== 1) return { host: text };
  const [host, port] = text.split(':') as [string, string];
  if (!/^\d+$/.test(port)) throw notAnEntry(entry);
  return { host, ...portOf(port, entry) };
}

function notAnEntry(entry: string): Error {
  return new Error(`"${entry}" is not an address, a CIDR range or a host name (optionally with :port)`);
}

function portOf(text: string | undefined, entry: string): { port?: number } {
  if (text === undefined) return {};
  const port = Number(text);
  if (port < 1 || port > 65_535) throw new Error(`"${entry}" has an invalid port (1-65535)`);
  return { port };
}

function withPort<T extends AllowEntry>(entry: T, port: number | undefined): T {
  return port === undefined ? entry : { ...entry, port };
}

function portMatches(allowed: number | undefined, port: number): boolean {
  return allowed === undefined || allowed === port;
}

function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function sameAddress(hostname: string, address: string): boolean {
  return hostname.replace(/^\[|\]$/g, '') === address;
}
