import { randomUUID } from 'node:crypto';
import aws4 from 'aws4';
import { escapeXml } from './xml-wire.ts';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * Twin of three AWS APIs behind one server: EC2's Query API (form POST, XML answers and the
 * `<Response><Errors>` envelope), WAFV2's JSON 1.1 API (POST / routed by `X-Amz-Target`) and
 * GuardDuty's REST API (`/detector/{id}/findings[/get]`). Every request's SigV4 signature is
 * recomputed with aws4 from what arrived (method, path, query, the headers named in SignedHeaders,
 * body) and the key's secret; a wrong one gets each service's real refusal: EC2 401 AuthFailure /
 * 403 SignatureDoesNotMatch, WAFV2 400 UnrecognizedClientException / InvalidSignatureException
 * (JSON 1.1 services answer auth errors with 400), GuardDuty 403 with `x-amzn-ErrorType`.
 */

type Json = Record<string, unknown>;
/** The service a request is for, from its path and X-Amz-Target. */
export type Service = 'ec2' | 'wafv2' | 'guardduty';

/** The long-term key the lab binds (`switchboard lab`); region us-east-1. */
export const awsLabCredentials = {
  accessKeyId: 'AKIALAB0SWITCHBOARD1',
  secretAccessKey: 'lab/aws/Zr8Q2xW7bK4nP1sV9cT6yM3hJ5fD0gL',
  region: 'us-east-1',
};

/** Temporary credentials the twin also accepts: the session token must come with them. */
export const awsLabTemporaryCredentials = {
  accessKeyId: 'ASIALAB0SWITCHBOARD2',
  secretAccessKey: 'lab/aws/tmp/Hq3Wn8Ty2Lp6Xc1Vb9Rm4Kd7Js0Fg5',
  sessionToken: 'IQoJb3JpZ2luX2VjEKL//////////wEaCXVzLWVhc3QtMSJHMEUCIQDlab0switchboard0session0token',
  region: 'us-east-1',
};

