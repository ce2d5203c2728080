import { describe, expect, it } from 'vitest';
import { NodeError } from '../../../engine/errors.ts';
import { redirectLocation, redirectedRequest } from '../../../nodes/sdk/redirects.ts';

const FROM = 'https://api.vendor.example/v1/search?q=1';

describe('redirectLocation', () => {
  it('follows 301, 302, 303, 307 and 308 that name a Location', () => {
    for (const status of [301, 302, 303, 307, 308]) expect(redirectLocation(status, { location: '/next' })).toBe('/next');
  });

  it('treats other statuses, and redirects without a Location, as the answer', () => {
    expect(redirectLocation(200, { location: '/next' })).toBeUndefined();
    expect(redirectLocation(300, { location: '/next' })).toBeUndefined();
    expect(redirectLocation(304, { location: '/next' })).toBeUndefined();
    expect(redirectLocation(302, {})).toBeUndefined();
    expect(redirectLocation(302, { location: '' })).toBeUndefined();
  });
});

describe('redirectedRequest', () => {
  const request = {
    method: 'post',
    baseURL: 'https://api.vendor.example/v1',
    url: '/search',
    params: { q: 1 },
    data: { query: 'x' },
    headers: { 'X-Api-Key': 'k', 'Content-Type': 'application/json' },
    auth: { username: 'u', password: 'p' },
    timeout: 1000,
  };

  it('resolves the Location against the URL it came from, without re-adding base URL or query', () => {
    const next = redirectedRequest(request, FROM, 307, 'search2?page=2', 'Vendor');
    expect(next.url).toBe('https://api.vendor.example/v1/search2?page=2');
    expect(next).not.toHaveProperty('baseURL');
    expect(next).not.toHaveProperty('params');
    expect(next.timeout).toBe(1000);
  });

  it('keeps method, body, headers and auth on 307 and 308 within the origin', () => {
    for (const status of [307, 308]) {
      const next = redirectedRequest(request, FROM, status, '/v2/search', 'Vendor');
      expect(next).toMatchObject({ method: 'post', data: { query: 'x' }, headers: request.headers, auth: request.auth });
    }
  });

  it('continues a POST as a GET without its body on 301, 302 and 303', () => {
    for (const status of [301, 302, 303]) {
      const next = redirectedRequest(request, FROM, status, '/v1/result/7', 'Vendor');
      expect(next.method).toBe('get');
      expect(next).not.toHaveProperty('data');
      expect(next.headers).toEqual({ 'X-Api-Key': 'k' });
    }
  });

  it('keeps a GET a GET and a PUT a PUT on 302, and turns a PUT into a GET on 303', () => {
    expect(redirectedRequest({ ...request, method: 'get' }, FROM, 302, '/x', 'Vendor').method).toBe('get');
    expect(redirectedRequest({ ...request, method: 'put' }, FROM, 302, '/x', 'Vendor')).toMatchObject({ method: 'put', data: { query: 'x' } });
    expect(redirectedRequest({ ...request, method: 'put' }, FROM, 303, '/x', 'Vendor').method).toBe('get');
  });

  it('drops every header the call set and basic auth when the hop leaves the origin (scheme, host or port)', () => {
    for (const location of ['https://cdn.example/file', 'http://api.vendor.example/v1/x', 'https://api.vendor.example:8443/x']) {
      const next = redirectedRequest(request, FROM, 307, location, 'Vendor');
      expect(next).not.toHaveProperty('headers');
      expect(next).not.toHaveProperty('auth');
      expect(next.url).toBe(new URL(location).href);
    }
  });

  it('refuses a Location that is not an http(s) URL, naming the vendor', () => {
    for (const location of ['file:///etc/passwd', 'ftp://files.example/x', 'http://[bad']) {
      const error = (() => {
        try {
          redirectedRequest(request, FROM, 302, location, 'Vendor');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(NodeError);
      expect((error as NodeError).code).toBe('VENDOR');
      expect((error as NodeError).message).toMatch(/^Vendor redirected to/);
    }
  });
});
