import { randomBytes, randomUUID } from 'node:crypto';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';
import { BAD_EMIT_COUNT, emitBody, emitCount, emittedAt, emitText } from '../emit-time.ts';

/**
 * Twin of the splunkd REST API (management port): search jobs (POST search/jobs → 201 {sid};
 * GET search/jobs/{sid} whose dispatchState goes QUEUED → RUNNING → DONE over successive polls;
 * GET …/results with count/offset, 204 until the job is done; POST …/control action=cancel),
 * Enterprise Security's POST /services/notable_update, `{messages:[{type,text}]}` errors with
 * 401 'call not properly authenticated' and 404 'Unknown sid.', and splunkd's throttling answer,
 * a 503 'Search not executed: The maximum number of concurrent historical searches…' (splunkd has
 * no 429; the 503 carries no Retry-After).
 *
 * Searches run over the shared scenario with a small SPL subset: `search` terms (field=value with
 * `*` wildcards, field!=value, field IN (…), bare keywords, NOT, OR, parentheses; relative
 * earliest/latest are ignored because the story happens at fixed times, while epoch-seconds ones
 * bound `_time`, as a poller sends them), the `notable` macro for the notables,
 * and the commands head, table, fields, sort, dedup and `stats count [by …]`. Other real commands
 * are refused with a message that says so; unknown ones with splunkd's "Unknown search command".
 *
 * `POST /_lab/emit` indexes new notables as a correlation search would: `{ rule_name?, urgency?,
 * src?, user?, ageSeconds?, duplicateOf?, count? }`; `ageSeconds` stamps `_time` that far in the
 * past (a late-indexed notable), `duplicateOf` indexes another copy of an existing event_id.
 */

/** The token `switchboard lab` binds (sent as `Authorization: Bearer …`). */
export const splunkLabCredentials = { token: 'lab-splunk-token' };

/** A session key the twin also accepts, as `Authorization: Splunk …` (credential authScheme Splunk). */
export const splunkLabSessionKey = 'lab-splunk-session-key';

type Row = Record<string, string | string[]>;

interface Job {
  sid: string;
  search: string;
  earliest_time: string;
  latest_time: string;
  published: string;
  /** Status requests seen: the job moves one dispatch state per poll. */
  polls: number;
  results: Row[];
  eventCount: number;
}

/** What the Splunk twin holds: accepted credentials, the scenario's events and notables, jobs and reviews. */
export interface SplunkTwinState {
  tokens: string[];
  sessionKeys: string[];
  /** Raw events in the indexes auth, endpoint and proxy. */
  events: Row[];
  /** Enterprise Security notables as the `notable` macro returns them (current review state). */
  notables: Row[];
  /** Users notables may be assigned to. */
  owners: string[];
  jobs: Record<string, Job>;
  /** The incident-review history notable_update writes. */
  reviews: Array<{ rule_id: string; status?: string; urgency?: string; owner?: string; comment: string; time: string }>;
  nextSid: number;
}

const OKTA_HOST = 'corp-example.okta.com';
const URGENCIES = ['informational', 'low', 'medium', 'high', 'critical'];
const STATUS_LABELS: Record<string, string> = { '0': 'Unassigned', '1': 'New', '2': 'In Progress', '3': 'Pending', '4': 'Resolved', '5': 'Closed' };
const RULE_ID = /^[A-Za-z0-9-]+@@[A-Za-z0-9_.-]+@@[A-Za-z0-9]+$/;
const LOGIN_NOTABLE_ID = 'A1B2C3D4-1111-4E5F-9A8B-0C1D2E3F4A51@@notable@@5f2b7c1e9d3a4b6c8e0f1a2b3c4d5e6f';
const MALWARE_NOTABLE_ID = 'B7E8F9A0-2222-4C3D-8E9F-1A2B3C4D5E62@@notable@@9a8b7c6d5e4f30211f2e3d4c5b6a7980';

/** Splunk's JSON timestamp: ISO 8601 with milliseconds and a numeric zone. */
function splunkTime(iso: string, offsetSeconds = 0): string {
  return new Date(Date.parse(iso) + offsetSeconds * 1000).toISOString().replace('Z', '+00:00');
}