/** Ids of the lab's AWS resources (the scenario's exposed VPN gateway and the block list). */
export const awsLabResources = {
  accountId: '123456789012',
  region: 'us-east-1',
  securityGroupId: 'sg-0a1b2c3d4e5f60718',
  securityGroupName: 'vpn-gw-01-sg',
  vpcId: 'vpc-0e1d2c3b4a5f60789',
  instanceId: 'i-0b7c3e1a9d2f45e68',
  ipSet: { Name: scenario.firewall.blockGroup, Id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', Scope: 'REGIONAL' as const },
  detectorId: '12abc34d567e8fa901bc2d34eexample',
  findings: { torIpCaller: '6ec8a1f4b2d04c7e9a3f5b1d2c4e6f80', portProbe: '4a2b9c7d1e3f5a6b8c0d2e4f6a8b0c1d' },
};

/** One security group rule, one source each, as EC2 stores rules (`sgr-…`). */
export interface SgRule {
  SecurityGroupRuleId: string;
  IsEgress: boolean;
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  Description?: string;
}

/** A VPC security group of the lab account. */
export interface SecurityGroupState {
  GroupId: string;
  GroupName: string;
  Description: string;
  OwnerId: string;
  VpcId: string;
  Tags: Array<{ Key: string; Value: string }>;
  rules: SgRule[];
}

/** A WAFV2 IP set with its current lock token. */
export interface IpSetState {
  Name: string;
  Id: string;
  Scope: 'REGIONAL' | 'CLOUDFRONT';
  ARN: string;
  Description?: string;
  IPAddressVersion: 'IPV4' | 'IPV6';
  Addresses: string[];
  LockToken: string;
  /** Lab knob: after each of the next N GetIPSet answers, someone else edits the set (its token changes). */
  concurrentEdits: number;
}

/** The lab account: keys, security groups, WAF IP sets and GuardDuty findings. */
export interface AwsTwinState {
  accountId: string;
  /** Access key id → its secret (and session token, for temporary credentials). */
  keys: Record<string, { secretAccessKey: string; sessionToken?: string }>;
  securityGroups: SecurityGroupState[];
  ipSets: IpSetState[];
  /** Detector id → its findings (GetFindings shape). */
  detectors: Record<string, Json[]>;
  /** Counter behind rule ids and lock tokens, so runs are deterministic. */
  sequence: number;
  /** Every rule RevokeSecurityGroupIngress removed, in order. */
  revoked: Array<{ GroupId: string; SecurityGroupRuleId: string }>;
  /**
   * Every write operation that reached a handler, refused or not. AWS reads are POSTs too, so a dry
   * run is checked here (or on the resources), not by the method of `requests`.
   */
  writeRequests: Array<{ service: Service; operation: string }>;
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const WAF_TARGET = 'AWSWAF_20190729.';
const MAX_SKEW_MS = 15 * 60_000;
const CORAL = 'http://internal.amazon.com/coral/com.amazon.coral.service/';

// ---------------------------------------------------------------- scenario state

function lockToken(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `7f3c2a10-5b4e-4d6f-9a8b-${hex}`;
}

function instanceResource(): Json {
  const asset = scenario.vulnerability.asset;
  const r = awsLabResources;
  const privateIp = '10.20.1.20';
  return {
    resourceType: 'Instance',
    instanceDetails: {
      instanceId: r.instanceId,
      instanceType: 'c6i.large',
      instanceState: 'running',
      availabilityZone: 'us-east-1a',
      launchTime: '2025-09-14T10:22:31.000Z',
      imageId: 'ami-0c1f2e3d4b5a69788',
      imageDescription: 'Palo Alto Networks VM-Series (PAN-OS 11.1)',
      platform: null,
      productCodes: [],
      iamInstanceProfile: null,
      networkInterfaces: [
        {
          networkInterfaceId: 'eni-0f9e8d7c6b5a43210',
          privateIpAddress: privateIp,
          privateDnsName: 'ip-10-20-1-20.ec2.internal',
          privateIpAddresses: [{ privateIpAddress: privateIp, privateDnsName: 'ip-10-20-1-20.ec2.internal' }],
          publicIp: asset.ip,
          publicDnsName: `ec2-${asset.ip.replaceAll('.', '-')}.compute-1.amazonaws.com`,
          securityGroups: [{ groupId: r.securityGroupId, groupName: r.securityGroupName }],
          subnetId: 'subnet-0a9b8c7d6e5f4a3b2',
          vpcId: r.vpcId,
          ipv6Addresses: [],
        },
      ],
      tags: [
        { key: 'Name', value: asset.hostname },
        { key: 'Role', value: 'globalprotect-gateway' },
      ],
    },
  };
}

function remoteIp(): Json {
  return {
    ipAddressV4: scenario.login.maliciousIp,
    organization: { asn: '64500', asnOrg: 'Relay Hosting SRL', isp: 'Relay Hosting SRL', org: 'Relay Hosting SRL' },
    country: { countryCode: scenario.login.country, countryName: 'Romania' },
    city: { cityName: 'Bucharest' },
    geoLocation: { lat: 44.4268, lon: 26.1025 },
  };
}

function finding(id: string, fields: Json, service: Json): Json {
  const r = awsLabResources;
  return {
    accountId: r.accountId,
    arn: `arn:aws:guardduty:${r.region}:${r.accountId}:detector/${r.detectorId}/finding/${id}`,
    id,
    partition: 'aws',
    region: r.region,
    schemaVersion: '2.0',
    resource: instanceResource(),
    confidence: 5,
    ...fields,
    service: { serviceName: 'guardduty', detectorId: r.detectorId, archived: false, resourceRole: 'TARGET', additionalInfo: { value: '{}', type: 'default' }, ...service },
  };
}

/** The scenario's GuardDuty findings: Tor exit node on SSH of vpn-gw-01, and a probe of its exposed 443. */
function scenarioFindings(): Json[] {
  const r = awsLabResources;
  const ip = scenario.login.maliciousIp;
  const tor = finding(
    r.findings.torIpCaller,
    {
      type: 'UnauthorizedAccess:EC2/TorIPCaller',
      severity: 5,
      title: `Tor exit node is communicating with EC2 instance ${r.instanceId}.`,
      description: `EC2 instance ${r.instanceId} is receiving inbound connections from Tor exit node ${ip}.`,
      createdAt: '2026-11-27T08:19:41.512Z',
      updatedAt: '2026-11-27T08:19:41.512Z',
    },
    {
      count: 4,
      eventFirstSeen: '2026-11-27T08:13:58.000Z',
      eventLastSeen: scenario.login.time.replace('Z', '.000Z'),
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          blocked: false,
          protocol: 'TCP',
          localPortDetails: { port: 22, portName: 'SSH' },
          localIpDetails: { ipAddressV4: '10.20.1.20' },
          remotePortDetails: { port: 51442, portName: 'Unknown' },
          remoteIpDetails: remoteIp(),
        },
      },
    },
  );
  const probe = finding(
    r.findings.portProbe,
    {
      type: 'Recon:EC2/PortProbeUnprotectedPort',
      severity: 2,
      title: `Unprotected port on EC2 instance ${r.instanceId} is being probed.`,
      description: `EC2 instance ${r.instanceId} has an unprotected port 443 (HTTPS) which is being probed by a known malicious host.`,
      createdAt: '2026-11-27T07:47:09.230Z',
      updatedAt: '2026-11-27T08:09:58.771Z',
    },
    {
      count: 17,
      eventFirstSeen: '2026-11-27T07:41:12.000Z',
      eventLastSeen: '2026-11-27T08:09:55.000Z',
      action: {
        actionType: 'PORT_PROBE',
        portProbeAction: {
          blocked: false,
          portProbeDetails: [
            { localPortDetails: { port: 443, portName: 'HTTPS' }, localIpDetails: { ipAddressV4: '10.20.1.20' }, remoteIpDetails: remoteIp() },
          ],
        },
      },
    },
  );
  return [tor, probe];
}

