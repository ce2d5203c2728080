import { escapeXml, find, findAll, parseXml, textOf, WireXmlError } from './xml-wire.ts';
import type { WireElement } from './xml-wire.ts';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse, TwinRoute } from '../twin.ts';

/**
 * Twin of a PAN-OS firewall's XML API at `/api/`: key in X-PAN-KEY (or `key=`), `type=keygen`,
 * `type=config` set/get/show over address objects and address groups with a candidate and a
 * running config (get reads the candidate, show the running one), `type=commit` as a job that
 * `type=op` `show jobs` polls to FIN (the commit applies the candidate then), `type=user-id`
 * IP-tag registration for dynamic address groups, and `show object registered-ip`. Errors are
 * `<response status="error" code="N">` (HTTP 200), except `show` of a missing node, which has no
 * code; a bad key is HTTP 403 'Invalid Credential'. Each answer's source is noted beside it.
 */

/** The API key the twin accepts (what `switchboard lab` binds). */
export const panosLabCredentials = { apiKey: 'LUFRPT1sYWItcGFub3Mta2V5PT0=' };
/** An admin whose `type=keygen` returns that key. */
export const panosLabAdmin = { user: 'switchboard-api', password: 'lab-panos-password' };

const DEVICE = 'localhost.localdomain';
const VSYS = 'vsys1';
/** API requests a commit job takes to finish (the first poll sees it running). */
const COMMIT_TICKS = 2;
const DYNAMIC_GROUP = 'switchboard-dynamic-blocklist';

interface Address {
  'ip-netmask'?: string;
  fqdn?: string;
  description?: string;
  tags?: string[];
}

interface AddressGroup {
  static?: string[];
  /** A dynamic group's tag filter, e.g. `'switchboard-block'`. */
  dynamic?: string;
}

export interface PanConfig {
  addresses: Record<string, Address>;
  groups: Record<string, AddressGroup>;
}

interface Job {
  id: number;
  type: 'Commit';
  status: 'ACT' | 'FIN';
  result: 'PEND' | 'OK';
  progress: number;
  ticks: number;
  description: string;
  tenq: string;
  tfin?: string;
  snapshot: PanConfig;
}

export interface PanosTwinState {
  apiKey: string;
  candidate: PanConfig;
  running: PanConfig;
  /** User-ID registrations: IP → tags (runtime state, no commit needed). */
  registered: Record<string, string[]>;
  jobs: Job[];
  nextJobId: number;
}

function initialState(): PanosTwinState {
  const candidate: PanConfig = {
    addresses: {
      [scenario.vulnerability.asset.hostname]: { 'ip-netmask': `${scenario.vulnerability.asset.ip}/32`, description: 'GlobalProtect portal' },
    },
    groups: {
      [scenario.firewall.blockGroup]: { static: [] },
      [DYNAMIC_GROUP]: { dynamic: `'${scenario.firewall.dynamicTag}'` },
    },
  };
  return { apiKey: panosLabCredentials.apiKey, candidate, running: structuredClone(candidate), registered: {}, jobs: [], nextJobId: 1 };
}

function xmlReply(body: string, status = 200): TwinResponse {
  return { status, body, headers: { 'content-type': 'application/xml; charset=UTF-8' } };
}

function success(inner: string, code?: string): TwinResponse {
  return xmlReply(`<response status="success"${code ? ` code="${code}"` : ''}>${inner}</response>`);
}

/** `<response status="error" code="N"><msg><line>…</line></msg></response>` (HTTP 200, as PAN-OS answers application errors). */
function error(code: string | undefined, message: string): TwinResponse {
  return xmlReply(`<response status="error"${code ? ` code="${code}"` : ''}><msg><line>${escapeXml(message)}</line></msg></response>`);
}

/**
 * A wrong or revoked key: HTTP 403, code 403 (PAN-OS XML API Error Codes: "Forbidden … invalid key"),
 * spelt with the spaces and single quotes the firewall's own answer has (published curl transcripts of
 * a revoked key; pango errors/panos_test.go parses the same spelling for code 400).
 */
