import { describe, expect, it } from 'vitest';
import { covers, credentialHosts } from '../../../renderer/panels/slot-hosts.ts';

describe('the hosts a credential is bound to, as the import dialog shows them', () => {
  const credential = { fields: { baseUrl: 'https://siem.corp.example', allowedHosts: ['Search.corp.example:8089', 'ticket.corp.example'], token: { set: true } } };

  it('lists its URL fields’ hosts and its allowedHosts', () => {
    expect(credentialHosts(credential)).toEqual(['siem.corp.example', 'search.corp.example:8089', 'ticket.corp.example']);
  });

  it('covers a URL the way a run decides it: same host and port, or an allowedHosts entry', () => {
    expect(covers(credential, 'https://siem.corp.example/api')).toBe(true);
    expect(covers(credential, 'https://siem.corp.example:8443/api')).toBe(false);
    expect(covers(credential, 'http://siem.corp.example/api')).toBe(false);
    expect(covers(credential, 'https://search.corp.example:8089/services')).toBe(true);
    expect(covers(credential, 'https://search.corp.example/services')).toBe(false);
    expect(covers(credential, 'https://ticket.corp.example:9443/x')).toBe(true);
    expect(covers(credential, 'https://evil.test/x')).toBe(false);
    expect(covers(credential, '/relative')).toBe(false);
  });
});