function authEvent(time: string, outcome: 'success' | 'failure', user: string, src: string, country: string): Row {
  const signature = outcome === 'success' ? 'user.session.start' : 'user.authentication.auth_via_mfa';
  const reason = outcome === 'success' ? '' : ' reason=INVALID_CREDENTIALS';
  return {
    _time: time,
    index: 'auth',
    sourcetype: 'OktaIM2:log',
    source: 'okta:im2',
    host: OKTA_HOST,
    action: outcome,
    app: 'okta',
    dest: OKTA_HOST,
    src,
    src_country: country,
    user,
    signature,
    _raw: `${time} okta eventType=${signature} outcome=${outcome.toUpperCase()} actor=${user} client.ipAddress=${src} country=${country}${reason}`,
  };
}

function scenarioEvents(): Row[] {
  const { login, host, phishing, users } = scenario;
  const attachment = phishing.attachment;
  const detection = host.detection;
  const path = `C:\\Users\\${host.user}\\Downloads\\${detection.fileName}`;
  const endpoint = { index: 'endpoint', sourcetype: 'CrowdStrike:Event:Streams:JSON', source: 'crowdstrike', host: host.hostname, dest: host.hostname, dest_ip: host.localIp, user: host.user };
  const proxy = { index: 'proxy', sourcetype: 'zscalernss-web', source: 'zscaler', host: 'zscaler-nss-01' };
  return [
    authEvent(splunkTime('2026-11-27T07:31:12Z'), 'success', users.bob.login, login.benignIp, 'US'),
    authEvent(splunkTime(login.time, -22), 'failure', login.user, login.maliciousIp, login.country),
    authEvent(splunkTime(login.time, -16), 'failure', login.user, login.maliciousIp, login.country),
    authEvent(splunkTime(login.time, -8), 'failure', login.user, login.maliciousIp, login.country),
    authEvent(splunkTime(login.time), 'success', login.user, login.maliciousIp, login.country),
    {
      ...proxy,
      _time: splunkTime('2026-11-27T07:58:20Z'),
      src: host.localIp,
      user: login.user,
      url: phishing.maliciousUrl,
      dest: new URL(phishing.maliciousUrl).hostname,
      http_method: 'GET',
      status: '200',
      action: 'allowed',
      _raw: `2026-11-27T07:58:20Z zscaler action=allowed user=${login.user} src=${host.localIp} method=GET url=${phishing.maliciousUrl} status=200`,
    },
    {
      ...proxy,
      _time: splunkTime('2026-11-27T08:05:44Z'),
      src: '10.20.30.52',
      user: users.bob.login,
      url: phishing.cleanUrl,
      dest: new URL(phishing.cleanUrl).hostname,
      http_method: 'GET',
      status: '200',
      action: 'allowed',
      _raw: `2026-11-27T08:05:44Z zscaler action=allowed user=${users.bob.login} src=10.20.30.52 method=GET url=${phishing.cleanUrl} status=200`,
    },
    {
      ...endpoint,
      _time: splunkTime('2026-11-27T08:02:38Z'),
      action: 'allowed',
      process_name: detection.fileName,
      process_path: path,
      parent_process_name: 'OUTLOOK.EXE',
      process_hash: attachment.sha256,
      signature: 'ProcessRollup2',
      _raw: `2026-11-27T08:02:38Z falcon event=ProcessRollup2 ComputerName=${host.hostname} UserName=${host.user} ImageFileName=${path} ParentBaseFileName=OUTLOOK.EXE SHA256HashData=${attachment.sha256}`,
    },
    {
      ...endpoint,
      _time: splunkTime('2026-11-27T08:02:39Z'),
      action: 'allowed',
      category: 'malware',
      severity: 'critical',
      signature: 'MaliciousFile',
      file_name: detection.fileName,
      file_path: path,
      file_hash: attachment.sha256,
      tactic: detection.tactic,
      technique: detection.technique,
      detection_id: detection.id,
      _raw: `2026-11-27T08:02:39Z falcon event=DetectionSummaryEvent ComputerName=${host.hostname} UserName=${host.user} Severity=${detection.severity} Tactic="${detection.tactic}" FileName=${detection.fileName} SHA256String=${attachment.sha256}`,
    },
  ];
}