const INVALID_CREDENTIAL = xmlReply("<response status = 'error' code = '403'><result><msg>Invalid Credential</msg></result></response>", 403);
/** keygen with a wrong user or password (pan-os-python panos/base.py classify_exception: "Invalid credentials."). */
const INVALID_CREDENTIALS = xmlReply("<response status = 'error' code = '403'><result><msg>Invalid credentials.</msg></result></response>", 403);

/** Request parameters from the query string and a POSTed form (the form wins). */
function paramsOf(req: TwinRequest): Map<string, string> {
  const params = new Map(req.query.entries());
  if (req.body !== null && typeof req.body === 'object') {
    for (const [key, value] of Object.entries(req.body)) if (typeof value === 'string') params.set(key, value);
  }
  return params;
}

function parseCmd(cmd: string | undefined): WireElement | string {
  if (cmd === undefined || cmd.trim() === '') return 'Missing parameter: cmd';
  try {
    return parseXml(cmd);
  } catch (err) {
    return `Malformed command: ${err instanceof WireXmlError ? err.message : 'unreadable'}`;
  }
}

interface Target {
  kind: 'address' | 'address-group';
  name?: string;
  leaf?: 'static' | 'dynamic';
}

const XPATH =
  /^\/config\/devices\/entry(?:\[@name='([^']+)'\])?\/vsys\/entry\[@name='([^']+)'\]\/(address|address-group)(?:\/entry\[@name='([^']+)'\](?:\/(static|dynamic))?)?$/;

function targetOf(xpath: string | undefined): Target | undefined {
  const match = XPATH.exec(xpath ?? '');
  if (!match || (match[1] !== undefined && match[1] !== DEVICE) || match[2] !== VSYS) return undefined;
  return { kind: match[3] as Target['kind'], name: match[4], leaf: match[5] as Target['leaf'] };
}

const OBJECT_NAME = /^[0-9A-Za-z][0-9A-Za-z ._-]{0,62}$/;
const IP_NETMASK = /^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*)(\/[0-9]{1,3})?$/;

function addressXml(name: string, a: Address): string {
  const parts = [
    a['ip-netmask'] !== undefined ? `<ip-netmask>${escapeXml(a['ip-netmask'])}</ip-netmask>` : '',
    a.fqdn !== undefined ? `<fqdn>${escapeXml(a.fqdn)}</fqdn>` : '',
    a.description !== undefined ? `<description>${escapeXml(a.description)}</description>` : '',
    a.tags?.length ? `<tag>${a.tags.map((t) => `<member>${escapeXml(t)}</member>`).join('')}</tag>` : '',
  ];
  return `<entry name="${escapeXml(name)}">${parts.join('')}</entry>`;
}

function staticXml(members: readonly string[]): string {
  return `<static>${members.map((m) => `<member>${escapeXml(m)}</member>`).join('')}</static>`;
}

function groupXml(name: string, g: AddressGroup): string {
  const body = g.dynamic !== undefined ? `<dynamic><filter>${escapeXml(g.dynamic)}</filter></dynamic>` : staticXml(g.static ?? []);
  return `<entry name="${escapeXml(name)}">${body}</entry>`;
}

/** The XML of the node an xpath selects, or undefined when it is not present. */
function selectNode(config: PanConfig, target: Target): string | undefined {
  if (target.kind === 'address') {
    if (target.name === undefined) {
      const entries = Object.entries(config.addresses);
      return entries.length === 0 ? undefined : `<address>${entries.map(([n, a]) => addressXml(n, a)).join('')}</address>`;
    }
    const address = config.addresses[target.name];
    return address === undefined || target.leaf !== undefined ? undefined : addressXml(target.name, address);
  }
  if (target.name === undefined) {
    const entries = Object.entries(config.groups);
    return entries.length === 0 ? undefined : `<address-group>${entries.map(([n, g]) => groupXml(n, g)).join('')}</address-group>`;
  }
  const group = config.groups[target.name];
  if (group === undefined) return undefined;
  if (target.leaf === undefined) return groupXml(target.name, group);
  if (target.leaf === 'static') return group.static === undefined ? undefined : staticXml(group.static);
  return group.dynamic === undefined ? undefined : `<dynamic><filter>${escapeXml(group.dynamic)}</filter></dynamic>`;
}

