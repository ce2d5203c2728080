import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { NodeError } from '../../../engine/errors.ts';
import { defineConnector } from '../../../nodes/sdk/define-connector.ts';
import { destroyAgents } from '../../../nodes/sdk/http-agents.ts';
import { secret } from '../../../nodes/sdk/secrets.ts';
import { fakeContext } from '../../support/fake-context.ts';
import { sendJson, startTestServer } from '../../support/http-server.ts';
import type { TestServer } from '../../support/http-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => destroyAgents());

const credentials = z.object({
  baseUrl: z.url().default('https://www.virustotal.com/api/v3'),
  apiKey: secret(z.string().min(1)),
});

function virustotal() {
  return defineConnector({
    id: 'virustotal',
    name: 'VirusTotal',
    category: 'threat-intel',
    docsUrl: 'https://docs.virustotal.com/reference/overview',
    description: 'File, URL, domain and IP reputation.',
    credentials,
    http: (c) => ({ baseURL: c.baseUrl, headers: { 'x-apikey': c.apiKey } }),
    vendorError: (_status, body) => {
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      return error?.code && error.message ? `${error.code}: ${error.message}` : undefined;
    },
    actions: {
      ip_report: {
        title: 'IP address report',
        description: 'Reputation of an IP address.',
        input: z.object({ ip: z.string() }),
        effect: 'read',
        example: { malicious: 0 },
        request: (input) => ({ url: `/ip_addresses/${input.ip}` }),
        parse: (data: { data: { attributes: { last_analysis_stats: { malicious: number } } } }) => ({
          malicious: data.data.attributes.last_analysis_stats.malicious,
        }),
      },
      scan_url: {
        title: 'Scan URL',
        description: 'Submits a URL for analysis.',
        input: z.object({ url: z.string() }),
        effect: 'write',
        example: { id: 'u-1' },
        run: async (ctx, input) => {
          const response = await ctx.http.post('/urls', new URLSearchParams({ url: input.url }));
          ctx.log('info', `submitted ${input.url}`);
          return { id: (response.data as { data: { id: string } }).data.id };
        },
      },
    },
  });
}

