import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';

/**
 * TheHive 5 twin (API v1, OpenAPI in StrangeBeeCorp/docs docs/thehive/api-docs/docs.yaml): alerts,
 * cases with tasks, case observables, GET /api/v1/case/{idOrName} and the Query API
 * (`getCase`/`listCase`/`getAlert`/`listAlert` → `observables` → `sort` → `page`). Auth is
 * `Authorization: Bearer <key>` with an optional `X-Organisation`; errors are `{type, message}` with
 * TheHive's own texts ("Authentication failure", "Case ~1 not found", "[Attribute title is missing]",
 * the duplicate-alert CreateError). TheHive documents no rate limiting: the 429 stands for a proxy.
 */

interface Stamp {
  _id: string;
  _type: string;
  _createdBy: string;
  _createdAt: number;
}

/** An alert, case or task as TheHive returns it. */
export type TheHiveEntity = Stamp & Record<string, unknown>;

/** An observable, linked to the case or alert it belongs to. */
export interface TheHiveObservable extends Stamp {
  dataType: string;
  data: string;
  /** The case or alert `_id` it belongs to (not part of TheHive's output). */
  parent: string;
  [field: string]: unknown;
}

/** Everything the TheHive twin remembers; `/_lab/state` serves it. */
export interface TheHiveTwinState {
  organisation: string;
  alerts: Record<string, TheHiveEntity>;
  cases: Record<string, TheHiveEntity>;
  tasks: Record<string, TheHiveEntity & { caseId: string }>;
  observables: Record<string, TheHiveObservable>;
  observableTypes: string[];
  nextId: number;
  nextCaseNumber: number;
  /** Virtual epoch ms stamped on writes, a second apart, so runs are deterministic. */
  clock: number;
}

/** The API key (and organisation) the twin accepts. */
export const thehiveLabCredentials = { apiKey: 'lab-thehive-key', organisation: 'corp' };

const USER = 'soc-automation@corp.example';
const SEVERITY = ['', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const TLP = ['CLEAR', 'GREEN', 'AMBER', 'RED', 'AMBER+STRICT'];
const PAP = ['CLEAR', 'GREEN', 'AMBER', 'RED'];
/** TheHive's built-in observable types. */
const OBSERVABLE_TYPES = ['autonomous-system', 'domain', 'file', 'filename', 'fqdn', 'hash', 'hostname', 'ip', 'mail', 'mail-subject', 'other', 'regexp', 'registry', 'uri_path', 'url', 'user-agent'];

function initialState(): TheHiveTwinState {
  return {
    organisation: thehiveLabCredentials.organisation,
    alerts: {},
    cases: {},
    tasks: {},
    observables: {},
    observableTypes: [...OBSERVABLE_TYPES],
    nextId: 123456,
    nextCaseNumber: 1,
    clock: Date.parse(scenario.login.time) + 20 * 60_000,
  };
}

/** Source: thehive4py thehive4py/session.py reads errors as `{type, message}`; its tests expect e.g. 'AuthenticationError', 'NotFoundError - … not found'. */
function hiveError(status: number, type: string, message: string): TwinResponse {
  return { status, body: { type, message } };
}

function stamp(state: TheHiveTwinState, type: string): Stamp {
  state.clock += 1000;
  return { _id: `~${state.nextId++}`, _type: type, _createdBy: USER, _createdAt: state.clock };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function int(value: unknown, fallback: number, max: number): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max ? (value as number) : fallback;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Scalligraph's AttributeCheckingError: one `[Attribute x is missing]` per missing required field. */
function missing(body: Record<string, unknown>, required: readonly string[]): TwinResponse | undefined {
  const absent = required.filter((field) => body[field] === undefined || body[field] === null || (field !== 'description' && body[field] === ''));
  return absent.length === 0 ? undefined : attributeError(absent);
}

function attributeError(absent: readonly string[]): TwinResponse {
  return {
    status: 400,
    body: {
      type: 'AttributeCheckingError',
      message: absent.map((field) => `[Attribute ${field} is missing]`).join(''),
      errors: absent.map((name) => ({ name, type: 'MissingAttributeError' })),
    },
  };
}

function labels(body: Record<string, unknown>, severityDefault: number): Record<string, unknown> {
  const severity = int(body['severity'], severityDefault, 4) || severityDefault;
  const tlp = int(body['tlp'], 2, 4);
  const pap = int(body['pap'], 2, 3);
  return { severity, severityLabel: SEVERITY[severity], tlp, tlpLabel: TLP[tlp], pap, papLabel: PAP[pap] };
}

/** Validates and creates the observables of one request; each value of `data` becomes one observable. */
function createObservables(state: TheHiveTwinState, parent: string, input: Record<string, unknown>): TheHiveObservable[] | TwinResponse {
  const refusal = missing(input, ['dataType']);
  if (refusal) return refusal;
  const dataType = String(input['dataType']);
  if (!state.observableTypes.includes(dataType)) return hiveError(404, 'NotFoundError', `ObservableType ${dataType} not found`);
  if (dataType === 'file') return hiveError(400, 'BadRequest', 'An attachment is required for an observable of type file');
  const values = typeof input['data'] === 'string' ? [input['data']] : stringList(input['data']);
  if (values.length === 0 || values.some((v) => v === '')) return attributeError(['data']);
  const tlp = int(input['tlp'], 2, 4);
  const pap = int(input['pap'], 2, 3);
  return values.map((data) => {
    const base = stamp(state, 'Observable');
    const observable: TheHiveObservable = {
      ...base,
      dataType,
      data,
      startDate: int(input['startDate'], base._createdAt, Number.MAX_SAFE_INTEGER),
      tlp,
      tlpLabel: TLP[tlp],
      pap,
      papLabel: PAP[pap],
      tags: stringList(input['tags']),
      ioc: input['ioc'] === true,
      sighted: input['sighted'] === true,
      reports: {},
      message: typeof input['message'] === 'string' ? input['message'] : undefined,
      extraData: {},
      ignoreSimilarity: input['ignoreSimilarity'] === true,
      parent,
    };
    state.observables[observable._id] = observable;
    return observable;
  });
}

/** An observable as TheHive returns it (without the twin's `parent` link). */
function observableView(observable: TheHiveObservable): Record<string, unknown> {
  const { parent: _parent, ...view } = observable;
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined));
}