function setAddress(state: PanosTwinState, name: string, element: WireElement): TwinResponse {
  if (!OBJECT_NAME.test(name)) return error('12', `address -> ${name} is invalid: name may contain letters, digits, space, '.', '_' and '-' only`);
  const current: Address = { ...state.candidate.addresses[name] };
  const ip = find(element, 'ip-netmask');
  if (ip !== undefined) {
    const value = textOf(ip);
    if (!IP_NETMASK.test(value)) return error('12', `address -> ${name} -> ip-netmask '${value}' is not a valid IP netmask`);
    current['ip-netmask'] = value;
    delete current.fqdn;
  }
  const fqdn = find(element, 'fqdn');
  if (fqdn !== undefined) {
    current.fqdn = textOf(fqdn);
    delete current['ip-netmask'];
  }
  const description = find(element, 'description');
  if (description !== undefined) current.description = textOf(description);
  const tags = findAll(element, 'tag/member').map(textOf);
  if (tags.length > 0) current.tags = [...new Set([...(current.tags ?? []), ...tags])];
  if (current['ip-netmask'] === undefined && current.fqdn === undefined) return error('12', `address -> ${name} is missing 'ip-netmask'`);
  state.candidate.addresses[name] = current;
  return success('<msg>command succeeded</msg>', '20');
}

function setStaticMembers(state: PanosTwinState, group: string, members: string[]): TwinResponse {
  if (!OBJECT_NAME.test(group)) return error('12', `address-group -> ${group} is invalid`);
  const current = state.candidate.groups[group] ?? {};
  if (current.dynamic !== undefined) return error('12', `address-group -> ${group} is a dynamic group; static members are not allowed`);
  for (const member of members) {
    if (state.candidate.addresses[member] === undefined && state.candidate.groups[member] === undefined) {
      return error('12', `address-group -> ${group} -> static '${member}' is not a valid reference`);
    }
  }
  state.candidate.groups[group] = { static: [...new Set([...(current.static ?? []), ...members])] };
  return success('<msg>command succeeded</msg>', '20');
}

function configSet(state: PanosTwinState, target: Target, elementText: string | undefined): TwinResponse {
  if (elementText === undefined) return error('400', 'Missing parameter: element');
  let element: WireElement;
  try {
    element = parseXml(`<entry>${elementText}</entry>`);
  } catch (err) {
    return error('18', `Malformed element: ${err instanceof WireXmlError ? err.message : 'unreadable'}`);
  }
  if (target.name === undefined) return error('12', `the lab twin sets ${target.kind} entries only`);
  if (target.kind === 'address') return setAddress(state, target.name, element);
  if (target.leaf === 'static') return setStaticMembers(state, target.name, findAll(element, 'member').map(textOf));
  if (target.leaf === undefined) {
    const dynamic = find(element, 'dynamic/filter');
    if (dynamic !== undefined) {
      state.candidate.groups[target.name] = { dynamic: textOf(dynamic) };
      return success('<msg>command succeeded</msg>', '20');
    }
    return setStaticMembers(state, target.name, findAll(element, 'static/member').map(textOf));
  }
  return error('12', `the lab twin does not set ${target.leaf} below an address group`);
}

function handleConfig(state: PanosTwinState, params: Map<string, string>): TwinResponse {
  const action = params.get('action') ?? '';
  const target = targetOf(params.get('xpath'));
  if (!['set', 'get', 'show'].includes(action)) return error('1', `the lab twin does not implement action=${action || '(missing)'}`);
  if (target === undefined) return error('6', 'Bad Xpath');
  if (action === 'set') return configSet(state, target, params.get('element'));
  const node = selectNode(action === 'get' ? state.candidate : state.running, target);
  if (action === 'get') {
    // Source: pan-python tests/test_xapi_fw_tgt_config.py (live firewall): get of a missing node is status success, code 7, an empty result.
    return node === undefined
      ? success('<result total-count="0" count="0"/>', '7')
      : success(`<result total-count="1" count="1">${node}</result>`, '19');
  }
  // Source: pango errors/panos_test.go TestShowSingularMissingObjectIsError: show of a missing node is an error with NO code.
  return node === undefined ? error(undefined, 'No such node') : success(`<result>${node}</result>`);
}