function initialState(): AwsTwinState {
  const r = awsLabResources;
  const build = scenario.vulnerability.minor.asset;
  return {
    accountId: r.accountId,
    keys: {
      [awsLabCredentials.accessKeyId]: { secretAccessKey: awsLabCredentials.secretAccessKey },
      [awsLabTemporaryCredentials.accessKeyId]: {
        secretAccessKey: awsLabTemporaryCredentials.secretAccessKey,
        sessionToken: awsLabTemporaryCredentials.sessionToken,
      },
    },
    securityGroups: [
      {
        GroupId: r.securityGroupId,
        GroupName: r.securityGroupName,
        Description: `GlobalProtect gateway ${scenario.vulnerability.asset.hostname}`,
        OwnerId: r.accountId,
        VpcId: r.vpcId,
        Tags: [{ Key: 'Name', Value: r.securityGroupName }],
        rules: [
          { SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60001', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0', Description: 'GlobalProtect portal' },
          { SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60002', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: `${scenario.login.maliciousIp}/32` },
          { SecurityGroupRuleId: 'sgr-0b1c2d3e4f5a60003', IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' },
        ],
      },
      {
        GroupId: 'sg-07e6d5c4b3a291807',
        GroupName: `${build.hostname}-sg`,
        Description: `CI runner ${build.hostname}`,
        OwnerId: r.accountId,
        VpcId: r.vpcId,
        Tags: [{ Key: 'Name', Value: `${build.hostname}-sg` }],
        rules: [
          { SecurityGroupRuleId: 'sgr-07e6d5c4b3a290001', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.20.0.0/16', Description: 'SSH from the office' },
          { SecurityGroupRuleId: 'sgr-07e6d5c4b3a290002', IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' },
        ],
      },
    ],
    ipSets: [
      {
        ...r.ipSet,
        ARN: `arn:aws:wafv2:${r.region}:${r.accountId}:regional/ipset/${r.ipSet.Name}/${r.ipSet.Id}`,
        Description: 'Addresses blocked by Switchboard playbooks',
        IPAddressVersion: 'IPV4',
        Addresses: [],
        LockToken: lockToken(1),
        concurrentEdits: 0,
      },
    ],
    detectors: { [r.detectorId]: scenarioFindings() },
    sequence: 1,
    revoked: [],
    writeRequests: [],
  };
}

// ---------------------------------------------------------------- wire formats

function serviceOf(req: TwinRequest): Service {
  if (req.path.startsWith('/detector')) return 'guardduty';
  if ((req.headers['x-amz-target'] ?? '').startsWith(WAF_TARGET)) return 'wafv2';
  return 'ec2';
}

function ec2Ok(action: string, inner: string): TwinResponse {
  const root = `${action}Response`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${EC2_NS}"><requestId>${randomUUID()}</requestId>${inner}</${root}>`,
  };
}

/** EC2's error envelope (botocore EC2QueryParser: note `RequestID`, not `RequestId`). */
function ec2Error(status: number, code: string, message: string): TwinResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  };
}

function wafOk(body: Json): TwinResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }, body };
}

/** A JSON 1.1 error: `__type` names it; WAF's own exceptions carry `Message`, Coral's generic ones `message`. */
function wafError(code: string, message: string, status = 400): TwinResponse {
  const key = code.startsWith('WAF') ? 'Message' : 'message';
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }, body: { __type: code, [key]: message } };
}

function gdOk(body: Json): TwinResponse {
  return { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() }, body };
}

/** A rest-json error: the code travels in `x-amzn-ErrorType`; the body may name a narrower `__type`. */
function gdError(status: number, errorType: string, message: string, bodyType?: string): TwinResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': `${errorType}:${CORAL}` },
    body: bodyType === undefined ? { message } : { message, __type: bodyType },
  };
}

// ---------------------------------------------------------------- SigV4

type Refusal = 'missing' | 'unknownKey' | 'badToken' | 'badSignature' | 'wrongService' | 'wrongDate' | 'expired';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** Each service's real answer to a refused signature or credential. */
function refuse(service: Service, why: Refusal, detail = ''): TwinResponse {
  if (service === 'ec2') {
    if (why === 'missing' || why === 'unknownKey' || why === 'badToken') return ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    if (why === 'expired') return ec2Error(400, 'RequestExpired', 'Request has expired.');
    return ec2Error(403, 'SignatureDoesNotMatch', detail || SIGNATURE_MISMATCH);
  }
  const [code, message] =
    why === 'missing'
      ? ['MissingAuthenticationTokenException', 'Missing Authentication Token']
      : why === 'unknownKey' || why === 'badToken'
        ? ['UnrecognizedClientException', INVALID_TOKEN]
        : ['InvalidSignatureException', detail || SIGNATURE_MISMATCH];
  return service === 'wafv2' ? wafError(code, message, 400) : gdError(403, code, message);
}

interface Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_HEADER =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

