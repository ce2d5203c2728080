import { describe, expect, it } from 'vitest';
import {
  allowEntryProblem,
  compileEgress,
  credentialCovers,
  credentialHostsOf,
  egressDecision,
  egressError,
  egressFor,
  parseAllowEntry,
} from '../../../nodes/sdk/egress.ts';

const strict = compileEgress({ allow: [] });

describe('egressDecision', () => {
  it('allows public addresses, IPv4 and IPv6', () => {
    expect(egressDecision('93.184.216.34', 443, strict)).toEqual({ allowed: true });
    expect(egressDecision('2606:4700:4700::1111', 443, strict)).toEqual({ allowed: true });
  });

  it.each([
    ['127.0.0.1', 'is a loopback address'],
    ['127.8.9.10', 'is a loopback address'],
    ['::1', 'is a loopback address'],
    ['169.254.169.254', 'is link-local'],
    ['fe80::1', 'is link-local'],
    ['fd00:ec2::254', 'is a unique local (private) address'],
    ['10.0.0.5', 'is in a private range'],
    ['172.16.3.4', 'is in a private range'],
    ['192.168.1.1', 'is in a private range'],
    ['100.64.0.1', 'is in the carrier-grade NAT range'],
    ['224.0.0.251', 'is multicast'],
    ['ff02::1', 'is multicast'],
    ['0.0.0.0', 'is the unspecified address'],
    ['::', 'is the unspecified address'],
    ['255.255.255.255', 'is the broadcast address'],
    ['240.0.0.1', 'is in the reserved reserved range'],
    ['192.0.2.10', 'is in the reserved reserved range'],
  ])('refuses %s by default: %s', (address, reason) => {
    expect(egressDecision(address, 80, strict)).toEqual({ allowed: false, reason });
  });

  it('sees through IPv6 forms of IPv4 addresses: mapped, translated, NAT64, 6to4 and IPv4-compatible', () => {
    expect(egressDecision('::ffff:127.0.0.1', 80, strict)).toEqual({ allowed: false, reason: 'is a loopback address' });
    expect(egressDecision('::ffff:a9fe:a9fe', 80, strict)).toEqual({ allowed: false, reason: 'is link-local' });
    expect(egressDecision('::ffff:10.1.2.3', 80, strict)).toEqual({ allowed: false, reason: 'is in a private range' });
    expect(egressDecision('::ffff:0:7f00:1', 80, strict).allowed).toBe(false);
    expect(egressDecision('64:ff9b::a9fe:a9fe', 80, strict).allowed).toBe(false);
    expect(egressDecision('2002:7f00:1::', 80, strict).allowed).toBe(false);
    expect(egressDecision('::127.0.0.1', 80, strict)).toEqual({ allowed: false, reason: 'is a loopback address' });
    expect(egressDecision('::7f00:1', 80, strict)).toEqual({ allowed: false, reason: 'is in the reserved ipv4Compatible range' });
  });

  it('allows what an entry covers: a range, an address, a port, a name and its subdomains', () => {
    const lan = compileEgress({ allow: ['10.0.0.0/8', '192.168.1.20:8089', 'siem.corp.local', '*.corp.example', 'fd12::/16'] });
    expect(egressDecision('10.20.30.40', 443, lan)).toEqual({ allowed: true });
    expect(egressDecision('::ffff:10.20.30.40', 443, lan)).toEqual({ allowed: true });
    expect(egressDecision('192.168.1.20', 8089, lan)).toEqual({ allowed: true });
    expect(egressDecision('192.168.1.20', 22, lan).allowed).toBe(false);
    expect(egressDecision('172.16.0.9', 443, lan, 'siem.corp.local')).toEqual({ allowed: true });
    expect(egressDecision('172.16.0.9', 443, lan, 'SIEM.corp.local.')).toEqual({ allowed: true });
    expect(egressDecision('172.16.0.9', 443, lan, 'jira.corp.example')).toEqual({ allowed: true });
    expect(egressDecision('172.16.0.9', 443, lan, 'corp.example.evil.test')).toEqual({ allowed: false, reason: 'is in a private range' });
    expect(egressDecision('fd12:3456::1', 443, lan)).toEqual({ allowed: true });
    expect(egressDecision('127.0.0.1', 443, lan).allowed).toBe(false);
    expect(egressDecision('169.254.169.254', 80, lan).allowed).toBe(false);
  });

  it("refuses this host's own ports on a local address, whatever the allow list says", () => {
    const policy = compileEgress({ allow: ['127.0.0.0/8', 'localhost'], ownPorts: [4242] });
    expect(egressDecision('127.0.0.1', 4242, policy)).toEqual({ allowed: false, reason: "is Switchboard's own server" });
    expect(egressDecision('::1', 4242, policy, 'localhost')).toEqual({ allowed: false, reason: "is Switchboard's own server" });
    expect(egressDecision('0.0.0.0', 4242, policy)).toEqual({ allowed: false, reason: "is Switchboard's own server" });
    expect(egressDecision('127.0.0.1', 4243, policy)).toEqual({ allowed: true });
  });

  it('refuses what is not an address', () => {
    expect(egressDecision('not-an-ip', 80, strict)).toEqual({ allowed: false, reason: 'is not an IP address' });
  });
});