function stamp(): string {
  return new Date().toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 19);
}

function handleCommit(state: PanosTwinState, params: Map<string, string>): TwinResponse {
  const cmd = parseCmd(params.get('cmd'));
  if (typeof cmd === 'string') return error('18', cmd);
  if (cmd.name !== 'commit') return error('17', `${cmd.name} is unexpected`);
  if (JSON.stringify(state.candidate) === JSON.stringify(state.running)) return success('<msg>There are no changes to commit.</msg>', '19');
  const id = state.nextJobId++;
  state.jobs.push({
    id,
    type: 'Commit',
    status: 'ACT',
    result: 'PEND',
    progress: 0,
    ticks: COMMIT_TICKS,
    description: textOf(find(cmd, 'description')),
    tenq: stamp(),
    snapshot: structuredClone(state.candidate),
  });
  return success(`<result><msg><line>Commit job enqueued with jobid ${id}</line></msg><job>${id}</job></result>`, '19');
}

/** Moves running commit jobs on; a finished commit makes its snapshot the running config. */
function tick(state: PanosTwinState): void {
  for (const job of state.jobs) {
    if (job.status === 'FIN') continue;
    job.ticks -= 1;
    job.progress = job.ticks > 0 ? 55 : 100;
    if (job.ticks > 0) continue;
    job.status = 'FIN';
    job.result = 'OK';
    job.tfin = stamp();
    state.running = structuredClone(job.snapshot);
  }
}

function jobXml(job: Job): string {
  const details = job.status === 'FIN' ? '<details><line>Configuration committed successfully</line></details>' : '<details/>';
  return (
    `<job><tenq>${job.tenq}</tenq><id>${job.id}</id><user>${panosLabAdmin.user}</user><type>${job.type}</type>` +
    `<status>${job.status}</status><queued>NO</queued><stoppable>no</stoppable><result>${job.result}</result>` +
    `<tfin>${job.tfin ?? ''}</tfin><description>${escapeXml(job.description)}</description><positionInQ>0</positionInQ>` +
    `<progress>${job.progress}</progress>${details}<warnings/></job>`
  );
}

function registeredXml(state: PanosTwinState, ips: string[]): string {
  const entries = ips.map(
    (ip) =>
      `<entry ip="${escapeXml(ip)}" from_agent="0" persistent="1"><tag>${(state.registered[ip] ?? [])
        .map((t) => `<member>${escapeXml(t)}</member>`)
        .join('')}</tag></entry>`,
  );
  return `<result>${entries.join('')}<count>${entries.length}</count></result>`;
}

function handleOp(state: PanosTwinState, params: Map<string, string>): TwinResponse {
  const cmd = parseCmd(params.get('cmd'));
  if (typeof cmd === 'string') return error('18', cmd);
  const jobId = find(cmd, 'jobs/id');
  if (cmd.name === 'show' && jobId !== undefined) {
    const job = state.jobs.find((j) => String(j.id) === textOf(jobId));
    return job === undefined ? error('7', `job ${textOf(jobId)} not found`) : success(`<result>${jobXml(job)}</result>`);
  }
  if (cmd.name === 'show' && find(cmd, 'jobs/all') !== undefined) return success(`<result>${state.jobs.map(jobXml).join('')}</result>`);
  const registered = find(cmd, 'object/registered-ip');
  if (cmd.name === 'show' && registered !== undefined) {
    const ip = find(registered, 'ip');
    const tag = find(registered, 'tag/entry')?.attributes['name'];
    const ips = Object.keys(state.registered).filter(
      (candidate) => (ip === undefined || candidate === textOf(ip)) && (tag === undefined || (state.registered[candidate] ?? []).includes(tag)),
    );
    return success(registeredXml(state, ips));
  }
  if (cmd.name === 'show' && find(cmd, 'system/info') !== undefined) {
    return success('<result><system><hostname>fw01</hostname><model>PA-440</model><serial>021201109830</serial><sw-version>11.1.4-h7</sw-version></system></result>');
  }
  const second = cmd.children[0]?.name;
  return error(undefined, `${cmd.name}${second ? ` -> ${second}` : ''} is unexpected`);
}