function parseAuthorization(value: string | undefined): Authorization | undefined {
  const m = AUTH_HEADER.exec(value?.trim() ?? '');
  if (m === null) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

/** `20261128T123000Z` as epoch milliseconds. */
function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m === null ? Number.NaN : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * The signature the request should carry, recomputed by aws4 from exactly the signed headers as
 * received, the path and query, and the raw body, with the date of `X-Amz-Date`.
 */
function expectedSignature(req: TwinRequest, auth: Authorization, secretAccessKey: string): string {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) headers[name] = req.headers[name] ?? '';
  const query = req.query.toString();
  const signer = new aws4.RequestSigner(
    {
      method: req.method,
      host: req.headers['host'] ?? '',
      path: `${req.path}${query === '' ? '' : `?${query}`}`,
      service: auth.service,
      region: auth.region,
      body: req.rawBody,
      headers,
      doNotModifyHeaders: true,
    },
    { accessKeyId: auth.accessKeyId, secretAccessKey },
  );
  signer.datetime = req.headers['x-amz-date'] ?? '';
  return signer.signature();
}

/** Checks SigV4 the way AWS does: known key, its session token, scope, clock skew, then the signature itself. */
function verify(req: TwinRequest, state: AwsTwinState): TwinResponse | undefined {
  const service = serviceOf(req);
  const auth = parseAuthorization(req.headers['authorization']);
  if (auth === undefined) return refuse(service, 'missing');
  const key = state.keys[auth.accessKeyId];
  if (key === undefined) return refuse(service, 'unknownKey');
  if (key.sessionToken !== undefined && req.headers['x-amz-security-token'] !== key.sessionToken) return refuse(service, 'badToken');
  if (auth.service !== service) return refuse(service, 'wrongService', `Credential should be scoped to correct service: '${service}'. `);
  if (!auth.signedHeaders.includes('host')) return refuse(service, 'badSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const sent = req.headers['x-amz-date'] ?? '';
  const sentMs = amzDateMs(sent);
  if (Number.isNaN(sentMs) || !auth.signedHeaders.includes('x-amz-date')) return refuse(service, 'badSignature', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  if (sent.slice(0, 8) !== auth.date) {
    return refuse(service, 'wrongDate', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${sent.slice(0, 8)}', from '${sent}'.`);
  }
  const now = Date.now();
  if (Math.abs(now - sentMs) > MAX_SKEW_MS) {
    return refuse(service, 'expired', `Signature expired: ${sent} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`);
  }
  return expectedSignature(req, auth, key.secretAccessKey) === auth.signature ? undefined : refuse(service, 'badSignature');
}

// ---------------------------------------------------------------- EC2

type Params = Record<string, string>;

function paramsOf(req: TwinRequest): Params {
  const out: Params = Object.fromEntries(req.query);
  const body = req.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body as Json)) if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** Values of `Prefix.1`, `Prefix.2`, … in order. */
function listOf(params: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`]!);
  return out;
}

const GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

function findGroup(state: AwsTwinState, id: string): SecurityGroupState | TwinResponse {
  if (!GROUP_ID.test(id)) return ec2Error(400, 'InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`);
  return state.securityGroups.find((g) => g.GroupId === id) ?? ec2Error(400, 'InvalidGroup.NotFound', `The security group '${id}' does not exist`);
}

function isGroup(value: SecurityGroupState | TwinResponse): value is SecurityGroupState {
  return 'rules' in value;
}

/** Rules grouped into `ipPermissions` items by protocol and port range, as EC2 answers. */
function permissionsXml(rules: readonly SgRule[]): string {
  const byKey = new Map<string, SgRule[]>();
  for (const rule of rules) {
    const key = `${rule.IpProtocol}|${rule.FromPort}|${rule.ToPort}`;
    byKey.set(key, [...(byKey.get(key) ?? []), rule]);
  }
  return [...byKey.values()]
    .map((group) => {
      const first = group[0]!;
      const ports = first.IpProtocol === '-1' ? '' : `<fromPort>${first.FromPort}</fromPort><toPort>${first.ToPort}</toPort>`;
      const range = (cidr: string, tag: string, description: string | undefined) =>
        `<item><${tag}>${escapeXml(cidr)}</${tag}>${description === undefined ? '' : `<description>${escapeXml(description)}</description>`}</item>`;
      const v4 = group.filter((r) => r.CidrIpv4 !== undefined).map((r) => range(r.CidrIpv4!, 'cidrIp', r.Description));
      const v6 = group.filter((r) => r.CidrIpv6 !== undefined).map((r) => range(r.CidrIpv6!, 'cidrIpv6', r.Description));
      return `<item><ipProtocol>${escapeXml(first.IpProtocol)}</ipProtocol>${ports}<groups/><ipRanges>${v4.join('')}</ipRanges><ipv6Ranges>${v6.join('')}</ipv6Ranges><prefixListIds/></item>`;
    })
    .join('');
}

function groupXml(group: SecurityGroupState): string {
  const tags = group.Tags.map((t) => `<item><key>${escapeXml(t.Key)}</key><value>${escapeXml(t.Value)}</value></item>`).join('');
  return (
    `<item><ownerId>${group.OwnerId}</ownerId><groupId>${group.GroupId}</groupId><groupName>${escapeXml(group.GroupName)}</groupName>` +
    `<groupDescription>${escapeXml(group.Description)}</groupDescription><vpcId>${group.VpcId}</vpcId>` +
    `<ipPermissions>${permissionsXml(group.rules.filter((r) => !r.IsEgress))}</ipPermissions>` +
    `<ipPermissionsEgress>${permissionsXml(group.rules.filter((r) => r.IsEgress))}</ipPermissionsEgress>` +
    `<tagSet>${tags}</tagSet></item>`
  );
}

/** The DescribeSecurityGroups filters the twin knows, each as the values it reads from a group. */
const FILTERS: Record<string, (g: SecurityGroupState) => string[]> = {
  'group-id': (g) => [g.GroupId],
  'group-name': (g) => [g.GroupName],
  description: (g) => [g.Description],
  'vpc-id': (g) => [g.VpcId],
  'owner-id': (g) => [g.OwnerId],
  'ip-permission.cidr': (g) => g.rules.filter((r) => !r.IsEgress && r.CidrIpv4).map((r) => r.CidrIpv4!),
  'ip-permission.ipv6-cidr': (g) => g.rules.filter((r) => !r.IsEgress && r.CidrIpv6).map((r) => r.CidrIpv6!),
  'ip-permission.protocol': (g) => g.rules.filter((r) => !r.IsEgress).map((r) => r.IpProtocol),
  'ip-permission.from-port': (g) => g.rules.filter((r) => !r.IsEgress).map((r) => String(r.FromPort)),
  'ip-permission.to-port': (g) => g.rules.filter((r) => !r.IsEgress).map((r) => String(r.ToPort)),
};

function globMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

function describeSecurityGroups(params: Params, state: AwsTwinState): TwinResponse {
  const ids = listOf(params, 'GroupId');
  const names = listOf(params, 'GroupName');
  const maxResults = params['MaxResults'];
  if (maxResults !== undefined && ids.length > 0) {
    return ec2Error(400, 'InvalidParameterCombination', 'The parameter groupIds cannot be used with the parameter maxResults');
  }
  if (maxResults !== undefined && !(Number(maxResults) >= 5 && Number(maxResults) <= 1000)) {
    return ec2Error(400, 'InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
  }
  let groups = state.securityGroups;
  for (const id of ids) {
    const found = findGroup(state, id);
    if (!isGroup(found)) return found;
  }
  if (ids.length > 0) groups = groups.filter((g) => ids.includes(g.GroupId));
  if (names.length > 0) {
    const missing = names.find((n) => !groups.some((g) => g.GroupName === n));
    if (missing !== undefined) return ec2Error(400, 'InvalidGroup.NotFound', `The security group '${missing}' does not exist in default VPC '${awsLabResources.vpcId}'`);
    groups = groups.filter((g) => names.includes(g.GroupName));
  }
  for (let i = 1; params[`Filter.${i}.Name`] !== undefined; i++) {
    const name = params[`Filter.${i}.Name`]!;
    const read = name.startsWith('tag:') ? (g: SecurityGroupState) => g.Tags.filter((t) => t.Key === name.slice(4)).map((t) => t.Value) : FILTERS[name];
    if (read === undefined) return ec2Error(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
    const values = listOf(params, `Filter.${i}.Value`);
    groups = groups.filter((g) => read(g).some((v) => values.some((pattern) => globMatch(pattern, v))));
  }
  const offset = params['NextToken'] === undefined ? 0 : Number(Buffer.from(params['NextToken'], 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return ec2Error(400, 'InvalidPaginationToken', `Invalid pagination token: ${params['NextToken']}`);
  const size = maxResults === undefined ? groups.length : Number(maxResults);
  const page = groups.slice(offset, offset + size);
  const next = offset + size < groups.length ? `<nextToken>${Buffer.from(String(offset + size)).toString('base64url')}</nextToken>` : '';
  return ec2Ok('DescribeSecurityGroups', `<securityGroupInfo>${page.map(groupXml).join('')}</securityGroupInfo>${next}`);
}

const PROTOCOLS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };
const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

interface Target {
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  cidr: string;
  v6: boolean;
}

/** The (protocol, ports, source) pairs a revoke names: `IpPermissions.N.*`, or the legacy flat fields. */
function targetsOf(params: Params): Target[] | TwinResponse {
  const permissions: Array<{ prefix: string; flat: boolean }> = [];
  for (let i = 1; params[`IpPermissions.${i}.IpProtocol`] !== undefined; i++) permissions.push({ prefix: `IpPermissions.${i}.`, flat: false });
  if (permissions.length === 0 && params['IpProtocol'] !== undefined) permissions.push({ prefix: '', flat: true });
  const targets: Target[] = [];
  for (const { prefix, flat } of permissions) {
    const raw = params[`${prefix}IpProtocol`]!.toLowerCase();
    const protocol = PROTOCOLS[raw] ?? raw;
    const all = protocol === '-1';
    const from = all ? -1 : Number(params[`${prefix}FromPort`] ?? Number.NaN);
    const to = all ? -1 : Number(params[`${prefix}ToPort`] ?? Number.NaN);
    if (Number.isNaN(from) || Number.isNaN(to)) return ec2Error(400, 'InvalidParameterValue', `Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`);
    const v4: string[] = flat ? (params['CidrIp'] === undefined ? [] : [params['CidrIp']]) : [];
    if (!flat) for (let j = 1; params[`${prefix}IpRanges.${j}.CidrIp`] !== undefined; j++) v4.push(params[`${prefix}IpRanges.${j}.CidrIp`]!);
    const v6: string[] = [];
    if (!flat) for (let j = 1; params[`${prefix}Ipv6Ranges.${j}.CidrIpv6`] !== undefined; j++) v6.push(params[`${prefix}Ipv6Ranges.${j}.CidrIpv6`]!);
    for (const cidr of v4) {
      const m = CIDR_V4.exec(cidr);
      if (m === null || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
        return ec2Error(400, 'InvalidParameterValue', `Value (${cidr}) for parameter cidrIp is invalid. This is not a valid CIDR block.`);
      }
      targets.push({ IpProtocol: protocol, FromPort: from, ToPort: to, cidr, v6: false });
    }
    for (const cidr of v6) targets.push({ IpProtocol: protocol, FromPort: from, ToPort: to, cidr: cidr.toLowerCase(), v6: true });
  }
  if (targets.length === 0) return ec2Error(400, 'MissingParameter', 'No permissions specified. Use IpPermissions to name at least one rule to revoke.');
  return targets;
}

function matches(rule: SgRule, target: Target): boolean {
  if (rule.IsEgress || rule.IpProtocol !== target.IpProtocol) return false;
  if (target.IpProtocol !== '-1' && (rule.FromPort !== target.FromPort || rule.ToPort !== target.ToPort)) return false;
  return target.v6 ? rule.CidrIpv6 === target.cidr : rule.CidrIpv4 === target.cidr;
}

function revokedXml(group: SecurityGroupState, rule: SgRule): string {
  const cidr = rule.CidrIpv4 !== undefined ? `<cidrIpv4>${rule.CidrIpv4}</cidrIpv4>` : `<cidrIpv6>${rule.CidrIpv6}</cidrIpv6>`;
  const description = rule.Description === undefined ? '' : `<description>${escapeXml(rule.Description)}</description>`;
  return (
    `<item><securityGroupRuleId>${rule.SecurityGroupRuleId}</securityGroupRuleId><groupId>${group.GroupId}</groupId><isEgress>false</isEgress>` +
    `<ipProtocol>${rule.IpProtocol}</ipProtocol><fromPort>${rule.FromPort}</fromPort><toPort>${rule.ToPort}</toPort>${cidr}${description}</item>`
  );
}

/** In a VPC, a rule that does not match exactly is InvalidPermission.NotFound and nothing is revoked. */
function revokeSecurityGroupIngress(params: Params, state: AwsTwinState): TwinResponse {
  const id = params['GroupId'];
  if (id === undefined) return ec2Error(400, 'MissingParameter', 'The request must contain the parameter groupName or groupId');
  const group = findGroup(state, id);
  if (!isGroup(group)) return group;
  const targets = targetsOf(params);
  if (!Array.isArray(targets)) return targets;
  const hits: SgRule[] = [];
  for (const target of targets) {
    const rule = group.rules.find((r) => matches(r, target));
    if (rule === undefined) return ec2Error(400, 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    if (!hits.includes(rule)) hits.push(rule);
  }
  group.rules = group.rules.filter((r) => !hits.includes(r));
  state.revoked.push(...hits.map((r) => ({ GroupId: group.GroupId, SecurityGroupRuleId: r.SecurityGroupRuleId })));
  return ec2Ok('RevokeSecurityGroupIngress', `<return>true</return><revokedSecurityGroupRuleSet>${hits.map((r) => revokedXml(group, r)).join('')}</revokedSecurityGroupRuleSet>`);
}

function ec2(req: TwinRequest, state: AwsTwinState): TwinResponse {
  const params = paramsOf(req);
  const action = params['Action'];
  if (action === undefined) return ec2Error(400, 'MissingAction', 'The request must contain the parameter Action');
  if (action === 'DescribeSecurityGroups') return describeSecurityGroups(params, state);
  if (action === 'RevokeSecurityGroupIngress') {
    state.writeRequests.push({ service: 'ec2', operation: action });
    return revokeSecurityGroupIngress(params, state);
  }
  return ec2Error(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
}

// ---------------------------------------------------------------- WAFV2

const NONEXISTENT = 'AWS WAF couldn’t perform the operation because your resource doesn’t exist.';

function invalidParameter(field: string, parameter: string, reason = 'The parameter contains formatting that is not valid.'): TwinResponse {
  return wafError('WAFInvalidParameterException', `Error reason: ${reason}, field: ${field}, parameter: ${parameter}`);
}

function wafIpSet(body: Json, state: AwsTwinState): IpSetState | TwinResponse {
  for (const field of ['Name', 'Scope', 'Id']) {
    if (typeof body[field] !== 'string' || body[field] === '') return invalidParameter(field.toUpperCase(), String(body[field] ?? 'null'), 'The parameter is missing');
  }
  if (body['Scope'] !== 'REGIONAL' && body['Scope'] !== 'CLOUDFRONT') return invalidParameter('SCOPE_VALUE', String(body['Scope']), 'Your request contains an invalid value');
  const set = state.ipSets.find((s) => s.Id === body['Id'] && s.Scope === body['Scope'] && s.Name === body['Name']);
  return set ?? wafError('WAFNonexistentItemException', NONEXISTENT);
}

function nextLockToken(state: AwsTwinState): string {
  state.sequence += 1;
  return lockToken(state.sequence);
}

function publicIpSet(set: IpSetState): Json {
  const { Name, Id, ARN, Description, IPAddressVersion, Addresses } = set;
  return { Name, Id, ARN, ...(Description === undefined ? {} : { Description }), IPAddressVersion, Addresses: [...Addresses] };
}

function getIpSet(body: Json, state: AwsTwinState): TwinResponse {
  const set = wafIpSet(body, state);
  if (!('LockToken' in set)) return set;
  const response = wafOk({ IPSet: publicIpSet(set), LockToken: set.LockToken });
  if (set.concurrentEdits > 0) {
    set.concurrentEdits -= 1;
    set.LockToken = nextLockToken(state);
  }
  return response;
}

function validCidr(value: string, version: 'IPV4' | 'IPV6'): boolean {
  if (version === 'IPV4') {
    const m = CIDR_V4.exec(value);
    return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 1 && Number(m[5]) <= 32;
  }
  const [address = '', bits = ''] = value.split('/');
  return /^[0-9a-fA-F:]+$/.test(address) && address.includes(':') && /^\d{1,3}$/.test(bits) && Number(bits) >= 1 && Number(bits) <= 128;
}

/** UpdateIPSet replaces the list (and the description: an omitted one is cleared) if the lock token is current. */
function updateIpSet(body: Json, state: AwsTwinState): TwinResponse {
  const set = wafIpSet(body, state);
  if (!('LockToken' in set)) return set;
  const addresses = body['Addresses'];
  if (!Array.isArray(addresses)) return invalidParameter('IP_ADDRESS', 'null', 'The parameter is missing');
  const bad = addresses.find((a) => typeof a !== 'string' || !validCidr(a, set.IPAddressVersion));
  if (bad !== undefined) return invalidParameter('IP_ADDRESS', String(bad));
  if (typeof body['LockToken'] !== 'string') return invalidParameter('LOCK_TOKEN', 'null', 'The parameter is missing');
  if (body['LockToken'] !== set.LockToken) {
    return wafError(
      'WAFOptimisticLockException',
      'AWS WAF couldn’t save your changes because someone changed the resource after you started to edit it. Reapply your changes.',
    );
  }
  set.Addresses = [...new Set(addresses as string[])];
  if (typeof body['Description'] === 'string') set.Description = body['Description'];
  else delete set.Description;
  set.LockToken = nextLockToken(state);
  return wafOk({ NextLockToken: set.LockToken });
}

function listIpSets(body: Json, state: AwsTwinState): TwinResponse {
  if (body['Scope'] !== 'REGIONAL' && body['Scope'] !== 'CLOUDFRONT') return invalidParameter('SCOPE_VALUE', String(body['Scope'] ?? 'null'), 'Your request contains an invalid value');
  const sets = state.ipSets.filter((s) => s.Scope === body['Scope']);
  return wafOk({ IPSets: sets.map((s) => ({ Name: s.Name, Id: s.Id, Description: s.Description ?? '', LockToken: s.LockToken, ARN: s.ARN })) });
}

function waf(req: TwinRequest, state: AwsTwinState): TwinResponse {
  const operation = (req.headers['x-amz-target'] ?? '').slice(WAF_TARGET.length);
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return wafError('SerializationException', 'Start of structure or map found where not expected.');
  if (operation === 'GetIPSet') return getIpSet(body as Json, state);
  if (operation === 'UpdateIPSet') {
    state.writeRequests.push({ service: 'wafv2', operation });
    return updateIpSet(body as Json, state);
  }
  if (operation === 'ListIPSets') return listIpSets(body as Json, state);
  return wafError('UnknownOperationException', `Operation ${operation} is not supported.`);
}

// ---------------------------------------------------------------- GuardDuty

const OUT_OF_RANGE = 'The request is rejected because an invalid or out-of-range value is specified as an input parameter.';

function badRequest(message: string): TwinResponse {
  return gdError(400, 'BadRequestException', message, 'InvalidInputException');
}

function detectorOf(req: TwinRequest, state: AwsTwinState): Json[] | TwinResponse {
  const findings = state.detectors[req.params['detectorId'] ?? ''];
  return findings ?? badRequest('The request is rejected because the input detectorId is not owned by the current account.');
}

/** Every value at a dotted path, through arrays (`resource.instanceDetails.networkInterfaces.publicIp`). */
function valuesAt(node: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((item) => valuesAt(item, path));
  if (path.length === 0) return node === undefined || node === null ? [] : [node];
  if (node === null || typeof node !== 'object') return [];
  return valuesAt((node as Json)[path[0]!], path.slice(1));
}

function numeric(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return Date.parse(value);
  return Number(value);
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  greaterThan: (a, b) => a > b,
  gte: (a, b) => a >= b,
  greaterThanOrEqual: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lessThan: (a, b) => a < b,
  lte: (a, b) => a <= b,
  lessThanOrEqual: (a, b) => a <= b,
};

/** One criterion of `findingCriteria` against a finding (GuardDuty's Condition operators). */
function satisfies(finding: Json, field: string, condition: Json): boolean {
  const values = valuesAt(finding, field.split('.')).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return Object.entries(condition).every(([operator, operand]) => {
    const list = Array.isArray(operand) ? operand.map(String) : [];
    if (operator === 'eq' || operator === 'equals') return values.some((v) => list.includes(v));
    if (operator === 'neq' || operator === 'notEquals') return !values.some((v) => list.includes(v));
    if (operator === 'matches') return values.some((v) => list.some((p) => globMatch(p, v)));
    if (operator === 'notMatches') return !values.some((v) => list.some((p) => globMatch(p, v)));
    const compare = COMPARISONS[operator];
    return compare !== undefined && values.some((v) => compare(numeric(v), Number(operand)));
  });
}

function sortFindings(findings: Json[], sort: unknown): Json[] {
  const criteria = sort !== null && typeof sort === 'object' ? (sort as Json) : undefined;
  const attribute = typeof criteria?.['attributeName'] === 'string' ? criteria['attributeName'] : undefined;
  if (attribute === undefined) return findings;
  const direction = criteria?.['orderBy'] === 'ASC' ? 1 : -1;
  const key = (f: Json) => valuesAt(f, attribute.split('.'))[0];
  return [...findings].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
    return order * direction;
  });
}

function listFindings(req: TwinRequest, state: AwsTwinState): TwinResponse {
  const findings = detectorOf(req, state);
  if (!Array.isArray(findings)) return findings;
  const body = (req.body ?? {}) as Json;
  const maxResults = body['maxResults'] ?? 50;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) return badRequest(OUT_OF_RANGE);
  const criterion = ((body['findingCriteria'] as Json | undefined)?.['criterion'] ?? {}) as Record<string, Json>;
  const matched = sortFindings(
    findings.filter((f) => Object.entries(criterion).every(([field, condition]) => satisfies(f, field, condition))),
    body['sortCriteria'],
  );
  const token = body['nextToken'];
  const offset = typeof token === 'string' && token !== '' ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
  if (!Number.isInteger(offset) || offset < 0) return badRequest('The request is rejected because the nextToken is not valid.');
  const page = matched.slice(offset, offset + maxResults);
  const more = offset + maxResults < matched.length;
  return gdOk({ findingIds: page.map((f) => f['id']), ...(more ? { nextToken: Buffer.from(`offset:${offset + maxResults}`).toString('base64url') } : {}) });
}

function getFindings(req: TwinRequest, state: AwsTwinState): TwinResponse {
  const findings = detectorOf(req, state);
  if (!Array.isArray(findings)) return findings;
  const ids = ((req.body ?? {}) as Json)['findingIds'];
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 50) return badRequest(OUT_OF_RANGE);
  return gdOk({ findings: sortFindings(findings.filter((f) => ids.includes(f['id'])), ((req.body ?? {}) as Json)['sortCriteria']) });
}

// ---------------------------------------------------------------- definition

function root(req: TwinRequest, state: AwsTwinState): TwinResponse {
  return serviceOf(req) === 'wafv2' ? waf(req, state) : ec2(req, state);
}

/** One server for EC2, WAFV2 and GuardDuty, each request verified with SigV4 before it is routed. */
export const awsTwin: TwinDefinition<AwsTwinState> = {
  id: 'aws',
  name: 'AWS (EC2, WAFV2, GuardDuty)',
  initialState,
  authenticate: verify,
  /**
   * Source: botocore/data/_retry.json (ThrottlingException on HTTP 400; EC2 RequestLimitExceeded on 503).
   * AWS sends no Retry-After. The budget answer is the JSON services' throttle (HTTP 400
   * ThrottlingException "Rate exceeded"), which every call of the connector understands; EC2's own
   * (503 RequestLimitExceeded in XML) is what tests inject through /_lab/faults.
   */
  rateLimited: () => ({
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': `ThrottlingException:${CORAL}` },
    body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
  }),
  notFound: (req) => {
    const service = serviceOf(req);
    if (service === 'guardduty') return gdError(404, 'UnknownOperationException', 'Not Found');
    return service === 'wafv2' ? wafError('UnknownOperationException', 'Not Found', 404) : ec2Error(404, 'InvalidAction', `The action is not valid for this web service: ${req.method} ${req.path}`);
  },
  routes: [
    { method: 'POST', path: '/', handler: root },
    { method: 'GET', path: '/', handler: ec2 },
    { method: 'POST', path: '/detector/:detectorId/findings', handler: listFindings },
    { method: 'POST', path: '/detector/:detectorId/findings/get', handler: getFindings },
  ],
};
