import { describe, expect, it } from 'vitest';
import { scenario } from '../../../lab/scenario.ts';
import { panosLabAdmin, panosLabCredentials, panosTwin } from '../../../lab/twins/panos.ts';
import { addressName, registerMessage } from '../../../nodes/panos/address.ts';
import { classifyPanCode, classifyPanError, panVendorError } from '../../../nodes/panos/api.ts';
import { panosConnector } from '../../../nodes/panos/index.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const BAD_IP = scenario.login.maliciousIp;
const GROUP = scenario.firewall.blockGroup;
const TAG = scenario.firewall.dynamicTag;

const { twin, credentials, run, simulate, fault } = useTwin(panosConnector, panosTwin, panosLabCredentials);

async function check(ip: string = BAD_IP): Promise<Record<string, unknown>> {
  const { node } = await run('is_ip_blocked', { ip });
  expect(node.status).toBe('succeeded');
  return node.output as Record<string, unknown>;
}

describe('panos connector against its twin', () => {
  it('points the lab credential at the twin and marks the API key secret', () => {
    expect(credentials()['baseUrl']).toBe(twin().url);
    expect(panosConnector.secretFields).toEqual(['apiKey']);
    expect(panosConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual(['block_ip:write', 'tag_ip:write', 'commit:write', 'is_ip_blocked:read']);
  });

  it('block_ip creates sb-<ip> in the candidate config; it counts only after a commit', async () => {
    const { node } = await run('block_ip', { ip: BAD_IP, description: 'Switchboard: suspicious login' });
    expect(node.status).toBe('succeeded');
    expect(node.output).toEqual({ ip: BAD_IP, address: `sb-${BAD_IP}`, address_group: GROUP, status: 'success', pendingCommit: true });
    const state = twin().state();
    expect(state.candidate.addresses[`sb-${BAD_IP}`]).toEqual({ 'ip-netmask': BAD_IP, description: 'Switchboard: suspicious login' });
    expect(state.candidate.groups[GROUP]?.static).toEqual([`sb-${BAD_IP}`]);
    expect(state.running.groups[GROUP]?.static).toEqual([]);
    expect(await check()).toMatchObject({ blocked: false, inAddressGroup: false, pendingCommit: true, tagged: false });
  });

  it('commit polls the job to FIN and the IP is then blocked in the running config', async () => {
    await run('block_ip', { ip: BAD_IP });
    twin().requests.length = 0;
    const { node, sleeps } = await run('commit', { description: 'block 185.220.101.45' });
    expect(node.status).toBe('succeeded');
    expect(node.output).toMatchObject({
      job: '1',
      message: 'Commit job enqueued with jobid 1',
      finished: true,
      status: 'FIN',
      result: 'OK',
      progress: 100,
      details: ['Configuration committed successfully'],
    });
    expect(sleeps).toEqual([2000]);
    expect(twin().requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
    expect(twin().state().running.groups[GROUP]?.static).toEqual([`sb-${BAD_IP}`]);
    expect(await check()).toMatchObject({ blocked: true, inAddressGroup: true, pendingCommit: false });
    expect(await check(scenario.login.benignIp)).toMatchObject({ blocked: false, inAddressGroup: false, tagged: false });
  });

  it('commit reports a clean candidate as no changes, and can return without waiting', async () => {
    const none = await run('commit', {});
    expect(none.node.output).toMatchObject({ job: null, message: 'There are no changes to commit.', finished: true });
    await run('block_ip', { ip: BAD_IP });
    const queued = await run('commit', { wait: false });
    expect(queued.node.output).toMatchObject({ job: '1', finished: false, status: 'ACT' });
    expect(queued.sleeps).toEqual([]);
  });

  it('tag_ip registers the block tag at once (no commit), and again reports it as already there', async () => {
    const first = await run('tag_ip', { ip: BAD_IP, timeout: 3600 });
    expect(first.node.status).toBe('succeeded');
    expect(first.node.output).toEqual({ ip: BAD_IP, tag: TAG, registered: true, alreadyRegistered: false, timeout: 3600 });
    expect(twin().state().registered[BAD_IP]).toEqual([TAG]);
    expect(await check()).toMatchObject({ blocked: true, tagged: true, inAddressGroup: false, registeredTags: [TAG] });
    const again = await run('tag_ip', { ip: BAD_IP });
    expect(again.node.status).toBe('succeeded');
    expect(again.node.output).toMatchObject({ alreadyRegistered: true });
  });

  it('a dry run of block_ip returns the example and sends nothing', async () => {
    await simulate('block_ip', { ip: BAD_IP });
    expect(twin().requests).toEqual([]);
    expect(twin().state().candidate.addresses[`sb-${BAD_IP}`]).toBeUndefined();
  });

  it('a wrong API key fails with AUTH and the firewall’s message', async () => {
    const { node } = await run('is_ip_blocked', { ip: BAD_IP }, {}, { ...credentials(), apiKey: 'not-the-key' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('AUTH');
    expect(node.error?.message).toBe('Palo Alto PAN-OS 403 Invalid Credential');
  });

  it('is_ip_blocked reads a block group missing from the running config as not blocked, pending commit from the candidate', async () => {
    const group = 'soc-blocklist';
    await run('block_ip', { ip: BAD_IP, address_group: group });
    twin().requests.length = 0;
    const { node } = await run('is_ip_blocked', { ip: BAD_IP, address_group: group });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(1);
    expect(node.output).toMatchObject({ blocked: false, inAddressGroup: false, pendingCommit: true, tagged: false });
    expect(twin().requests).toHaveLength(3);
  });

  it('is_ip_blocked takes the firewall’s code-less "No such node" for a group never created as not blocked', async () => {
    await fault({
      method: 'GET',
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: '<response status="error"><msg><line>No such node</line></msg></response>',
      times: 1,
    });
    const { node } = await run('is_ip_blocked', { ip: BAD_IP, address_group: 'never-created' });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(1);
    expect(node.output).toMatchObject({ blocked: false, inAddressGroup: false, pendingCommit: false, tagged: false });
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    await fault({ status: 429, headers: { 'retry-after': '2', 'content-type': 'application/xml' }, body: '<response status="error"><msg><line>Too many requests</line></msg></response>', times: 1 });
    const { node, sleeps } = await run('tag_ip', { ip: BAD_IP });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
    expect(twin().state().registered[BAD_IP]).toEqual([TAG]);
  });

  it('surfaces the firewall’s own message for a refused config change', async () => {
    const { node } = await run('block_ip', { ip: BAD_IP, address_group: 'switchboard-dynamic-blocklist' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('BAD_REQUEST');
    expect(node.error?.message).toBe(
      'Palo Alto PAN-OS error 12 (Invalid object): address-group -> switchboard-dynamic-blocklist is a dynamic group; static members are not allowed',
    );
  });

  it('retries an internal error and then surfaces its message', async () => {
    await run('block_ip', { ip: BAD_IP });
    await fault({
      method: 'POST',
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: '<response status="error" code="14"><msg><line>Other administrators are holding device wide commit locks.</line></msg></response>',
    });
    const { node } = await run('commit', {});
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('VENDOR');
    expect(node.attempt).toBe(3);
    expect(node.error?.message).toBe('Palo Alto PAN-OS error 14 (Operation not possible): Other administrators are holding device wide commit locks.');
  });

  it('fails a commit whose job finishes with FAIL, with the job’s detail lines', async () => {
    await run('block_ip', { ip: BAD_IP });
    await fault({
      method: 'GET',
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body:
        '<response status="success"><result><job><id>1</id><type>Commit</type><status>FIN</status><result>FAIL</result><progress>100</progress>' +
        '<details><line>Validation Error:</line><line>rulebase -> security -> rules -> deny-bad is invalid</line></details><warnings/></job></result></response>',
      times: 1,
    });
    const { node } = await run('commit', {});
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('FAILED');
    expect(node.error?.message).toBe('Palo Alto PAN-OS commit job 1 FAIL: Validation Error: rulebase -> security -> rules -> deny-bad is invalid');
  });
});

describe('panos twin', () => {
  it('accepts the key as key= and answers keygen for its admin', async () => {
    const keygen = await fetch(`${twin().url}/api/?type=keygen&user=${panosLabAdmin.user}&password=${panosLabAdmin.password}`);
    expect(await keygen.text()).toBe(`<response status="success"><result><key>${panosLabCredentials.apiKey}</key></result></response>`);
    const xpath = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/address-group";
    const query = new URLSearchParams({ type: 'config', action: 'show', xpath, key: panosLabCredentials.apiKey });
    const show = await fetch(`${twin().url}/api/?${query}`);
    expect(show.status).toBe(200);
    expect(await show.text()).toContain(`<entry name="${GROUP}"><static></static></entry>`);
  });
  it('answers a missing node as PAN-OS does: show is an error with no code, get a success with code 7', async () => {
    const xpath = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/address-group/entry[@name='no-such-group']";
    const ask = (action: string) =>
      fetch(`${twin().url}/api/?${new URLSearchParams({ type: 'config', action, xpath })}`, { headers: { 'X-PAN-KEY': panosLabCredentials.apiKey } });
    const show = await ask('show');
    expect(show.status).toBe(200);
    expect(await show.text()).toBe('<response status="error"><msg><line>No such node</line></msg></response>');
    const get = await ask('get');
    expect(await get.text()).toBe('<response status="success" code="7"><result total-count="0" count="0"/></response>');
  });

  it('answers a wrong key and a wrong keygen password with HTTP 403 in the firewall’s own spelling', async () => {
    const badKey = await fetch(`${twin().url}/api/?type=op&cmd=${encodeURIComponent('<show><system><info/></system></show>')}`, { headers: { 'X-PAN-KEY': 'nope' } });
    expect(badKey.status).toBe(403);
    expect(await badKey.text()).toBe("<response status = 'error' code = '403'><result><msg>Invalid Credential</msg></result></response>");
    const keygen = await fetch(`${twin().url}/api/?type=keygen&user=${panosLabAdmin.user}&password=wrong`);
    expect(keygen.status).toBe(403);
    expect(await keygen.text()).toBe("<response status = 'error' code = '403'><result><msg>Invalid credentials.</msg></result></response>");
  });
});

describe('panos helpers', () => {
  it('names address objects sb-<ip> within PAN-OS name rules', () => {
    expect(addressName('185.220.101.45')).toBe('sb-185.220.101.45');
    expect(addressName('10.0.0.0/24')).toBe('sb-10.0.0.0-24');
    expect(addressName('2001:db8::1')).toBe('sb-2001_db8__1');
  });

  it('builds the uid-message with escaping and the optional timeout', () => {
    expect(registerMessage('203.0.113.10', 'a&b', 60)).toBe(
      '<uid-message><version>2.0</version><type>update</type><payload><register><entry ip="203.0.113.10"><tag><member timeout="60">a&amp;b</member></tag></entry></register></payload></uid-message>',
    );
  });

  it('classifies PAN-OS error codes', () => {
    expect(classifyPanCode('403')).toBe('AUTH');
    expect(classifyPanCode('7')).toBe('NOT_FOUND');
    expect(classifyPanCode('12')).toBe('BAD_REQUEST');
    expect(classifyPanCode('2')).toBe('VENDOR');
    expect(classifyPanCode(undefined)).toBe('VENDOR');
    expect(classifyPanError(undefined, 'No such node')).toBe('NOT_FOUND');
    expect(classifyPanError('12', 'No such node')).toBe('BAD_REQUEST');
    expect(classifyPanError(undefined, 'Too many requests, try again later')).toBe('VENDOR');
  });

  it('reads the message of an HTTP error body', () => {
    expect(panVendorError(403, '<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>')).toBe('Invalid Credential');
    expect(panVendorError(500, '<html>oops</html>')).toBeUndefined();
    expect(panVendorError(500, { error: 'x' })).toBeUndefined();
  });
});
