const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether a string is a dotted-quad IPv4 address. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** Whether a string is an IPv6 address (the WHATWG URL parser checks it; nodes/ may not import node:net). */
export function isIpv6(value: string): boolean {
  if (!value.includes(':') || /[[\]/%]/.test(value)) return false;
  try {
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * An address or CIDR as AWS stores it: a bare IPv4 address becomes `/32`, a bare IPv6 `/128`
 * (lower-cased); undefined when it is neither.
 */
export function toCidr(value: string): { cidr: string; version: 4 | 6 } | undefined {
  const [address = '', prefix, extra] = value.trim().split('/');
  if (extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return undefined;
  const bits = prefix === undefined ? undefined : Number(prefix);
  if (isIpv4(address) && (bits === undefined || bits <= 32)) return { cidr: `${address}/${bits ?? 32}`, version: 4 };
  if (isIpv6(address) && (bits === undefined || bits <= 128)) return { cidr: `${address.toLowerCase()}/${bits ?? 128}`, version: 6 };
  return undefined;
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/**
 * Whether an address falls inside a CIDR: IPv4 by range, IPv6 only when the CIDR is the address
 * itself (`/128`), which is how block lists hold single hosts.
 */
export function cidrContains(cidr: string, address: string): boolean {
  const range = toCidr(cidr);
  const host = toCidr(address);
  if (range === undefined || host === undefined || range.version !== host.version) return false;
  if (range.version === 6) return range.cidr === host.cidr;
  const [base = '', bits = '32'] = range.cidr.split('/');
  const [ip = '', hostBits = '32'] = host.cidr.split('/');
  if (Number(hostBits) < Number(bits)) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4Number(ip) / size) === Math.floor(ipv4Number(base) / size);
}