/** `type=user-id`: registers/unregisters IP tags; duplicates are reported per entry, as PAN-OS does. */
function handleUserId(state: PanosTwinState, params: Map<string, string>): TwinResponse {
  const message = parseCmd(params.get('cmd'));
  if (typeof message === 'string') return error('18', message);
  if (message.name !== 'uid-message') return error('17', `${message.name} is unexpected; expected uid-message`);
  const version = textOf(find(message, 'version')) || '1.0';
  const problems: string[] = [];
  for (const entry of findAll(message, 'payload/register/entry')) {
    const ip = entry.attributes['ip'] ?? '';
    const tags = (state.registered[ip] ??= []);
    for (const tag of findAll(entry, 'tag/member').map(textOf)) {
      if (tags.includes(tag)) problems.push(`<entry ip="${escapeXml(ip)}" message="tag ${escapeXml(tag)} already exists, ignore"/>`);
      else tags.push(tag);
    }
  }
  for (const entry of findAll(message, 'payload/unregister/entry')) {
    const ip = entry.attributes['ip'] ?? '';
    for (const tag of findAll(entry, 'tag/member').map(textOf)) {
      const tags = state.registered[ip] ?? [];
      if (!tags.includes(tag)) problems.push(`<entry ip="${escapeXml(ip)}" message="tag ${escapeXml(tag)} does not exist, ignore unreg"/>`);
      else state.registered[ip] = tags.filter((t) => t !== tag);
    }
    if (state.registered[ip]?.length === 0) delete state.registered[ip];
  }
  if (problems.length > 0) {
    return xmlReply(
      `<response status="error"><msg><line><uid-response><version>${escapeXml(version)}</version><payload><register>${problems.join('')}</register></payload></uid-response></line></msg></response>`,
    );
  }
  return success(`<result><uid-response><version>${escapeXml(version)}</version><payload/></uid-response></result>`);
}

function handleKeygen(state: PanosTwinState, params: Map<string, string>): TwinResponse {
  if (params.get('user') !== panosLabAdmin.user || params.get('password') !== panosLabAdmin.password) return INVALID_CREDENTIALS;
  return success(`<result><key>${escapeXml(state.apiKey)}</key></result>`);
}

function handleApi(req: TwinRequest, state: PanosTwinState): TwinResponse {
  const params = paramsOf(req);
  const type = params.get('type');
  if (type === 'keygen') return handleKeygen(state, params);
  tick(state);
  switch (type) {
    case 'config':
      return handleConfig(state, params);
    case 'commit':
      return handleCommit(state, params);
    case 'op':
      return handleOp(state, params);
    case 'user-id':
      return handleUserId(state, params);
    default:
      return xmlReply(`<response status="error" code="400"><result><msg>Illegal value for parameter "type" [${escapeXml(type ?? '')}].</msg></result></response>`, 400);
  }
}

const api: Array<TwinRoute<PanosTwinState>> = (['GET', 'POST'] as const).map((method) => ({ method, path: '/api', handler: handleApi }));

export const panosTwin: TwinDefinition<PanosTwinState> = {
  id: 'panos',
  name: 'Palo Alto PAN-OS',
  initialState,
  authenticate: (req, state) => {
    const params = paramsOf(req);
    if (params.get('type') === 'keygen') return undefined;
    const key = req.headers['x-pan-key'] ?? params.get('key');
    return key === state.apiKey ? undefined : INVALID_CREDENTIAL;
  },
  // PAN-OS documents no XML API rate limit (its error-code list has none): this 429 is the lab's own, for /_lab/rate-limit.
  rateLimited: (retryAfterSeconds) => ({
    ...xmlReply('<response status="error"><msg><line>Too many requests, try again later</line></msg></response>', 429),
    headers: { 'content-type': 'application/xml; charset=UTF-8', 'Retry-After': String(retryAfterSeconds) },
  }),
  notFound: () => ({ status: 404, body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>', headers: { 'content-type': 'text/html' } }),
  routes: api,
};