function scenarioNotables(): Row[] {
  const { login, host, phishing } = scenario;
  const review = { status: '1', status_label: 'New', owner: 'unassigned', comment: '' };
  return [
    {
      _time: splunkTime(login.time, 2),
      event_id: LOGIN_NOTABLE_ID,
      rule_id: LOGIN_NOTABLE_ID,
      rule_name: 'Access - Suspicious Login From Anonymizing Network - Rule',
      search_name: 'Access - Suspicious Login From Anonymizing Network - Rule',
      rule_title: `Suspicious login for ${login.user} from ${login.maliciousIp} (${login.country})`,
      rule_description: `${login.user} signed in from ${login.maliciousIp}, a Tor exit node, after 3 failed attempts.`,
      security_domain: 'access',
      urgency: 'high',
      severity: 'high',
      ...review,
      src: login.maliciousIp,
      src_country: login.country,
      user: login.user,
      dest: OKTA_HOST,
      app: 'okta',
      action: 'success',
      drilldown_search: `search index=auth src=${login.maliciousIp} user="${login.user}"`,
      index: 'notable',
      sourcetype: 'stash',
      _raw: `${splunkTime(login.time, 2)} search_name="Access - Suspicious Login From Anonymizing Network - Rule" src=${login.maliciousIp} user=${login.user} urgency=high`,
    },
    {
      _time: splunkTime('2026-11-27T08:02:41Z'),
      event_id: MALWARE_NOTABLE_ID,
      rule_id: MALWARE_NOTABLE_ID,
      rule_name: 'Endpoint - Malware Detected On Host - Rule',
      search_name: 'Endpoint - Malware Detected On Host - Rule',
      rule_title: `Malware detected on ${host.hostname}: ${host.detection.fileName}`,
      rule_description: `${host.detection.technique} (${host.detection.tactic}): ${host.detection.fileName} executed by ${host.user}.`,
      security_domain: 'endpoint',
      urgency: 'critical',
      severity: 'critical',
      ...review,
      dest: host.hostname,
      dest_ip: host.localIp,
      user: host.user,
      file_name: host.detection.fileName,
      file_hash: phishing.attachment.sha256,
      signature: 'MaliciousFile',
      drilldown_search: `search index=endpoint dest=${host.hostname}`,
      index: 'notable',
      sourcetype: 'stash',
      _raw: `${splunkTime('2026-11-27T08:02:41Z')} search_name="Endpoint - Malware Detected On Host - Rule" dest=${host.hostname} file_hash=${phishing.attachment.sha256} urgency=critical`,
    },
  ];
}

function initialState(): SplunkTwinState {
  return {
    tokens: [splunkLabCredentials.token],
    sessionKeys: [splunkLabSessionKey],
    events: scenarioEvents(),
    notables: scenarioNotables(),
    owners: ['unassigned', 'admin', 'analyst', 'switchboard'],
    jobs: {},
    reviews: [],
    nextSid: 17,
  };
}

function messages(status: number, type: string, text: string): TwinResponse {
  return { status, body: { messages: [{ type, text }] } };
}

class SplError extends Error {}

// ---- the SPL subset -------------------------------------------------------------------------

type Term =
  | { kind: 'compare'; field: string; op: '=' | '!='; value: string }
  | { kind: 'in'; field: string; values: string[] }
  | { kind: 'keyword'; value: string }
  | { kind: 'macro'; name: string }
  | { kind: 'not'; term: Term }
  | { kind: 'or'; terms: Term[] }
  | { kind: 'and'; terms: Term[] };

