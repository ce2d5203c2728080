import { describe, expect, it } from 'vitest';
import { labCredentialsFor } from '../../../host/lab/lab.ts';
import { scenario } from '../../../lab/scenario.ts';
import { awsLabCredentials, awsLabResources, awsLabTemporaryCredentials, awsTwin } from '../../../lab/twins/aws.ts';
import type { SecurityGroupState } from '../../../lab/twins/aws.ts';
import { signCall } from '../../../nodes/aws/client.ts';
import { awsCredentials, endpointFor } from '../../../nodes/aws/credentials.ts';
import { awsErrorMessage, classOfAwsCode } from '../../../nodes/aws/errors.ts';
import { awsConnector } from '../../../nodes/aws/index.ts';
import { cidrContains, toCidr } from '../../../nodes/aws/ip.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const IP = scenario.login.maliciousIp;
const SG = awsLabResources.securityGroupId;
const IP_SET = awsLabResources.ipSet;
const DETECTOR = awsLabResources.detectorId;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(awsConnector, awsTwin, awsLabCredentials);

const vpnGroup = (): SecurityGroupState => twin().state().securityGroups.find((g) => g.GroupId === SG)!;
const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ee1c1e1b-5f6a-4b8e-9a63-0d6a5b1c2e3f</RequestID></Response>`;

describe('aws connector against its twin', () => {
  it('points every endpoint at the twin and marks the key material secret', () => {
    expect(credentials()).toMatchObject({ baseUrl: twin().url, ec2BaseUrl: twin().url, wafBaseUrl: twin().url, guarddutyBaseUrl: twin().url, region: 'us-east-1' });
    expect(awsConnector.secretFields).toEqual(['secretAccessKey', 'sessionToken']);
    expect(awsConnector.specs.map((s) => `${s.action}:${s.effect}`)).toEqual([
      'revoke_security_group_ingress:write',
      'describe_security_groups:read',
      'add_ip_to_waf_ip_set:write',
      'get_waf_ip_set:read',
      'list_guardduty_findings:read',
    ]);
  });

  describe('EC2', () => {
    it('describes the exposed gateway group with both inbound rules', async () => {
      const { node } = await run('describe_security_groups', { GroupIds: SG });
      expect(node.status).toBe('succeeded');
      const out = node.output as { SecurityGroups: Array<Record<string, unknown>>; ingress: unknown[]; count: number; truncated: boolean };
      expect(out.count).toBe(1);
      expect(out.SecurityGroups[0]).toMatchObject({ GroupId: SG, GroupName: 'vpn-gw-01-sg', VpcId: awsLabResources.vpcId, OwnerId: awsLabResources.accountId });
      expect(out.SecurityGroups[0]?.['IpPermissionsEgress']).toEqual([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: [] }]);
      expect(out.ingress).toEqual([
        { GroupId: SG, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
        { GroupId: SG, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: `${IP}/32` },
      ]);
      expect(out.truncated).toBe(false);
    });

    it('filters groups with EC2 filters', async () => {
      const { node } = await run('describe_security_groups', { Filters: [{ Name: 'ip-permission.cidr', Values: ['0.0.0.0/0'] }] });
      expect((node.output as { SecurityGroups: Array<{ GroupId: string }> }).SecurityGroups.map((g) => g.GroupId)).toEqual([SG]);
      const all = await run('describe_security_groups', {});
      expect(all.node.output).toMatchObject({ count: 2 });
    });

    it('follows NextToken across pages up to the limit', async () => {
      const template = twin().state().securityGroups[1]!;
      for (let i = 0; i < 1003; i++) twin().state().securityGroups.push({ ...template, GroupId: `sg-${(0x10000000 + i).toString(16)}`, GroupName: `bulk-${i}` });
      const { node } = await run('describe_security_groups', { limit: 1004 });
      expect(node.output).toMatchObject({ count: 1004, truncated: true });
      expect(twin().requests.filter((r) => r.path === '/')).toHaveLength(2);
      const all = await run('describe_security_groups', { limit: 5000 });
      expect(all.node.output).toMatchObject({ count: 1005, truncated: false });
    });

    it('revokes SSH from the attacker address, and the rule is gone', async () => {
      const { node } = await run('revoke_security_group_ingress', { GroupId: SG, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: IP });
      expect(node.status).toBe('succeeded');
      expect(node.output).toMatchObject({
        GroupId: SG,
        Return: true,
        revoked: 1,
        RevokedSecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60002', GroupId: SG, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: `${IP}/32` }],
      });
      expect(twin().state().revoked).toEqual([{ GroupId: SG, SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60002' }]);
      expect(twin().state().writeRequests).toEqual([{ service: 'ec2', operation: 'RevokeSecurityGroupIngress' }]);
      const after = await run('describe_security_groups', { GroupIds: [SG] });
      expect((after.node.output as { ingress: unknown[] }).ingress).toEqual([{ GroupId: SG, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }]);
    });

    it('revokes rules given as IpPermissions', async () => {
      const { node } = await run('revoke_security_group_ingress', {
        GroupId: SG,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      });
      expect(node.output).toMatchObject({ revoked: 1, RevokedSecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60001', Description: 'GlobalProtect portal' }] });
      expect(vpnGroup().rules.map((r) => r.SecurityGroupRuleId)).toEqual(['sgr-0b1c2d3e4f5a60002', 'sgr-0b1c2d3e4f5a60003']);
    });

    it('fails with NOT_FOUND and EC2’s message when the rule is already gone', async () => {
      await run('revoke_security_group_ingress', { GroupId: SG, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: `${IP}/32` });
      const { node, sleeps } = await run('revoke_security_group_ingress', { GroupId: SG, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: `${IP}/32` });
      expect(node.status).toBe('failed');
      expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 400, message: 'AWS 400 InvalidPermission.NotFound: The specified rule does not exist in this security group.' });
      expect(sleeps).toEqual([]);
    });

    it('fails with NOT_FOUND for an unknown security group', async () => {
      const { node } = await run('revoke_security_group_ingress', { GroupId: 'sg-0123456789abcdef0', IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: IP });
      expect(node.error).toMatchObject({ code: 'NOT_FOUND', message: "AWS 400 InvalidGroup.NotFound: The security group 'sg-0123456789abcdef0' does not exist" });
    });

    it('refuses a tcp rule without ports before calling AWS', async () => {
      const { node } = await run('revoke_security_group_ingress', { GroupId: SG, IpProtocol: 'tcp', CidrIp: IP });
      expect(node.error).toMatchObject({ code: 'INVALID_INPUT', message: 'IpProtocol tcp needs FromPort and ToPort' });
      expect(twin().requests).toEqual([]);
    });

    it('simulates a revoke in a dry run: the example, and no request reaches AWS', async () => {
      await simulate('revoke_security_group_ingress', { GroupId: SG, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: IP });
      expect(twin().requests).toEqual([]);
      expect(twin().state().writeRequests).toEqual([]);
      expect(vpnGroup().rules).toHaveLength(3);
    });
  });

  describe('WAFV2', () => {
    const ref = { Name: IP_SET.Name, Scope: IP_SET.Scope, Id: IP_SET.Id };

    it('reads the empty block list', async () => {
      const { node } = await run('get_waf_ip_set', { ...ref, contains: IP });
      expect(node.status).toBe('succeeded');
      expect(node.output).toMatchObject({
        IPSet: { Name: IP_SET.Name, Id: IP_SET.Id, IPAddressVersion: 'IPV4', Addresses: [], ARN: `arn:aws:wafv2:us-east-1:123456789012:regional/ipset/${IP_SET.Name}/${IP_SET.Id}` },
        count: 0,
        contains: false,
      });
    });

    it('adds the attacker as a /32 and the set then covers it', async () => {
      const { node } = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: IP });
      expect(node.status).toBe('succeeded');
      expect(node.output).toMatchObject({ added: [`${IP}/32`], alreadyPresent: [], updated: true, attempts: 1, IPSet: { Addresses: [`${IP}/32`] } });
      const set = twin().state().ipSets[0]!;
      expect(set.Addresses).toEqual([`${IP}/32`]);
      expect(set.Description).toBe('Addresses blocked by Switchboard playbooks');
      expect((node.output as { NextLockToken: string }).NextLockToken).toBe(set.LockToken);
      const check = await run('get_waf_ip_set', { ...ref, contains: IP });
      expect(check.node.output).toMatchObject({ count: 1, contains: true });
    });

    it('keeps existing addresses and sends nothing when the address is already there', async () => {
      twin().state().ipSets[0]!.Addresses = ['198.51.100.0/24'];
      await run('add_ip_to_waf_ip_set', { ...ref, Addresses: [IP, '203.0.113.7/32'] });
      expect(twin().state().ipSets[0]!.Addresses).toEqual(['198.51.100.0/24', `${IP}/32`, '203.0.113.7/32']);
      const token = twin().state().ipSets[0]!.LockToken;
      const again = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: `${IP}/32` });
      expect(again.node.output).toMatchObject({ added: [], alreadyPresent: [`${IP}/32`], updated: false });
      expect(twin().state().ipSets[0]!.LockToken).toBe(token);
      const covered = await run('get_waf_ip_set', { ...ref, contains: '198.51.100.20' });
      expect(covered.node.output).toMatchObject({ contains: true });
    });

    it('re-reads and retries once when someone else changed the set (WAFOptimisticLockException)', async () => {
      twin().state().ipSets[0]!.concurrentEdits = 1;
      const { node } = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: IP });
      expect(node.status).toBe('succeeded');
      expect(node.output).toMatchObject({ attempts: 2, updated: true });
      expect(twin().requests.filter((r) => r.method === 'POST' && r.path === '/')).toHaveLength(4);
      expect(twin().state().writeRequests).toHaveLength(2);
      expect(twin().state().ipSets[0]!.Addresses).toEqual([`${IP}/32`]);
    });

    it('surfaces the lock conflict when it happens twice', async () => {
      twin().state().ipSets[0]!.concurrentEdits = 2;
      const { node } = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: IP });
      expect(node.status).toBe('failed');
      expect(node.error?.code).toBe('BAD_REQUEST');
      expect(node.error?.message).toBe(
        'AWS 400 WAFOptimisticLockException: AWS WAF couldn’t save your changes because someone changed the resource after you started to edit it. Reapply your changes.',
      );
      expect(twin().state().ipSets[0]!.Addresses).toEqual([]);
    });

    it('fails with NOT_FOUND for an unknown IP set', async () => {
      const { node } = await run('get_waf_ip_set', { ...ref, Id: 'ffffffff-0000-4000-8000-000000000000' });
      expect(node.error).toMatchObject({ code: 'NOT_FOUND', status: 400, message: 'AWS 400 WAFNonexistentItemException: AWS WAF couldn’t perform the operation because your resource doesn’t exist.' });
    });

    it('surfaces WAF’s refusal of an address of the wrong version', async () => {
      const { node } = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: '2001:db8::7' });
      expect(node.error).toMatchObject({ code: 'BAD_REQUEST', message: 'AWS 400 WAFInvalidParameterException: Error reason: The parameter contains formatting that is not valid., field: IP_ADDRESS, parameter: 2001:db8::7/128' });
    });

    it('refuses an unreadable address before calling AWS', async () => {
      const { node } = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: 'not-an-ip' });
      expect(node.error).toMatchObject({ code: 'INVALID_INPUT', message: 'Addresses: not-an-ip is not an IP address or CIDR' });
      expect(twin().requests).toEqual([]);
    });

    it('simulates an add in a dry run without touching the set', async () => {
      const { node } = await run('add_ip_to_waf_ip_set', { ...ref, Addresses: IP }, { dryRun: true });
      expect(node.status).toBe('simulated');
      expect(twin().requests).toEqual([]);
      expect(twin().state().writeRequests).toEqual([]);
      expect(twin().state().ipSets[0]!.Addresses).toEqual([]);
    });
  });

  describe('GuardDuty', () => {
    it('lists the detector’s findings with their details', async () => {
      const { node } = await run('list_guardduty_findings', { detectorId: DETECTOR });
      expect(node.status).toBe('succeeded');
      const out = node.output as { findings: Array<Record<string, unknown>>; count: number; maxSeverity: number; remoteIps: string[]; nextToken: null };
      expect(out).toMatchObject({ count: 2, maxSeverity: 5, remoteIps: [IP], nextToken: null });
      expect(out.findings[0]).toMatchObject({
        id: awsLabResources.findings.torIpCaller,
        type: 'UnauthorizedAccess:EC2/TorIPCaller',
        severity: 5,
        severityLabel: 'Medium',
        instanceId: awsLabResources.instanceId,
        remoteIps: [IP],
        resource: { resourceType: 'Instance', instanceDetails: { tags: [{ key: 'Name', value: scenario.vulnerability.asset.hostname }, { key: 'Role', value: 'globalprotect-gateway' }] } },
        service: { action: { actionType: 'NETWORK_CONNECTION', networkConnectionAction: { localPortDetails: { port: 22 }, remoteIpDetails: { ipAddressV4: IP } } }, archived: false },
      });
      expect(out.findings[0]?.['updatedAt']).toBe('2026-11-27T08:19:41.512Z');
      expect(out.findings[1]).toMatchObject({
        type: 'Recon:EC2/PortProbeUnprotectedPort',
        severityLabel: 'Low',
        service: { action: { actionType: 'PORT_PROBE', portProbeAction: { portProbeDetails: [{ localPortDetails: { port: 443 } }] } } },
      });
    });

    it('applies findingCriteria and sortCriteria', async () => {
      const high = await run('list_guardduty_findings', { detectorId: DETECTOR, findingCriteria: { criterion: { severity: { gte: 4 } } } });
      expect((high.node.output as { findingIds: string[] }).findingIds).toEqual([awsLabResources.findings.torIpCaller]);
      const byIp = await run('list_guardduty_findings', {
        detectorId: DETECTOR,
        findingCriteria: { criterion: { 'service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4': { eq: [IP] } } },
      });
      expect((byIp.node.output as { findingIds: string[] }).findingIds).toEqual([awsLabResources.findings.portProbe]);
      const sorted = await run('list_guardduty_findings', { detectorId: DETECTOR, sortCriteria: { attributeName: 'severity', orderBy: 'ASC' } });
      expect((sorted.node.output as { findingIds: string[] }).findingIds).toEqual([awsLabResources.findings.portProbe, awsLabResources.findings.torIpCaller]);
    });

    it('follows nextToken page by page, up to the limit', async () => {
      const { node } = await run('list_guardduty_findings', { detectorId: DETECTOR, maxResults: 1, limit: 10 });
      expect(node.output).toMatchObject({ count: 2, nextToken: null });
      expect(twin().requests.map((r) => r.path)).toEqual([`/detector/${DETECTOR}/findings`, `/detector/${DETECTOR}/findings`, `/detector/${DETECTOR}/findings/get`]);
      const one = await run('list_guardduty_findings', { detectorId: DETECTOR, maxResults: 1, limit: 1 });
      expect(one.node.output).toMatchObject({ count: 1, findingIds: [awsLabResources.findings.torIpCaller] });
      expect((one.node.output as { nextToken: string | null }).nextToken).toEqual(expect.any(String));
    });

    it('surfaces GuardDuty’s message for a detector of another account', async () => {
      const { node } = await run('list_guardduty_findings', { detectorId: 'ffffffffffffffffffffffffffffffff' });
      expect(node.error).toMatchObject({
        code: 'BAD_REQUEST',
        status: 400,
        message: 'AWS 400 BadRequestException: The request is rejected because the input detectorId is not owned by the current account.',
      });
    });
  });

  describe('SigV4 and credentials', () => {
    it('refuses a wrong secret with each service’s own signature error, as AUTH', async () => {
      const wrong = { ...credentials(), secretAccessKey: 'not-the-lab-secret-key-0000000000000000' };
      const ec2 = await run('describe_security_groups', { GroupIds: SG }, {}, wrong);
      expect(ec2.node.error).toMatchObject({ code: 'AUTH', status: 403, message: `AWS 403 SignatureDoesNotMatch: ${SIGNATURE_MISMATCH}` });
      const waf = await run('get_waf_ip_set', { ...IP_SET }, {}, wrong);
      expect(waf.node.error).toMatchObject({ code: 'AUTH', status: 400, message: `AWS 400 InvalidSignatureException: ${SIGNATURE_MISMATCH}` });
      const gd = await run('list_guardduty_findings', { detectorId: DETECTOR }, {}, wrong);
      expect(gd.node.error).toMatchObject({ code: 'AUTH', status: 403, message: `AWS 403 InvalidSignatureException: ${SIGNATURE_MISMATCH}` });
      for (const { node } of [ec2, waf, gd]) expect(node.error?.message).not.toContain('not-the-lab-secret');
    });

    it('refuses an unknown access key with AuthFailure / UnrecognizedClientException, as AUTH', async () => {
      const unknown = { ...credentials(), accessKeyId: 'AKIAUNKNOWNKEY000000' };
      const ec2 = await run('revoke_security_group_ingress', { GroupId: SG, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: IP }, {}, unknown);
      expect(ec2.node.error).toMatchObject({ code: 'AUTH', status: 401, message: 'AWS 401 AuthFailure: AWS was not able to validate the provided access credentials' });
      expect(vpnGroup().rules).toHaveLength(3);
      const waf = await run('add_ip_to_waf_ip_set', { ...IP_SET, Addresses: IP }, {}, unknown);
      expect(waf.node.error).toMatchObject({ code: 'AUTH', status: 400, message: 'AWS 400 UnrecognizedClientException: The security token included in the request is invalid.' });
      const gd = await run('list_guardduty_findings', { detectorId: DETECTOR }, {}, unknown);
      expect(gd.node.error).toMatchObject({ code: 'AUTH', status: 403, message: 'AWS 403 UnrecognizedClientException: The security token included in the request is invalid.' });
    });

    it('accepts temporary credentials with their session token, and refuses them without', async () => {
      const temporary = labCredentialsFor({ connector: awsConnector, twin: awsTwin, credentials: awsLabTemporaryCredentials }, twin().url);
      const ok = await run('get_waf_ip_set', { ...IP_SET }, {}, temporary);
      expect(ok.node.status).toBe('succeeded');
      const { sessionToken: _dropped, ...withoutToken } = temporary;
      const refused = await run('get_waf_ip_set', { ...IP_SET }, {}, withoutToken);
      expect(refused.node.error).toMatchObject({ code: 'AUTH', message: 'AWS 400 UnrecognizedClientException: The security token included in the request is invalid.' });
    });

    it('verifies the signature over the body, the host and the service scope', async () => {
      const parsed = awsCredentials.parse(credentials());
      const body = 'Action=DescribeSecurityGroups&Version=2016-11-15';
      const signed = signCall(parsed, { service: 'ec2', path: '/', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } });
      expect(signed.headers['Authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIALAB0SWITCHBOARD1\/\d{8}\/us-east-1\/ec2\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
      const send = (payload: string, headers = signed.headers) => fetch(signed.url, { method: 'POST', headers, body: payload });
      expect((await send(body)).status).toBe(200);
      const tampered = await send(body.replace('DescribeSecurityGroups', 'DescribeSecurityGroupz'));
      expect(tampered.status).toBe(403);
      expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
      const otherService = signCall(parsed, { service: 'wafv2', path: '/', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } });
      const scoped = await send(body, otherService.headers);
      expect(await scoped.text()).toContain('<Message>Credential should be scoped to correct service: &apos;ec2&apos;. </Message>');
      const unsigned = await fetch(signed.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(unsigned.status).toBe(401);
    });
  });

  describe('throttling and vendor errors', () => {
    it('honours Retry-After on a 429 and then succeeds', async () => {
      await fault({
        path: '^/detector/',
        status: 429,
        headers: { 'retry-after': '2', 'x-amzn-errortype': 'TooManyRequestsException', 'content-type': 'application/json' },
        body: { message: 'Rate exceeded' },
        times: 1,
      });
      const { node, sleeps } = await run('list_guardduty_findings', { detectorId: DETECTOR });
      expect(node.status).toBe('succeeded');
      expect(node.attempt).toBe(2);
      expect(sleeps).toContain(2000);
    });

    it('treats EC2’s 503 RequestLimitExceeded as RATE_LIMITED and retries', async () => {
      await fault({ path: '^/$', status: 503, headers: { 'content-type': 'text/xml' }, body: ec2Error('RequestLimitExceeded', 'Request limit exceeded.'), times: 1 });
      const { node, sleeps } = await run('describe_security_groups', { GroupIds: SG });
      expect(node.status).toBe('succeeded');
      expect(node.attempt).toBe(2);
      expect(sleeps).toEqual([500]);
    });

    it('treats a 400 ThrottlingException as RATE_LIMITED, and gives up when the budget stays spent', async () => {
      await rateLimit({ budget: 0 });
      const { node, sleeps } = await run('get_waf_ip_set', { ...IP_SET });
      expect(node.status).toBe('failed');
      expect(node.error).toMatchObject({ code: 'RATE_LIMITED', status: 400, message: 'AWS 400 ThrottlingException: Rate exceeded' });
      expect(sleeps).toEqual([500, 1000]);
    });

    it('retries a 500 and surfaces the vendor’s message when it persists', async () => {
      await fault({ path: '^/$', status: 500, headers: { 'content-type': 'text/xml' }, body: ec2Error('InternalError', 'An internal error has occurred') });
      const { node, sleeps } = await run('describe_security_groups', { GroupIds: SG });
      expect(node.error).toMatchObject({ code: 'VENDOR', status: 500, message: 'AWS 500 InternalError: An internal error has occurred' });
      expect(node.attempt).toBe(3);
      expect(sleeps).toEqual([500, 1000]);
    });
  });
});

describe('aws helpers', () => {
  it('derives endpoints from the region unless overridden', () => {
    const base = awsCredentials.parse({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' });
    expect(endpointFor(base, 'ec2')).toBe('https://ec2.us-east-1.amazonaws.com');
    expect(endpointFor({ ...base, region: 'eu-west-3' }, 'guardduty')).toBe('https://guardduty.eu-west-3.amazonaws.com');
    expect(endpointFor({ ...base, region: 'cn-north-1' }, 'wafv2')).toBe('https://wafv2.cn-north-1.amazonaws.com.cn');
    expect(endpointFor({ ...base, baseUrl: 'http://localhost:4566/' }, 'wafv2')).toBe('http://localhost:4566');
    expect(endpointFor({ ...base, baseUrl: 'http://localhost:4566', ec2BaseUrl: 'https://vpce.example/ec2' }, 'ec2')).toBe('https://vpce.example/ec2');
  });

  it('reads the code and message of every AWS error shape', () => {
    expect(awsErrorMessage(400, ec2Error('InvalidGroup.NotFound', 'The security group &apos;sg-1&apos; does not exist'), {})).toBe("InvalidGroup.NotFound: The security group 'sg-1' does not exist");
    expect(awsErrorMessage(400, { __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'bad token' }, {})).toBe('UnrecognizedClientException: bad token');
    expect(awsErrorMessage(400, { __type: 'WAFNonexistentItemException', Message: 'gone' }, {})).toBe('WAFNonexistentItemException: gone');
    expect(awsErrorMessage(403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'MissingAuthenticationTokenException:http://internal.amazon.com/coral/' })).toBe(
      'MissingAuthenticationTokenException: Missing Authentication Token',
    );
    expect(awsErrorMessage(502, '<html>Bad gateway</html>', {})).toBeUndefined();
  });

  it('classes AWS codes that hide behind 400 and 503', () => {
    expect(classOfAwsCode('ThrottlingException')).toBe('RATE_LIMITED');
    expect(classOfAwsCode('RequestLimitExceeded')).toBe('RATE_LIMITED');
    expect(classOfAwsCode('UnrecognizedClientException')).toBe('AUTH');
    expect(classOfAwsCode('WAFNonexistentItemException')).toBe('NOT_FOUND');
    expect(classOfAwsCode('WAFOptimisticLockException')).toBeUndefined();
  });

  it('normalises addresses to CIDRs and tests coverage', () => {
    expect(toCidr('185.220.101.45')).toEqual({ cidr: '185.220.101.45/32', version: 4 });
    expect(toCidr('2001:DB8::1')).toEqual({ cidr: '2001:db8::1/128', version: 6 });
    expect(toCidr('10.0.0.0/33')).toBeUndefined();
    expect(toCidr('999.1.1.1')).toBeUndefined();
    expect(cidrContains('198.51.100.0/24', '198.51.100.20')).toBe(true);
    expect(cidrContains('198.51.100.0/24', '198.51.101.20')).toBe(false);
    expect(cidrContains('0.0.0.0/0', IP)).toBe(true);
    expect(cidrContains('2001:db8::1/128', '2001:DB8::1')).toBe(true);
  });
});
