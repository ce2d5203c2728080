import { afterEach, describe, expect, it } from 'vitest';
import { environmentNamesProxy } from '../../../nodes/sdk/env-proxy.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { sendRequest } from '../../../nodes/sdk/http-client.ts';
import { egressTo, sendJson, startTestServer } from '../../support/http-server.ts';

describe('environmentNamesProxy', () => {
  it('is true for any *_proxy variable with a value, whatever its case', () => {
    expect(environmentNamesProxy({ HTTPS_PROXY: 'http://proxy.corp:3128' })).toBe(true);
    expect(environmentNamesProxy({ http_proxy: 'proxy.corp:3128' })).toBe(true);
    expect(environmentNamesProxy({ ALL_PROXY: 'socks5://proxy.corp' })).toBe(true);
  });

  it('is false without one: NO_PROXY alone, empty values and unrelated variables name no proxy', () => {
    expect(environmentNamesProxy({})).toBe(false);
    expect(environmentNamesProxy({ NO_PROXY: 'localhost', no_proxy: '*', HTTPS_PROXY: '', PATH: '/usr/bin' })).toBe(false);
  });
});

describe('connector calls and the environment proxy', () => {
  const saved = process.env.HTTP_PROXY;

  afterEach(() => {
    if (saved === undefined) delete process.env.HTTP_PROXY;
    else process.env.HTTP_PROXY = saved;
    destroyAgents();
  });

  it('go through HTTP_PROXY when the environment names one, and straight to the vendor when it does not', async () => {
    const proxy = await startTestServer((_req, res) => sendJson(res, 200, { via: 'proxy' }));
    const vendor = await startTestServer((_req, res) => sendJson(res, 200, { via: 'direct' }));
    try {
      const options = { vendor: 'Vendor', connectorId: 'proxy-test' };
      process.env.HTTP_PROXY = proxy.url;
      destroyAgents();
      expect((await sendRequest(options, { url: 'http://vendor.example/api/items?q=1' })).data).toEqual({ via: 'proxy' });
      expect(proxy.requests[0]?.url).toBe('http://vendor.example/api/items?q=1');

      delete process.env.HTTP_PROXY;
      destroyAgents();
      expect((await sendRequest({ ...options, egress: egressTo(vendor) }, { url: `${vendor.url}/api/items` })).data).toEqual({ via: 'direct' });
      expect(proxy.requests).toHaveLength(1);
    } finally {
      await proxy.close();
      await vendor.close();
    }
  });

  it('check the destination, not the proxy: the metadata address or loopback never reaches the proxy', async () => {
    const proxy = await startTestServer((_req, res) => sendJson(res, 200, { via: 'proxy' }));
    try {
      process.env.HTTP_PROXY = proxy.url;
      destroyAgents();
      const options = { vendor: 'Vendor', connectorId: 'proxy-test', egress: { allow: [], lookup: async () => [{ address: '127.0.0.1', family: 4 }] } };
      await expect(sendRequest(options, { url: 'http://169.254.169.254/latest/meta-data/' })).rejects.toMatchObject({ code: 'EGRESS_DENIED', message: /169\.254\.169\.254:80 is link-local/ });
      await expect(sendRequest(options, { url: 'http://rebind.test/admin' })).rejects.toMatchObject({ code: 'EGRESS_DENIED', message: /rebind\.test:80 \(127\.0\.0\.1\) is a loopback address/ });
      expect(proxy.requests).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });
});