/** Splits on `|` outside quotes and backticks. */
function pipeline(search: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of search) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === '|') {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** Words (quoted parts kept whole) and parentheses. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push(ch);
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s()]/.test(text[j]!)) {
        if (text[j] === '"') {
          j++;
          while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        }
        j++;
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/** Recursive descent over search terms: implicit AND, OR binding tighter, NOT, parentheses. */
function parseTerms(text: string): Term {
  const tokens = tokenize(text);
  let pos = 0;
  const parseAnd = (inGroup: boolean): Term => {
    const terms: Term[] = [];
    while (pos < tokens.length && !(inGroup && tokens[pos] === ')')) {
      if (tokens[pos] === ')') throw new SplError("Error in 'search' command: Unable to parse the search: unbalanced parentheses.");
      if (tokens[pos] === 'AND') {
        pos++;
        continue;
      }
      terms.push(parseOr());
    }
    return { kind: 'and', terms };
  };
  const parseOr = (): Term => {
    const terms = [parseUnary()];
    while (tokens[pos] === 'OR') {
      pos++;
      terms.push(parseUnary());
    }
    return terms.length === 1 ? terms[0]! : { kind: 'or', terms };
  };
  const parseUnary = (): Term => {
    const token = tokens[pos];
    if (token === undefined) throw new SplError("Error in 'search' command: Unable to parse the search: a term is missing.");
    if (token === 'NOT') {
      pos++;
      return { kind: 'not', term: parseUnary() };
    }
    if (token === '(') {
      pos++;
      const group = parseAnd(true);
      if (tokens[pos] !== ')') throw new SplError("Error in 'search' command: Unable to parse the search: unbalanced parentheses.");
      pos++;
      return group;
    }
    pos++;
    return parseAtom(token);
  };
  const parseAtom = (token: string): Term => {
    if (tokens[pos] === 'IN' && tokens[pos + 1] === '(') {
      const close = tokens.indexOf(')', pos + 2);
      if (close < 0) throw new SplError("Error in 'search' command: Unable to parse the search: Right hand side of IN must be a collection of literals.");
      const values = tokens
        .slice(pos + 2, close)
        .join(' ')
        .split(',')
        .map((v) => unquote(v.trim()))
        .filter((v) => v !== '');
      pos = close + 1;
      return { kind: 'in', field: token, values };
    }
    if ((tokens[pos] === '=' || tokens[pos] === '!=') && tokens[pos + 1] !== undefined) {
      const op = tokens[pos] as '=' | '!=';
      const value = tokens[pos + 1]!;
      pos += 2;
      return { kind: 'compare', field: token, op, value: unquote(value) };
    }
    const macro = /^`([\w-]+)(?:\(.*\))?`$/.exec(token);
    if (macro) return { kind: 'macro', name: macro[1]! };
    const compare = /^([\w.:]+)(!=|=)(.*)$/.exec(token);
    if (compare) return { kind: 'compare', field: compare[1]!, op: compare[2] as '=' | '!=', value: unquote(compare[3]!) };
    return { kind: 'keyword', value: unquote(token) };
  };
  return parseAnd(false);
}

function macrosOf(term: Term): string[] {
  switch (term.kind) {
    case 'macro':
      return [term.name];
    case 'not':
      return macrosOf(term.term);
    case 'or':
    case 'and':
      return term.terms.flatMap(macrosOf);
    default:
      return [];
  }
}

function wildcard(pattern: string, whole: boolean): RegExp {
  const body = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(whole ? `^${body}$` : body, 'i');
}

function valuesOf(row: Row, field: string): string[] {
  const value = row[field];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function matches(row: Row, term: Term): boolean {
  switch (term.kind) {
    case 'compare': {
      if (term.field === 'earliest' || term.field === 'latest') return true;
      const pattern = wildcard(term.value, true);
      const values = valuesOf(row, term.field);
      return term.op === '=' ? values.some((v) => pattern.test(v)) : values.length > 0 && !values.some((v) => pattern.test(v));
    }
    case 'in':
      return valuesOf(row, term.field).some((v) => term.values.some((p) => wildcard(p, true).test(v)));
    case 'keyword': {
      const pattern = wildcard(term.value, false);
      return Object.values(row).some((v) => (Array.isArray(v) ? v : [v]).some((s) => pattern.test(s)));
    }
    case 'macro':
      return true;
    case 'not':
      return !matches(row, term.term);
    case 'or':
      return term.terms.some((t) => matches(row, t));
    case 'and':
      return term.terms.every((t) => matches(row, t));
  }
}

const SUPPORTED = 'search, head, table, fields, sort, dedup and stats count';
const PIPE_COMMANDS = new Set(['search', 'head', 'table', 'fields', 'sort', 'dedup', 'stats']);
const REAL_COMMANDS = new Set([
  'append', 'appendcols', 'bin', 'bucket', 'chart', 'collect', 'datamodel', 'eval', 'eventstats', 'fillnull', 'from', 'inputlookup',
  'iplocation', 'join', 'lookup', 'makeresults', 'mvexpand', 'outputlookup', 'rare', 'regex', 'rename', 'rest', 'return', 'reverse',
  'rex', 'spath', 'streamstats', 'tail', 'timechart', 'top', 'transaction', 'tstats', 'where', 'xyseries',
]);

function fieldList(args: string): string[] {
  return args
    .split(/[\s,]+/)
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

function compareValues(a: string | string[] | undefined, b: string | string[] | undefined): number {
  const x = Array.isArray(a) ? a[0] : a;
  const y = Array.isArray(b) ? b[0] : b;
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
  const nx = Number(x);
  const ny = Number(y);
  return Number.isFinite(nx) && Number.isFinite(ny) && x.trim() !== '' && y.trim() !== '' ? nx - ny : x.localeCompare(y);
}

function stats(rows: Row[], args: string): Row[] {
  const match = /^count(?:\s+as\s+(\w+))?(?:\s+by\s+(.+))?$/i.exec(args.trim());
  if (!match) throw new SplError(`Error in 'stats' command: the lab twin supports only stats count [as name] [by field, …].`);
  const name = match[1] ?? 'count';
  const by = match[2] === undefined ? [] : fieldList(match[2]);
  if (by.length === 0) return [{ [name]: String(rows.length) }];
  const groups = new Map<string, Row>();
  for (const row of rows) {
    const keys = by.map((f) => valuesOf(row, f)[0]);
    if (keys.some((k) => k === undefined)) continue;
    const id = JSON.stringify(keys);
    const group = groups.get(id) ?? Object.fromEntries([...by.map((f, i) => [f, keys[i]!]), [name, '0']]);
    group[name] = String(Number(group[name]) + 1);
    groups.set(id, group);
  }
  return [...groups.values()].sort((a, b) => by.reduce((acc, f) => acc || compareValues(a[f], b[f]), 0));
}

function applyCommand(rows: Row[], segment: string): Row[] {
  const [, command = '', args = ''] = /^(\S+)\s*([\s\S]*)$/.exec(segment) ?? [];
  switch (command) {
    case 'search': {
      const terms = parseTerms(args);
      return rows.filter((row) => matches(row, terms));
    }
    case 'head': {
      const n = Number(/(?:limit=)?(\d+)/.exec(args)?.[1] ?? 10);
      return rows.slice(0, n);
    }
    case 'table':
      return rows.map((row) => Object.fromEntries(fieldList(args).filter((f) => row[f] !== undefined).map((f) => [f, row[f]!])));
    case 'fields': {
      const remove = args.trim().startsWith('-');
      const list = fieldList(args.replace(/^\s*[+-]/, ''));
      return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => list.includes(k) !== remove)));
    }
    case 'sort': {
      const keys = fieldList(args.replace(/^\s*(limit=)?\d+\s+/, '')).map((k) => ({ field: k.replace(/^[+-]/, ''), sign: k.startsWith('-') ? -1 : 1 }));
      return [...rows].sort((a, b) => keys.reduce((acc, k) => acc || k.sign * compareValues(a[k.field], b[k.field]), 0));
    }
    case 'dedup': {
      const list = fieldList(args);
      const seen = new Set<string>();
      return rows.filter((row) => {
        const key = JSON.stringify(list.map((f) => row[f]));
        if (list.some((f) => row[f] === undefined) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    case 'stats':
      return stats(rows, args);
    default:
      if (REAL_COMMANDS.has(command)) throw new SplError(`Error in '${command}' command: not supported by the Switchboard lab twin (it runs ${SUPPORTED}).`);
      throw new SplError(`Unknown search command '${command}'.`);
  }
}

/**
 * Runs a search over the scenario. The first command must be `search` (splunkd reads the first
 * word as the command, so `index=auth …` alone is "Unknown search command 'index'").
 */
export function runSpl(search: string, state: SplunkTwinState, range: TimeRange = {}): Row[] {
  const [first = '', ...rest] = pipeline(search.trim());
  const head = /^search(\s|$)/i.exec(first);
  if (!head) {
    const command = /^\|?\s*([A-Za-z_]\w*)/.exec(search.trim())?.[1] ?? '';
    if (REAL_COMMANDS.has(command) || PIPE_COMMANDS.has(command)) {
      throw new SplError(`Error in '${command}' command: not supported by the Switchboard lab twin as a first command (start with search).`);
    }
    throw new SplError(`Unknown search command '${command}'.`);
  }
  const terms = parseTerms(first.slice(head[0].length));
  const macros = macrosOf(terms);
  const unknown = macros.find((m) => m !== 'notable');
  if (unknown !== undefined) {
    throw new SplError(
      `Error in 'SearchParser': The search specifies a macro '${unknown}' that cannot be found. Reasons include: the macro name is misspelled, you do not have "read" permission for the macro, or the macro has not been shared with this application. Click Settings, Advanced search, Search Macros to view macro information.`,
    );
  }
  const dataset = macros.includes('notable') ? state.notables : state.events;
  let rows = dataset.filter((row) => inRange(row, range) && matches(row, terms)).map((row) => ({ ...row }));
  rows.sort((a, b) => compareValues(b['_time'], a['_time']));
  for (const segment of rest) rows = applyCommand(rows, segment);
  return rows;
}

/** A job's time bounds in epoch ms, from absolute (epoch seconds) earliest_time/latest_time only. */
interface TimeRange {
  earliest?: number;
  latest?: number;
}

/** Epoch ms of an epoch-seconds time argument; undefined for relative times (-24h, now), which the twin ignores. */
function epochArgument(value: string | null): number | undefined {
  return value !== null && /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : undefined;
}

function inRange(row: Row, range: TimeRange): boolean {
  if (range.earliest === undefined && range.latest === undefined) return true;
  const time = Date.parse(String(row['_time']));
  return !(range.earliest !== undefined && time < range.earliest) && !(range.latest !== undefined && time >= range.latest);
}

// ---- REST handlers --------------------------------------------------------------------------

function formOf(req: TwinRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody);
}

function createJob(req: TwinRequest, state: SplunkTwinState): TwinResponse {
  const form = formOf(req);
  const search = form.get('search') ?? '';
  if (search.trim() === '') return messages(400, 'FATAL', 'Empty search.');
  let results: Row[];
  try {
    const earliest = epochArgument(form.get('earliest_time'));
    const latest = epochArgument(form.get('latest_time'));
    results = runSpl(search, state, { ...(earliest !== undefined ? { earliest } : {}), ...(latest !== undefined ? { latest } : {}) });
  } catch (error) {
    if (error instanceof SplError) return messages(400, 'FATAL', error.message);
    throw error;
  }
  const sid = `${Math.floor(Date.now() / 1000)}.${state.nextSid++}`;
  state.jobs[sid] = {
    sid,
    search,
    earliest_time: form.get('earliest_time') ?? '',
    latest_time: form.get('latest_time') ?? '',
    published: new Date().toISOString(),
    polls: form.get('exec_mode') === 'blocking' ? 2 : 0,
    results,
    eventCount: results.length,
  };
  return { status: 201, body: { sid } };
}

const DISPATCH_STATES = ['QUEUED', 'RUNNING', 'DONE'] as const;

function dispatchState(job: Job): (typeof DISPATCH_STATES)[number] {
  return DISPATCH_STATES[Math.min(Math.max(job.polls - 1, 0), DISPATCH_STATES.length - 1)]!;
}

function jobStatus(req: TwinRequest, state: SplunkTwinState): TwinResponse {
  const job = state.jobs[req.params['sid'] ?? ''];
  if (job === undefined) return messages(404, 'FATAL', 'Unknown sid.');
  job.polls += 1;
  const dispatch = dispatchState(job);
  const done = dispatch === 'DONE';
  const url = `https://127.0.0.1:8089/services/search/jobs/${job.sid}`;
  const content = {
    sid: job.sid,
    dispatchState: dispatch,
    doneProgress: done ? 1 : dispatch === 'RUNNING' ? 0.5 : 0,
    isDone: done,
    isFailed: false,
    isFinalized: false,
    isPaused: false,
    isSaved: false,
    eventCount: done ? job.eventCount : 0,
    resultCount: done ? job.results.length : 0,
    scanCount: done ? job.eventCount : 0,
    runDuration: done ? 0.112 : 0,
    earliestTime: job.earliest_time,
    latestTime: job.latest_time,
    search: job.search,
    ttl: 600,
    messages: [],
  };
  return {
    body: {
      links: {},
      origin: 'https://127.0.0.1:8089/services/search/jobs',
      updated: new Date().toISOString(),
      generator: { build: 'lab', version: '9.3.1' },
      entry: [
        {
          name: job.search,
          id: url,
          updated: new Date().toISOString(),
          links: { alternate: `/services/search/jobs/${job.sid}`, results: `/services/search/jobs/${job.sid}/results`, control: `/services/search/jobs/${job.sid}/control` },
          published: job.published,
          author: 'switchboard',
          content,
          acl: { app: 'search', owner: 'switchboard', sharing: 'global', ttl: '600' },
        },
      ],
      paging: { total: 1, perPage: 0, offset: 0 },
      messages: [],
    },
  };
}

function jobResults(req: TwinRequest, state: SplunkTwinState): TwinResponse {
  const job = state.jobs[req.params['sid'] ?? ''];
  if (job === undefined) return messages(404, 'FATAL', 'Unknown sid.');
  if (dispatchState(job) !== 'DONE') return { status: 204 };
  const count = Number(req.query.get('count') ?? 100);
  const offset = Number(req.query.get('offset') ?? 0);
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(offset) || offset < 0) {
    return messages(400, 'FATAL', 'Argument "count" and "offset" must be non-negative integers.');
  }
  const page = job.results.slice(offset, count === 0 ? undefined : offset + count);
  const fields = [...new Set(job.results.flatMap((row) => Object.keys(row)))].map((name) => ({ name }));
  return { body: { preview: false, init_offset: offset, messages: [], fields, results: page, highlighted: {} } };
}

function jobControl(req: TwinRequest, state: SplunkTwinState): TwinResponse {
  const sid = req.params['sid'] ?? '';
  if (state.jobs[sid] === undefined) return messages(404, 'FATAL', 'Unknown sid.');
  const action = formOf(req).get('action') ?? '';
  if (action !== 'cancel') return messages(400, 'ERROR', `Unknown action: ${action || '(none)'}.`);
  delete state.jobs[sid];
  return messages(200, 'INFO', 'Search job cancelled.');
}

/** The Enterprise Security handler's validation, in its order, with its `ValueError:` messages. */
function notableUpdate(req: TwinRequest, state: SplunkTwinState): TwinResponse {
  const form = formOf(req);
  const ruleUIDs = [...form.getAll('ruleUIDs'), ...form.getAll('ruleUIDs[]')];
  const status = form.get('status') || undefined;
  const urgency = form.get('urgency') || undefined;
  const owner = form.get('newOwner') || undefined;
  const comment = form.get('comment') ?? '';
  const refuse = (message: string): TwinResponse => ({ status: 400, body: { success: false, message: `ValueError: ${message}` } });
  if (ruleUIDs.some((id) => !RULE_ID.test(id))) return refuse('Invalid rule_id value.');
  if (urgency !== undefined && !URGENCIES.includes(urgency)) return refuse('Invalid urgency value.');
  if (status !== undefined && !/^-?\d+$/.test(status)) return refuse('Invalid status value.');
  if (owner !== undefined && !state.owners.includes(owner)) return refuse('Invalid owner value.');
  if (comment === '' && status === undefined && owner === undefined && urgency === undefined) {
    return refuse('One of comment, owner, status, urgency is required.');
  }
  if (ruleUIDs.length === 0 && !form.get('searchID')) return { body: { success: false, message: 'No search ID or ruleUIDs were provided.' } };
  const time = new Date().toISOString();
  for (const id of ruleUIDs) {
    const notable = state.notables.find((n) => n['event_id'] === id);
    if (notable !== undefined) {
      if (status !== undefined) {
        notable['status'] = status;
        notable['status_label'] = STATUS_LABELS[status] ?? `Status ${status}`;
      }
      if (urgency !== undefined) notable['urgency'] = urgency;
      if (owner !== undefined) notable['owner'] = owner;
      if (comment !== '') notable['comment'] = comment;
    }
    state.reviews.push({ rule_id: id, status, urgency, owner, comment, time });
  }
  const n = ruleUIDs.length;
  return { body: { details: {}, success_count: n, failure_count: 0, success: n > 0, message: `${n} event${n > 1 ? 's' : ''} updated successfully` } };
}

/** A new notable as a correlation search indexes it; `ageSeconds` back-dates `_time` (late indexing), `skewSeconds` shifts it (a clock ahead or behind). */
function newNotable(body: Record<string, unknown>, index: number): Row {
  const time = splunkTime(new Date(emittedAt(body)).toISOString());
  const id = `${randomUUID().toUpperCase()}@@notable@@${randomBytes(16).toString('hex')}`;
  const rule = emitText(body, 'rule_name', 'Access - Excessive Failed Logins - Rule');
  const src = emitText(body, 'src', `203.0.113.${10 + index}`);
  const user = emitText(body, 'user', scenario.login.user);
  const urgency = URGENCIES.includes(emitText(body, 'urgency', '')) ? emitText(body, 'urgency', '') : 'medium';
  return {
    _time: time,
    event_id: id,
    rule_id: id,
    rule_name: rule,
    search_name: rule,
    rule_title: `${rule.replace(/^\w+ - | - Rule$/g, '')} for ${user} from ${src}`,
    security_domain: rule.split(' - ')[0]?.toLowerCase() ?? 'access',
    urgency,
    severity: urgency,
    status: '1',
    status_label: 'New',
    owner: 'unassigned',
    comment: '',
    src,
    user,
    dest: OKTA_HOST,
    index: 'notable',
    sourcetype: 'stash',
    _raw: `${time} search_name="${rule}" src=${src} user=${user} urgency=${urgency}`,
  };
}

/** `POST /_lab/emit`: indexes `count` new notables (or another copy of `duplicateOf`) now. */
function emitNotables(raw: unknown, state: SplunkTwinState): TwinResponse {
  const body = emitBody(raw);
  const duplicateOf = body['duplicateOf'];
  if (duplicateOf !== undefined) {
    const original = state.notables.find((n) => n['event_id'] === duplicateOf);
    if (original === undefined) return { status: 404, body: { error: `emit: no notable with event_id ${String(duplicateOf)}` } };
    const copy = { ...original };
    state.notables.push(copy);
    return { body: { notables: [copy] } };
  }
  const count = emitCount(body);
  if (count === undefined) return BAD_EMIT_COUNT;
  const added = Array.from({ length: count }, (_, i) => newNotable(body, state.notables.length + i));
  state.notables.push(...added);
  return { body: { notables: added } };
}

/** The Splunk twin's definition for `startTwin` and the lab. */
export const splunkTwin: TwinDefinition<SplunkTwinState> = {
  id: 'splunk',
  name: 'Splunk',
  initialState,
  authenticate: (req, state) => {
    const match = /^(Bearer|Splunk)\s+(\S+)$/.exec(req.headers['authorization'] ?? '');
    const known = match?.[1] === 'Bearer' ? state.tokens : state.sessionKeys;
    if (match && known.includes(match[2]!)) return undefined;
    // splunkd's 401 text as Splunk's own SDKs report it (splunk/splunk-sdk-java#62: 'HTTP 401 -- call not properly authenticated').
    return messages(401, 'WARN', 'call not properly authenticated');
  },
  rateLimited: () =>
    messages(
      503,
      'WARN',
      'Search not executed: The maximum number of concurrent historical searches on this instance has been reached., concurrency_category="historical", concurrency_context="instance-wide", current_concurrency=8, concurrency_limit=8',
    ),
  notFound: () => messages(404, 'ERROR', 'Not Found'),
  emit: emitNotables,
  routes: [
    { method: 'POST', path: '/services/search/jobs', handler: createJob },
    { method: 'GET', path: '/services/search/jobs/:sid', handler: jobStatus },
    { method: 'GET', path: '/services/search/jobs/:sid/results', handler: jobResults },
    { method: 'POST', path: '/services/search/jobs/:sid/control', handler: jobControl },
    { method: 'POST', path: '/services/notable_update', handler: notableUpdate },
  ],
};