describe('allow entries', () => {
  it('parse ranges, addresses, names, subdomain wildcards and ports (IPv6 in brackets)', () => {
    expect(parseAllowEntry('10.0.0.0/8')).toMatchObject({ kind: 'range' });
    expect(parseAllowEntry('[::1]:8080')).toMatchObject({ kind: 'range', port: 8080 });
    expect(parseAllowEntry('SIEM.corp.local:8089')).toEqual({ kind: 'host', name: 'siem.corp.local', subdomains: false, port: 8089 });
    expect(parseAllowEntry('*.corp.local')).toEqual({ kind: 'host', name: 'corp.local', subdomains: true });
  });

  it('name what is wrong with a bad entry', () => {
    expect(allowEntryProblem('10.0.0.0/8')).toBeUndefined();
    expect(allowEntryProblem('http://siem.corp.local')).toBe('"http://siem.corp.local" is not an address, a CIDR range or a host name (optionally with :port)');
    expect(allowEntryProblem('siem.corp.local:99999')).toBe('"siem.corp.local:99999" has an invalid port (1-65535)');
    expect(allowEntryProblem('')).toMatch(/is not an address/);
  });
});

describe('credential hosts', () => {
  it("are the hosts of the credential's URL fields and of the extra URLs, with the scheme's port", () => {
    expect(credentialHostsOf({ baseUrl: 'https://acme.okta.com', token: 'x', loginBaseUrl: 'http://127.0.0.1:9000/login' }, ['https://ec2.us-east-1.amazonaws.com', undefined])).toEqual([
      'ec2.us-east-1.amazonaws.com:443',
      'acme.okta.com:443',
      '127.0.0.1:9000',
    ]);
    expect(credentialHostsOf({ apiKey: 'x', baseUrl: 'not a url' })).toEqual([]);
  });

  it('cover a URL on exactly those hosts and ports', () => {
    const hosts = ['acme.okta.com:443', '127.0.0.1:9000', 'siem.corp.local'];
    expect(credentialCovers(new URL('https://acme.okta.com/api/v1/users'), hosts)).toBe(true);
    expect(credentialCovers(new URL('https://ACME.okta.com./api'), hosts)).toBe(true);
    expect(credentialCovers(new URL('http://acme.okta.com/api'), hosts)).toBe(false);
    expect(credentialCovers(new URL('https://evil.test/api'), hosts)).toBe(false);
    expect(credentialCovers(new URL('http://127.0.0.1:9000/x'), hosts)).toBe(true);
    expect(credentialCovers(new URL('http://127.0.0.1:9001/x'), hosts)).toBe(false);
    expect(credentialCovers(new URL('https://siem.corp.local:8089/services'), hosts)).toBe(true);
  });
});

describe('egressFor', () => {
  it('compiles a policy once per credential host list, and keys equal policies alike', () => {
    const policy = { allow: ['10.0.0.0/8'] };
    const hosts = ['siem.corp.local:8089'];
    expect(egressFor(policy, hosts)).toBe(egressFor(policy, hosts));
    expect(egressFor(policy, hosts).key).toBe(egressFor({ allow: ['10.0.0.0/8'] }, ['siem.corp.local:8089']).key);
    expect(egressFor(policy, undefined).key).not.toBe(egressFor(policy, hosts).key);
    expect(egressFor(undefined, undefined).key).not.toBe(egressFor({ allow: [], lookup: async () => [] }, undefined).key);
  });
});

describe('egressError', () => {
  it('is one line naming the destination, the address it resolved to and where to allow it', () => {
    const error = egressError('evil.test', '127.0.0.1', 80, 'is a loopback address');
    expect(error.code).toBe('EGRESS_DENIED');
    expect(error.message).toBe('destination evil.test:80 (127.0.0.1) is a loopback address; denied by the egress policy (allow it in the workspace settings: egress.allow)');
    expect(egressError('fd00:ec2::254', 'fd00:ec2::254', 80, 'is a unique local (private) address').message).toMatch(/^destination \[fd00:ec2::254\]:80 is a unique/);
  });
});