describe('defineConnector', () => {
  it('builds one spec per action with versioned types, ports and the credential binding', () => {
    const connector = virustotal();
    expect(connector.specs.map((s) => s.type)).toEqual(['virustotal.ip_report@1', 'virustotal.scan_url@1']);
    const [report, scan] = connector.specs;
    expect(report?.kind).toBe('action');
    expect(report?.ports({})).toEqual(['out', 'error']);
    expect(report?.credentials).toMatchObject({ connector: 'virustotal', required: true });
    expect(report?.idempotent).toBe(true);
    expect(scan?.idempotent).toBe(false);
    expect(scan?.effect).toBe('write');
    expect(connector.secretFields).toEqual(['apiKey']);
    expect(connector.version).toBe(1);
  });

  it('pins the version in every type', () => {
    const connector = defineConnector({
      id: 'kev',
      name: 'CISA KEV',
      category: 'vulnerability',
      docsUrl: 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog',
      description: 'Known exploited vulnerabilities.',
      version: 3,
      credentials: z.object({ baseUrl: z.url().default('https://www.cisa.gov') }),
      http: (c) => ({ baseURL: c.baseUrl }),
      actions: {
        catalog: { title: 'Catalog', description: 'The list.', input: z.object({}), effect: 'read', example: {}, request: () => ({ url: '/kev.json' }) },
      },
    });
    expect(connector.specs[0]?.type).toBe('kev.catalog@3');
    expect(connector.specs[0]?.credentials?.required).toBe(false);
  });

  it('refuses bad definitions at load time', () => {
    const base = { id: 'x', name: 'X', category: 'utility' as const, docsUrl: 'https://x', description: 'x' };
    const action = { title: 't', description: 'd', input: z.object({}), effect: 'read' as const, example: {} };
    expect(() => defineConnector({ ...base, id: 'Bad-Id' })).toThrow(/slug/);
    expect(() =>
      defineConnector({ ...base, credentials: z.object({ apiKey: secret(z.string()) }), http: () => ({}) }),
    ).toThrow(/baseUrl/);
    expect(() => defineConnector({ ...base, actions: { a: action as never } })).toThrow(/exactly one of request or run/);
    expect(() =>
      defineConnector({ ...base, actions: { a: { ...action, request: () => ({}), run: async () => ({}) } as never } }),
    ).toThrow(/exactly one/);
  });

  it('runs a declarative action against the vendor with the credential and parses the answer', async () => {
    server = await startTestServer((_req, res) =>
      sendJson(res, 200, { data: { attributes: { last_analysis_stats: { malicious: 4 } } } }),
    );
    const spec = virustotal().specs[0]!;
    const { ctx } = fakeContext({ credentials: { baseUrl: server.url, apiKey: 'k-123456' } });
    await expect(spec.run(ctx, { ip: '203.0.113.7' })).resolves.toEqual({ malicious: 4 });
    expect(server.requests[0]?.url).toBe('/ip_addresses/203.0.113.7');
    expect(server.requests[0]?.headers['x-apikey']).toBe('k-123456');
  });

  it('gives run actions a ready ctx.http and keeps the rest of the context', async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { data: { id: 'u-42' } }));
    const spec = virustotal().specs[1]!;
    const { ctx, logs } = fakeContext({ credentials: { baseUrl: server.url, apiKey: 'k-123456' } });
    await expect(spec.run(ctx, { url: 'http://phish.example' })).resolves.toEqual({ id: 'u-42' });
    expect(server.requests[0]?.headers['idempotency-key']).toBe('run-1:node_1');
    expect(server.requests[0]?.body).toBe('url=http%3A%2F%2Fphish.example');
    expect(logs).toEqual([{ level: 'info', message: 'submitted http://phish.example' }]);
  });

  it('reports vendor errors with the vendor message and never the key', async () => {
    server = await startTestServer((_req, res) =>
      sendJson(res, 401, { error: { code: 'WrongCredentialsError', message: 'Wrong API key' } }),
    );
    const spec = virustotal().specs[0]!;
    const { ctx } = fakeContext({ credentials: { baseUrl: server.url, apiKey: 'k-123456' } });
    const error = await Promise.resolve(spec.run(ctx, { ip: '1.1.1.1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).toMatchObject({ code: 'AUTH', status: 401, message: 'VirusTotal 401 WrongCredentialsError: Wrong API key' });
  });

  it('turns a missing or malformed credential into AUTH naming the field', async () => {
    const spec = virustotal().specs[0]!;
    await expect(spec.run(fakeContext().ctx, { ip: '1.1.1.1' })).rejects.toMatchObject({ code: 'AUTH', message: /no credential bound/ });
    const { ctx } = fakeContext({ credentials: { apiKey: '' } });
    await expect(spec.run(ctx, { ip: '1.1.1.1' })).rejects.toMatchObject({ code: 'AUTH', message: /field apiKey/ });
  });

  it('wraps a parse failure as VENDOR (unexpected response)', async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { data: null }));
    const spec = virustotal().specs[0]!;
    const { ctx } = fakeContext({ credentials: { baseUrl: server.url, apiKey: 'k-123456' } });
    await expect(spec.run(ctx, { ip: '1.1.1.1' })).rejects.toMatchObject({ code: 'VENDOR', message: /unexpected response/ });
  });

  it('adds hand-written node specs of its own connector', () => {
    const node = { ...virustotal().specs[0]!, type: 'x.custom@1', connector: 'x', action: 'custom' };
    const base = { id: 'x', name: 'X', category: 'utility' as const, docsUrl: 'https://x', description: 'x' };
    expect(defineConnector({ ...base, nodes: [node] }).specs.map((s) => s.type)).toEqual(['x.custom@1']);
    expect(() => defineConnector({ ...base, id: 'y', nodes: [node] })).toThrow(/belongs to x/);
  });
});