function observablesOf(state: TheHiveTwinState, parent: string): TheHiveObservable[] {
  return Object.values(state.observables).filter((o) => o.parent === parent);
}

/** A case by `_id` (~123) or by number. */
function findCase(state: TheHiveTwinState, idOrName: string): TheHiveEntity | undefined {
  if (idOrName.startsWith('~')) return state.cases[idOrName];
  return Object.values(state.cases).find((c) => String(c['number']) === idOrName);
}

function createAlert(req: TwinRequest, state: TheHiveTwinState): TwinResponse {
  const body = record(req.body);
  const refusal = missing(body, ['type', 'source', 'sourceRef', 'title', 'description']);
  if (refusal) return refusal;
  const duplicate = Object.values(state.alerts).some((a) => a['type'] === body['type'] && a['source'] === body['source'] && a['sourceRef'] === body['sourceRef']);
  if (duplicate) {
    return hiveError(400, 'CreateError', `Alert ${String(body['type'])}:${String(body['source'])}:${String(body['sourceRef'])} already exist in organisation ${state.organisation}`);
  }
  const base = stamp(state, 'Alert');
  const alert: TheHiveEntity = {
    ...base,
    type: body['type'],
    source: body['source'],
    sourceRef: body['sourceRef'],
    ...(typeof body['externalLink'] === 'string' ? { externalLink: body['externalLink'] } : {}),
    title: body['title'],
    description: body['description'],
    ...labels(body, 2),
    date: int(body['date'], base._createdAt, Number.MAX_SAFE_INTEGER),
    tags: stringList(body['tags']),
    follow: true,
    customFields: [],
    observableCount: 0,
    status: 'New',
    stage: 'New',
    extraData: {},
    newDate: base._createdAt,
    timeToDetect: 0,
  };
  const inline = Array.isArray(body['observables']) ? body['observables'] : [];
  const created: TheHiveObservable[] = [];
  for (const input of inline) {
    const result = createObservables(state, alert._id, record(input));
    if (!Array.isArray(result)) return result;
    created.push(...result);
  }
  alert['observableCount'] = created.length;
  state.alerts[alert._id] = alert;
  return { status: 201, body: alert };
}

function createCase(req: TwinRequest, state: TheHiveTwinState): TwinResponse {
  const body = record(req.body);
  const refusal = missing(body, ['title', 'description']);
  if (refusal) return refusal;
  const base = stamp(state, 'Case');
  const theCase: TheHiveEntity = {
    ...base,
    number: state.nextCaseNumber++,
    title: body['title'],
    description: body['description'],
    ...labels(body, 2),
    startDate: int(body['startDate'], base._createdAt, Number.MAX_SAFE_INTEGER),
    tags: stringList(body['tags']),
    flag: body['flag'] === true,
    status: typeof body['status'] === 'string' ? body['status'] : 'New',
    stage: 'New',
    ...(typeof body['summary'] === 'string' ? { summary: body['summary'] } : {}),
    assignee: typeof body['assignee'] === 'string' ? body['assignee'] : USER,
    customFields: [],
    userPermissions: ['manageCase/update', 'manageObservable', 'manageTask', 'manageAction', 'manageShare'],
    extraData: {},
    newDate: base._createdAt,
    timeToDetect: 0,
  };
  state.cases[theCase._id] = theCase;
  const tasks = Array.isArray(body['tasks']) ? body['tasks'].map(record) : [];
  tasks.forEach((task, order) => {
    const created = { ...stamp(state, 'Task'), title: String(task['title'] ?? ''), group: task['group'] ?? 'default', description: task['description'], status: 'Waiting', flag: false, order, mandatory: task['mandatory'] === true, assignee: task['assignee'], extraData: {}, caseId: theCase._id };
    state.tasks[created._id] = created;
  });
  return { status: 201, body: theCase };
}

