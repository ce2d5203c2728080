import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { MISP_EVENTS, mispLabCredentials, mispTwin } from '../../../lab/twins/misp.ts';
import { mispConnector } from '../../../nodes/misp/index.ts';
import { searchAttributes, searchAttributesInput } from '../../../nodes/misp/search-attributes.ts';
import type { MispAttribute, SearchOutput } from '../../../nodes/misp/search-attributes.ts';
import { createHttpClient } from '../../../nodes/sdk/http-client.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(mispConnector, mispTwin, mispLabCredentials);

async function search(params: Record<string, unknown>): Promise<SearchOutput> {
  const { node } = await run('search_attributes', params);
  expect(node.status).toBe('succeeded');
  return node.output as SearchOutput;
}

describe('misp connector against its twin', () => {
  it('uses the instance URL as is and keeps the auth key secret', () => {
    expect(credentials()['baseUrl']).toBe(twin().url);
    expect(mispConnector.secretFields).toEqual(['apiKey']);
    expect(mispConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['search_attributes:read', 'add_attribute:write']);
  });

  it('finds the suspicious-login IP in both the phishing and the Tor events', async () => {
    const out = await search({ value: scenario.login.maliciousIp });
    expect(out).toMatchObject({ found: true, count: 2, total: 2, event_ids: [MISP_EVENTS.phishing, MISP_EVENTS.tor] });
    expect(out.Attribute.map((a) => a.type)).toEqual(['ip-dst', 'ip-src']);
    expect(out.Attribute[1]).toMatchObject({ value: scenario.login.maliciousIp, to_ids: true, category: 'Network activity', Event: { id: MISP_EVENTS.tor } });
    expect(out.Attribute[1]?.Tag?.[0]?.name).toBe('tlp:amber');
  });

  it('finds the attachment hash, filtered by type', async () => {
    const out = await search({ value: scenario.phishing.attachment.sha256, type: ['md5', 'sha256'] });
    expect(out).toMatchObject({ found: true, count: 1, event_ids: [MISP_EVENTS.phishing] });
    expect(out.Attribute[0]?.Event?.info).toContain(scenario.phishing.attachment.name);
  });

  it('answers an unknown indicator with an empty list', async () => {
    const out = await search({ value: scenario.phishing.cleanUrl });
    expect(out).toEqual({ Attribute: [], count: 0, total: 0, found: false, event_ids: [] });
  });

  it('matches % wildcards and the to_ids and tags filters', async () => {
    const wildcard = await search({ value: '%paypa1-secure.com%' });
    expect(wildcard.Attribute.map((a) => a.type).sort()).toEqual(['domain', 'email-src', 'url']);
    const notIds = await search({ eventid: MISP_EVENTS.phishing, to_ids: false });
    expect(notIds.Attribute.map((a) => a.type).sort()).toEqual(['email-subject', 'filename']);
    const clear = await search({ tags: ['tlp:clear'] });
    expect(clear.Attribute.map((a) => a.value)).toEqual([scenario.vulnerability.cve]);
  });

  it('stops at limit and reports the total from X-Result-Count', async () => {
    const out = await search({ eventid: Number(MISP_EVENTS.phishing), limit: 3 });
    expect(out).toMatchObject({ count: 3, total: 9, found: true });
    expect(twin().requests).toHaveLength(1);
  });

  it('fetches one page of MISP paging when page is given', async () => {
    const out = await search({ eventid: MISP_EVENTS.phishing, limit: 4, page: 2 });
    expect(out.Attribute.map((a) => a.id)).toEqual(['5', '6', '7', '8']);
    expect(out.total).toBe(9);
  });

  it('follows pages until the limit or the last page', async () => {
    const http = createHttpClient({ vendor: 'MISP', connectorId: 'misp', baseURL: twin().url, headers: { Authorization: mispLabCredentials.apiKey }, credentialHosts: [new URL(twin().url).host] });
    const all = await searchAttributes(http, searchAttributesInput.parse({ eventid: MISP_EVENTS.phishing }), 2);
    expect(all.Attribute.map((a) => a.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(twin().requests).toHaveLength(5);

    twin().requests.length = 0;
    const five = await searchAttributes(http, searchAttributesInput.parse({ eventid: MISP_EVENTS.phishing, limit: 5 }), 2);
    expect(five.Attribute.map((a) => a.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(five.total).toBe(9);
    expect(twin().requests).toHaveLength(3);
  });

  it('adds an attribute to an event, after which a search finds it and the event is unpublished', async () => {
    const comment = 'Source of the suspicious SSO login (Switchboard)';
    const { node } = await run('add_attribute', { eventId: MISP_EVENTS.phishing, type: 'ip-src', value: scenario.login.maliciousIp, comment });
    expect(node.status).toBe('succeeded');
    const created = (node.output as { Attribute: MispAttribute }).Attribute;
    expect(created).toMatchObject({ id: '12', event_id: MISP_EVENTS.phishing, type: 'ip-src', category: 'Network activity', to_ids: true, comment, distribution: '5' });
    expect(twin().state().events[MISP_EVENTS.phishing]?.published).toBe(false);

    const out = await search({ value: scenario.login.maliciousIp, type: 'ip-src' });
    expect(out.Attribute.map((a) => [a.event_id, a.id])).toEqual([
      [MISP_EVENTS.tor, '10'],
      [MISP_EVENTS.phishing, '12'],
    ]);
  });

  it('accepts the event UUID and the explicit category, IDS flag and distribution', async () => {
    const uuid = twin().state().events[MISP_EVENTS.tor]?.uuid;
    const { node } = await run('add_attribute', { eventId: uuid, type: 'domain', value: 'tor-exit-45.relayhosting.example', category: 'Attribution', to_ids: false, distribution: '0' });
    expect(node.status).toBe('succeeded');
    expect((node.output as { Attribute: MispAttribute }).Attribute).toMatchObject({ event_id: MISP_EVENTS.tor, category: 'Attribution', to_ids: false, distribution: '0' });
  });

  it("refuses a duplicate with MISP's field error as BAD_REQUEST, not AUTH", async () => {
    const { node, sleeps } = await run('add_attribute', { eventId: MISP_EVENTS.tor, type: 'ip-src', value: scenario.login.maliciousIp });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 403 });
    expect(node.error?.message).toBe('MISP 403 Could not add Attribute: value: A similar attribute already exists for this event.');
    expect(sleeps).toEqual([]);
    expect(twin().state().attributes).toHaveLength(11);
  });

  it("surfaces MISP's message for a value of the wrong format", async () => {
    const { node } = await run('add_attribute', { eventId: MISP_EVENTS.tor, type: 'ip-src', value: 'not-an-ip' });
    expect(node.error).toMatchObject({ code: 'BAD_REQUEST', status: 403 });
    expect(node.error?.message).toBe('MISP 403 Could not add Attribute: value: Value not in the right type/format. Please double check the value or select type "other".');
  });

  it('gives the vendor not-found answer for an unknown event', async () => {
    const { node } = await run('add_attribute', { eventId: 999, type: 'ip-src', value: scenario.login.benignIp });
    expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'MISP 404 Invalid event' });
  });

  it('refuses a wrong key with AUTH and the vendor message', async () => {
    const { node, sleeps } = await run('search_attributes', { value: scenario.login.maliciousIp }, {}, { ...credentials(), apiKey: 'wrong-key' });
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ code: 'AUTH', status: 403 });
    expect(node.error?.message).toBe('MISP 403 Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.');
    expect(sleeps).toEqual([]);
  });

  it("honours MISP's X-Rate-Limit-Reset on a 429 and then succeeds", async () => {
    const limited = mispTwin.rateLimited(2);
    await fault({ status: 429, headers: limited.headers, body: limited.body, times: 1 });
    const { node, sleeps } = await run('search_attributes', { value: scenario.login.maliciousIp });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it('honours Retry-After on a 429 from a proxy in front of MISP', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2' }, body: mispTwin.rateLimited(2).body, times: 1 });
    const { node, sleeps } = await run('search_attributes', { value: scenario.login.maliciousIp });
    expect(node.status).toBe('succeeded');
    expect(sleeps).toContain(2000);
  });

  it('gives up with RATE_LIMITED and the vendor message when the budget stays spent', async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 5 });
    const { node, sleeps } = await run('search_attributes', { value: scenario.login.maliciousIp });
    expect(node.error).toMatchObject({ code: 'RATE_LIMITED', status: 429, message: 'MISP 429 Rate limit exceeded.' });
    expect(sleeps).toEqual([5000, 5000]);
  });

  it('retries a 500 and surfaces its message when it persists', async () => {
    await fault({ path: '^/attributes/restSearch', status: 500, body: { name: 'An Internal Error Has Occurred.', message: 'An Internal Error Has Occurred.', url: '/attributes/restSearch' } });
    const { node, sleeps } = await run('search_attributes', { value: scenario.login.maliciousIp });
    expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'MISP 500 An Internal Error Has Occurred.' });
    expect(sleeps).toEqual([500, 1000]);
  });

  it('simulates add_attribute in a dry run: its example, and nothing reaches MISP', async () => {
    await simulate('add_attribute', { eventId: MISP_EVENTS.phishing, type: 'ip-src', value: scenario.login.maliciousIp });
    expect(twin().requests).toEqual([]);
    expect(twin().state().attributes).toHaveLength(11);
  });
});