/** The Query API subset the twin speaks; an unknown operation is refused as TheHive refuses it. */
function runQuery(req: TwinRequest, state: TheHiveTwinState): TwinResponse {
  const operations = record(req.body)['query'];
  if (!Array.isArray(operations) || operations.length === 0) return hiveError(400, 'BadRequest', 'Invalid query: query is missing');
  let items: Array<Record<string, unknown>> = [];
  let total: number | undefined;
  for (const [index, raw] of operations.entries()) {
    const op = record(raw);
    const name = String(op['_name'] ?? '');
    const idOrName = String(op['idOrName'] ?? '');
    if (index === 0) {
      if (name === 'listCase') items = Object.values(state.cases);
      else if (name === 'listAlert') items = Object.values(state.alerts);
      else if (name === 'getCase' || name === 'getAlert') {
        const found = name === 'getCase' ? findCase(state, idOrName) : state.alerts[idOrName];
        if (found === undefined) return hiveError(404, 'NotFoundError', `${name === 'getCase' ? 'Case' : 'Alert'} ${idOrName} not found`);
        items = [found];
      } else return hiveError(400, 'BadRequest', `Invalid query: unknown operation ${name}`);
      continue;
    }
    if (name === 'observables') items = items.flatMap((parent) => observablesOf(state, String(parent['_id'])).map(observableView));
    else if (name === 'sort') items = sorted(items, op['_fields']);
    else if (name === 'page') {
      total = items.length;
      const from = int(op['from'], 0, Number.MAX_SAFE_INTEGER);
      items = items.slice(from, Math.max(from, int(op['to'], items.length, Number.MAX_SAFE_INTEGER)));
      if (!stringList(op['extraData']).includes('total')) total = undefined;
    } else return hiveError(400, 'BadRequest', `Invalid query: unknown operation ${name}`);
  }
  return { body: items, ...(total === undefined ? {} : { headers: { 'X-Total': String(total) } }) };
}

function sorted(items: Array<Record<string, unknown>>, fields: unknown): Array<Record<string, unknown>> {
  const [first] = Array.isArray(fields) ? fields.map(record) : [];
  const [field, direction] = Object.entries(first ?? {})[0] ?? [];
  if (field === undefined) return items;
  const sign = direction === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * (Number(a[field] ?? 0) - Number(b[field] ?? 0)));
}

/** The TheHive 5 twin: alerts, cases, observables and the Query API of organisation corp. */
export const thehiveTwin: TwinDefinition<TheHiveTwinState> = {
  id: 'thehive',
  name: 'TheHive',
  initialState,
  authenticate: (req, state) => {
    if (req.headers['authorization'] !== `Bearer ${thehiveLabCredentials.apiKey}`) return hiveError(401, 'AuthenticationError', 'Authentication failure');
    const organisation = req.headers['x-organisation'];
    if (organisation !== undefined && organisation !== state.organisation) {
      return hiveError(403, 'AuthorizationError', `User ${USER} is not a member of organisation ${organisation}`);
    }
    return undefined;
  },
  rateLimited: (retryAfterSeconds) => ({
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    body: { type: 'RateLimitExceeded', message: 'Too many requests' },
  }),
  notFound: (req) => hiveError(404, 'NotFoundError', `${req.path} not found`),
  routes: [
    { method: 'POST', path: '/api/v1/alert', handler: createAlert },
    {
      method: 'GET',
      path: '/api/v1/alert/:alertId',
      handler: (req, state) => {
        const alert = state.alerts[req.params['alertId'] ?? ''];
        return alert === undefined ? hiveError(404, 'NotFoundError', `Alert ${req.params['alertId']} not found`) : { body: alert };
      },
    },
    { method: 'POST', path: '/api/v1/case', handler: createCase },
    {
      method: 'GET',
      path: '/api/v1/case/:idOrName',
      handler: (req, state) => {
        const theCase = findCase(state, req.params['idOrName'] ?? '');
        return theCase === undefined ? hiveError(404, 'NotFoundError', `Case ${req.params['idOrName']} not found`) : { body: theCase };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/case/:caseId/observable',
      handler: (req, state) => {
        const theCase = findCase(state, req.params['caseId'] ?? '');
        if (theCase === undefined) return hiveError(404, 'NotFoundError', `Case ${req.params['caseId']} not found`);
        const result = createObservables(state, theCase._id, record(req.body));
        return Array.isArray(result) ? { status: 201, body: result.map(observableView) } : result;
      },
    },
    { method: 'POST', path: '/api/v1/query', handler: runQuery },
  ],
};
