import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { scenario } from '../scenario.ts';
import type { TwinDefinition, TwinRequest, TwinResponse } from '../twin.ts';
import { BAD_EMIT_COUNT, emitBody, emitCount, emittedAt, emitText } from '../emit-time.ts';

/**
 * Twin of Microsoft 365 mail through Microsoft Graph v1.0, with the Microsoft identity platform's
 * client-credentials token endpoint on the same server (`/{tenant}/oauth2/v2.0/token`, then
 * `/v1.0/...`). Tokens are signed, expiring JWT-shaped strings (so they survive a lab reset);
 * errors use Graph's `{error:{code,message,innerError}}` and the identity platform's
 * `{error, error_description: "AADSTS…"}`; lists page with a full `@odata.nextLink`; a move gives
 * the message a new id in the destination folder; 429 is `ApplicationThrottled` with Retry-After.
 *
 * Checked against public sources where VENDOR-APIS.md said unconfirmed: a wrong client secret is
 * HTTP 401 `invalid_client` / AADSTS7000215 (responses quoted in public issue reports); GET
 * /users/{id}/messages/{id} with `$expand=attachments` and the attachment `/$value` path (Microsoft
 * Q&A answers citing message-get and attachment-get); `$search` on messages returns at most 1,000
 * results and cannot be combined with `$filter` (Graph "search query parameter" page); 404
 * `ErrorItemNotFound` "The specified object was not found in the store." (public Graph mocks);
 * 429 `ApplicationThrottled` "Application is over its MailboxConcurrency limit." (a real response
 * in a public issue). The $search+$filter refusal's wording is the twin's own; the texts of
 * ErrorInvalidUser, ErrorInvalidUrlQueryFilter, Request_ResourceNotFound and the other AADSTS codes
 * follow commonly reported responses but were not re-checked.
 *
 * A shared mailbox, `phishing@corp.example` (Phish Reports), receives what users report. `POST
 * /_lab/emit` delivers new reported-phish messages to it as the Report Message add-in would: `{
 * count?, reporter?, subject?, mailbox?, folder?, ageSeconds?, skewSeconds?, duplicateOf? }`; `skewSeconds` shifts the stamp (a clock ahead or behind); `ageSeconds`
 * back-dates receivedDateTime (a message that showed up late), `duplicateOf` (an internetMessageId)
 * delivers another copy of that message under a new Graph id.
 */

/** The app registration the twin knows (what `switchboard lab` binds). */
export const msgraphLabCredentials = {
  tenantId: scenario.org.tenantId,
  clientId: '3f1e9c2a-5b7d-4e8f-a0b1-c2d3e4f5a6b7',
  clientSecret: 'lab-graph-client-secret~Sw1tchb0ard',
};

/** The shared mailbox users report phishing to (a directory user, as a shared mailbox is). */
export const PHISH_REPORTS_MAILBOX = {
  mailboxId: 'f1511000-0000-4000-8000-00000000f150',
  login: `phishing@${scenario.org.domain}`,
  firstName: 'Phish',
  lastName: 'Reports',
};

/** The EICAR test string: the phishing attachment's bytes, whose hashes are scenario.phishing.attachment's. */
export const PHISHING_ATTACHMENT_CONTENT = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

const TOKEN_LIFETIME_S = 3599;
const SIGNING_KEY = 'switchboard-lab-graph-signing-key';
const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const DEFAULT_TOP = 10;
const MAX_TOP = 1000;
const MAX_SEARCH_RESULTS = 1000;
const PAGE_USERS = 100;

const WELL_KNOWN_FOLDERS: Record<string, string> = {
  inbox: 'Inbox',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  archive: 'Archive',
  sentitems: 'Sent Items',
  drafts: 'Drafts',
};

interface EmailAddress {
  emailAddress: { name: string; address: string };
}

interface TwinAttachment {
  '@odata.type': string;
  id: string;
  lastModifiedDateTime: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  contentLocation: string | null;
  contentBytes: string;
}

/** A message as Graph serves it (without attachments), plus where it lives. */
export interface TwinMessage {
  userId: string;
  folder: string;
  resource: Record<string, unknown> & { id: string; receivedDateTime: string };
  attachments: TwinAttachment[];
}

/** A directory user with a mailbox, as GET /users serves it. */
export interface TwinUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  userPrincipalName: string;
  jobTitle: string | null;
  officeLocation: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  preferredLanguage: string;
}

/** The tenant's users and mailboxes; moves change it, so tests read outcomes back. */
export interface MsgraphTwinState {
  users: TwinUser[];
  messages: TwinMessage[];
  /** Messages moved so far: numbers the new ids a move creates. */
  moves: number;
  /** Every move, in order: what a quarantine did. */
  moveLog: Array<{ userId: string; from: string; to: string; folder: string }>;
}

// ---------------------------------------------------------------------------------------------
// Errors in the vendor's shapes

function innerError(req: TwinRequest): Record<string, string> {
  const requestId = randomUUID();
  return {
    date: new Date().toISOString().slice(0, 19),
    'request-id': requestId,
    'client-request-id': req.headers['client-request-id'] ?? requestId,
  };
}

/** Graph's error envelope with its innerError block. */
function graphError(req: TwinRequest, status: number, code: string, message: string, headers?: Record<string, string>): TwinResponse {
  const inner = innerError(req);
  return {
    status,
    headers: { 'request-id': inner['request-id']!, 'client-request-id': inner['client-request-id']!, ...headers },
    body: { error: { code, message, innerError: inner } },
  };
}

/** The identity platform's OAuth error (AADSTS code in the description, trace and correlation ids). */
function identityError(status: number, error: string, aadsts: number, text: string): TwinResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}

const invalidToken = (req: TwinRequest, message: string): TwinResponse =>
  graphError(req, 401, 'InvalidAuthenticationToken', message, {
    'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
const itemNotFound = (req: TwinRequest) => graphError(req, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
const idMalformed = (req: TwinRequest) => graphError(req, 400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
const invalidUser = (req: TwinRequest, user: string) => graphError(req, 404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`);
const invalidFilter = (req: TwinRequest) => graphError(req, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');

// ---------------------------------------------------------------------------------------------
// Tokens: `header.payload.signature`, HMAC-signed so they stay valid across a lab reset

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const sign = (data: string) => createHmac('sha256', SIGNING_KEY).update(data).digest('base64url');

/** An access token for the app, valid for `TOKEN_LIFETIME_S` seconds from `nowMs`. */
export function issueToken(tenantId: string, appId: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: 'lab' }));
  const payload = b64url(
    JSON.stringify({
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + TOKEN_LIFETIME_S,
      appid: appId,
      tid: tenantId,
      roles: ['Mail.ReadWrite', 'User.Read.All'],
    }),
  );
  return `${header}.${payload}.${sign(`${header}.${payload}`)}`;
}

/** Why a bearer token is refused (Graph's messages), or undefined when it is good. */
export function tokenProblem(token: string, nowMs: number): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return 'IDX14100: JWT is not well formed, there are no dots (.).';
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'Access token validation failure. Invalid audience.';
  let claims: { exp?: number; tid?: string; aud?: string };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'IDX14100: JWT is not well formed.';
  }
  if (claims.aud !== GRAPH_AUDIENCE || claims.tid !== scenario.org.tenantId) return 'Access token validation failure. Invalid audience.';
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return 'Lifetime validation failed, the token is expired.';
  return undefined;
}

function tokenEndpoint(req: TwinRequest): TwinResponse {
  const tenant = req.params['tenant'] ?? '';
  if (tenant !== scenario.org.tenantId && tenant.toLowerCase() !== scenario.org.domain) {
    return identityError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string | undefined>;
  if (form['grant_type'] !== 'client_credentials') {
    return identityError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form['grant_type'] ?? ''}'.`);
  }
  if (form['client_id'] !== msgraphLabCredentials.clientId) {
    return identityError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${form['client_id'] ?? ''}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (form['client_secret'] === undefined || form['client_secret'] === '') {
    return identityError(400, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
  }
  if (form['client_secret'] !== msgraphLabCredentials.clientSecret) {
    return identityError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${msgraphLabCredentials.clientId}'.`,
    );
  }
  if (form['scope'] !== GRAPH_SCOPE) {
    return identityError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${form['scope'] ?? ''} is not valid.`);
  }
  return {
    body: { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, ext_expires_in: TOKEN_LIFETIME_S, access_token: issueToken(scenario.org.tenantId, msgraphLabCredentials.clientId, Date.now()) },
  };
}

// ---------------------------------------------------------------------------------------------
// The scenario's mailboxes

/** A folder id that is stable for a mailbox and folder, shaped like Graph's. */
export function folderIdOf(userId: string, folder: string): string {
  return `AAMkA${b64url(`${userId.slice(0, 8)}/${folder}`)}AAA=`;
}

const address = (name: string, mail: string): EmailAddress => ({ emailAddress: { name, address: mail } });

function userOf(person: { mailboxId: string; login: string; firstName: string; lastName: string }, jobTitle: string): TwinUser {
  return {
    id: person.mailboxId,
    displayName: `${person.firstName} ${person.lastName}`,
    givenName: person.firstName,
    surname: person.lastName,
    mail: person.login,
    userPrincipalName: person.login,
    jobTitle,
    officeLocation: 'HQ-3',
    businessPhones: [],
    mobilePhone: null,
    preferredLanguage: 'en-US',
  };
}

const PHISHING_HTML = [
  '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>',
  '<p>Dear customer,</p>',
  '<p>Your invoice INV-20931 is overdue and your account will be suspended within 24 hours.</p>',
  `<p><a href="${scenario.phishing.maliciousUrl}">Verify your account</a> to keep access.</p>`,
  `<p>Questions? Read our <a href="${scenario.phishing.cleanUrl}">help centre</a>.</p>`,
  '<p>The invoice is attached.</p><p>PayPal Billing</p>',
  '</body></html>',
].join('');

function plainText(html: string): string {
  return html
    .replace(/<head>.*?<\/head>/s, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface MailSpec {
  id: string;
  user: TwinUser;
  from: EmailAddress;
  to: TwinUser[];
  subject: string;
  html: string;
  received: string;
  internetMessageId: string;
  importance?: 'low' | 'normal' | 'high';
  attachments?: TwinAttachment[];
}

function mail(spec: MailSpec): TwinMessage {
  const sent = new Date(Date.parse(spec.received) - 3000).toISOString().replace('.000Z', 'Z');
  const attachments = spec.attachments ?? [];
  return {
    userId: spec.user.id,
    folder: 'inbox',
    attachments,
    resource: {
      '@odata.etag': `W/"CQAAABYAAAD${b64url(spec.id).slice(0, 22)}"`,
      id: spec.id,
      createdDateTime: spec.received,
      lastModifiedDateTime: spec.received,
      changeKey: `CQAAABYAAAD${b64url(spec.id).slice(0, 22)}`,
      categories: [],
      receivedDateTime: spec.received,
      sentDateTime: sent,
      hasAttachments: attachments.length > 0,
      internetMessageId: spec.internetMessageId,
      subject: spec.subject,
      bodyPreview: plainText(spec.html).slice(0, 255),
      importance: spec.importance ?? 'normal',
      parentFolderId: folderIdOf(spec.user.id, 'inbox'),
      conversationId: `AAQkA${b64url(spec.internetMessageId).slice(0, 24)}=`,
      isDeliveryReceiptRequested: false,
      isReadReceiptRequested: false,
      isRead: false,
      isDraft: false,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(spec.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      inferenceClassification: 'focused',
      body: { contentType: 'html', content: spec.html },
      sender: spec.from,
      from: spec.from,
      toRecipients: spec.to.map((u) => address(u.displayName, u.mail)),
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      flag: { flagStatus: 'notFlagged' },
    },
  };
}

function initialState(): MsgraphTwinState {
  const alice = userOf(scenario.users.alice, 'Financial Analyst');
  const bob = userOf(scenario.users.bob, 'Accounts Payable Lead');
  const carol = userOf(scenario.users.carol, 'Systems Engineer');
  const p = scenario.phishing;
  const phisher = address('PayPal Billing', p.sender);
  const invoice = (userId: string): TwinAttachment => ({
    '@odata.type': '#microsoft.graph.fileAttachment',
    id: `AAMkA${b64url(`${userId.slice(0, 8)}/att/1`)}=`,
    lastModifiedDateTime: p.receivedAt,
    name: p.attachment.name,
    contentType: p.attachment.contentType,
    size: Buffer.byteLength(PHISHING_ATTACHMENT_CONTENT),
    isInline: false,
    contentId: null,
    contentLocation: null,
    contentBytes: Buffer.from(PHISHING_ATTACHMENT_CONTENT).toString('base64'),
  });
  const phishing = (user: TwinUser, id: string) =>
    mail({ id, user, from: phisher, to: [user], subject: p.subject, html: PHISHING_HTML, received: p.receivedAt, internetMessageId: p.internetMessageId, importance: 'high', attachments: [invoice(user.id)] });
  const internal = (id: string, user: TwinUser, sender: TwinUser, subject: string, text: string, received: string) =>
    mail({ id, user, from: address(sender.displayName, sender.mail), to: [user], subject, html: `<html><body><p>${text}</p></body></html>`, received, internetMessageId: `<${id.slice(5, 17)}@${scenario.org.domain}>` });
  const reports = userOf(PHISH_REPORTS_MAILBOX, 'Shared mailbox');
  return {
    users: [alice, bob, carol, reports],
    moves: 0,
    moveLog: [],
    messages: [
      phishing(alice, p.messageId),
      internal('AAMkAGI2TG93AAC=', alice, carol, 'Team lunch on Friday', 'Booked the usual place for 12:30. Reply if you cannot make it.', '2026-11-26T16:02:44Z'),
      internal('AAMkAGI2TG93AAD=', alice, bob, 'Q4 forecast draft', 'Draft numbers are on the Finance share; comments by Monday please.', '2026-11-26T09:41:10Z'),
      phishing(bob, 'AAMkAGI2TG93AAB='),
      internal('AAMkAGI2TG93AAE=', bob, alice, 'Re: Q4 forecast draft', 'Looks good. Two small fixes on the travel line.', '2026-11-26T11:20:05Z'),
      internal('AAMkAGI2TG93AAF=', carol, bob, 'VPN access request', 'Could you add the new contractor to the VPN group? Ticket is in the queue.', '2026-11-26T14:15:37Z'),
    ],
  };
}

/** `POST /_lab/emit`: delivers `count` reported-phish messages (or another copy of `duplicateOf`) now. */
function emitReports(raw: unknown, state: MsgraphTwinState): TwinResponse {
  const body = emitBody(raw);
  const mailbox = findUser(state, emitText(body, 'mailbox', PHISH_REPORTS_MAILBOX.login));
  if (mailbox === undefined) return { status: 404, body: { error: `emit: no mailbox ${emitText(body, 'mailbox', '')}` } };
  const folder = resolveFolder(mailbox, emitText(body, 'folder', 'inbox'));
  if (folder === undefined) return { status: 400, body: { error: `emit: no folder ${emitText(body, 'folder', '')}` } };
  const newId = () => `AAMkA${b64url(randomUUID()).slice(0, 40)}=`;
  const duplicateOf = body['duplicateOf'];
  if (duplicateOf !== undefined) {
    const original = state.messages.find((m) => m.userId === mailbox.id && m.resource['internetMessageId'] === duplicateOf);
    if (original === undefined) return { status: 404, body: { error: `emit: no message with internetMessageId ${String(duplicateOf)}` } };
    const id = newId();
    const copy: TwinMessage = { ...original, resource: { ...original.resource, id } };
    state.messages.push(copy);
    return { body: { messages: [copy.resource] } };
  }
  const count = emitCount(body);
  if (count === undefined) return BAD_EMIT_COUNT;
  const reporter = findUser(state, emitText(body, 'reporter', scenario.users.alice.login)) ?? state.users[0]!;
  const p = scenario.phishing;
  const subject = emitText(body, 'subject', p.subject);
  const added = Array.from({ length: count }, () => {
    const id = newId();
    const received = new Date(emittedAt(body)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const html = `<html><body><p>Reported as phishing by ${reporter.displayName}.</p><p>Original sender: ${p.sender}<br>Subject: ${subject}<br>Received: ${p.receivedAt}</p></body></html>`;
    const message = mail({ id, user: mailbox, from: address(reporter.displayName, reporter.mail), to: [mailbox], subject: `Phishing report: ${subject}`, html, received, internetMessageId: `<${randomUUID()}@${scenario.org.domain}>` });
    message.folder = folder;
    message.resource.parentFolderId = folderIdOf(mailbox.id, folder);
    return message;
  });
  state.messages.push(...added);
  return { body: { messages: added.map((m) => m.resource) } };
}

// ---------------------------------------------------------------------------------------------
// OData: $filter (the subset mail clients use), $search (KQL terms), $select, paging

type Predicate = (message: Record<string, unknown>) => boolean;

/** The value at a slash path (`from/emailAddress/address`) of a message. */
function valueAt(resource: unknown, path: string): unknown {
  let current = resource;
  for (const key of path.split('/')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Splits on a top-level ` and `, outside quotes and parentheses. */
function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && /^\s+and\s+/i.test(text.slice(i)) && /\s/.test(ch ?? '')) {
      const match = /^\s+and\s+/i.exec(text.slice(i))!;
      parts.push(text.slice(start, i));
      i += match[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Whether the opening parenthesis at 0 closes at the very end (so `(a) and (b)` is not one group). */
function wrapsWhole(text: string): boolean {
  if (!text.startsWith('(') || !text.endsWith(')')) return false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth === 0 && i < text.length - 1) return false;
  }
  return depth === 0;
}

function stripParens(text: string): string {
  let t = text.trim();
  while (wrapsWhole(t)) t = t.slice(1, -1).trim();
  return t;
}

function literal(text: string): unknown {
  const t = text.trim();
  if (/^'.*'$/s.test(t)) return t.slice(1, -1).replace(/''/g, "'");
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(t)) return t;
  throw new Error(`bad literal ${t}`);
}

function compare(left: unknown, op: string, right: unknown): boolean {
  if (typeof left === 'string' && typeof right === 'string') {
    const isDate = /^\d{4}-\d{2}-\d{2}/.test(left) && /^\d{4}-\d{2}-\d{2}/.test(right);
    const a = isDate ? Date.parse(left) : left.toLowerCase();
    const b = isDate ? Date.parse(right) : right.toLowerCase();
    return op === 'eq' ? a === b : op === 'ne' ? a !== b : op === 'gt' ? a > b : op === 'ge' ? a >= b : op === 'lt' ? a < b : a <= b;
  }
  if (op === 'eq') return left === right;
  if (op === 'ne') return left !== right;
  if (typeof left === 'number' && typeof right === 'number') return op === 'gt' ? left > right : op === 'ge' ? left >= right : op === 'lt' ? left < right : left <= right;
  return false;
}

const PATH = '[A-Za-z][A-Za-z0-9]*(?:/[A-Za-z][A-Za-z0-9]*)*';

function clause(text: string): Predicate {
  const t = stripParens(text);
  if (splitAnd(t).length > 1) return parseFilter(t);
  const any = new RegExp(`^(${PATH})/any\\((\\w+):\\s*\\2/(${PATH})\\s+(eq|ne)\\s+(.+)\\)$`, 'i').exec(t);
  if (any) {
    const [, collection, , inner, op, value] = any as unknown as [string, string, string, string, string, string];
    const right = literal(value);
    return (m) => {
      const list = valueAt(m, collection);
      return Array.isArray(list) && list.some((item) => compare(valueAt(item, inner), op.toLowerCase(), right));
    };
  }
  const fn = new RegExp(`^(contains|startswith|endswith)\\((${PATH}),\\s*('(?:[^']|'')*')\\)$`, 'i').exec(t);
  if (fn) {
    const [, name, path, value] = fn as unknown as [string, string, string, string];
    const needle = String(literal(value)).toLowerCase();
    return (m) => {
      const hay = valueAt(m, path);
      if (typeof hay !== 'string') return false;
      const h = hay.toLowerCase();
      return name.toLowerCase() === 'contains' ? h.includes(needle) : name.toLowerCase() === 'startswith' ? h.startsWith(needle) : h.endsWith(needle);
    };
  }
  const cmp = new RegExp(`^(${PATH})\\s+(eq|ne|gt|ge|lt|le)\\s+(.+)$`, 'i').exec(t);
  if (cmp) {
    const [, path, op, value] = cmp as unknown as [string, string, string, string];
    const right = literal(value);
    return (m) => compare(valueAt(m, path), op.toLowerCase(), right);
  }
  throw new Error(`unsupported clause ${t}`);
}

/** A predicate for an OData `$filter` built from `and`-ed comparisons, contains/startswith and any(). */
export function parseFilter(filter: string): Predicate {
  const predicates = splitAnd(filter).map(clause);
  return (m) => predicates.every((p) => p(m));
}

/** KQL terms of a `$search` (quotes removed; `AND` ignored), each `prop:value` or a bare word. */
function searchTerms(search: string): Array<{ prop: string | undefined; value: string }> {
  let text = search.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1);
  const tokens = text.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return tokens
    .filter((token) => token.toUpperCase() !== 'AND')
    .map((token) => {
      const unquoted = token.replace(/\\?"/g, '');
      const match = /^(from|to|subject|body|participants|attachment|cc):(.+)$/i.exec(unquoted);
      return match ? { prop: match[1]!.toLowerCase(), value: match[2]!.toLowerCase() } : { prop: undefined, value: unquoted.toLowerCase() };
    });
}

function addressesText(value: unknown): string {
  const list = Array.isArray(value) ? value : [value];
  return list
    .map((r) => `${String(valueAt(r, 'emailAddress/name') ?? '')} ${String(valueAt(r, 'emailAddress/address') ?? '')}`)
    .join(' ')
    .toLowerCase();
}

/** Whether a message matches every KQL term (from, subject and body when no property is named). */
export function matchesSearch(message: TwinMessage, search: string): boolean {
  const r = message.resource;
  const fields: Record<string, string> = {
    from: addressesText(r['from']),
    to: addressesText(r['toRecipients']),
    cc: addressesText(r['ccRecipients']),
    subject: String(r['subject'] ?? '').toLowerCase(),
    body: String(valueAt(r, 'body/content') ?? '').toLowerCase(),
    attachment: message.attachments.map((a) => a.name).join(' ').toLowerCase(),
  };
  fields['participants'] = `${fields['from']} ${fields['to']} ${fields['cc']}`;
  return searchTerms(search).every(({ prop, value }) =>
    prop === undefined ? [fields['from'], fields['subject'], fields['body']].some((f) => f!.includes(value)) : (fields[prop] ?? '').includes(value),
  );
}

function selectFields(resource: Record<string, unknown>, select: string | null): Record<string, unknown> {
  if (select === null || select.trim() === '') return { ...resource };
  const out: Record<string, unknown> = { '@odata.etag': resource['@odata.etag'], id: resource['id'] };
  for (const field of select.split(',').map((f) => f.trim())) if (field in resource) out[field] = resource[field];
  return out;
}

function originOf(req: TwinRequest): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** The same request for the next page: every query parameter kept, the paging one replaced. */
function nextLink(req: TwinRequest, paging: Record<string, string>): string {
  const params = new Map<string, string>();
  req.query.forEach((value, key) => {
    if (key !== '$skip' && key !== '$skiptoken') params.set(key, value);
  });
  for (const [key, value] of Object.entries(paging)) params.set(key, value);
  const query = [...params].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return `${originOf(req)}${req.path}?${query}`;
}

function topOf(req: TwinRequest, fallback: number): number {
  const raw = Number(req.query.get('$top') ?? fallback);
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, MAX_TOP) : fallback;
}

// ---------------------------------------------------------------------------------------------
// Handlers

function findUser(state: MsgraphTwinState, key: string): TwinUser | undefined {
  const k = key.toLowerCase();
  return state.users.find((u) => u.id.toLowerCase() === k || u.userPrincipalName.toLowerCase() === k || u.mail.toLowerCase() === k);
}

/** A folder given as a well-known name or as this mailbox's folder id. */
function resolveFolder(user: TwinUser, folder: string): string | undefined {
  const name = folder.toLowerCase();
  if (name in WELL_KNOWN_FOLDERS) return name;
  return Object.keys(WELL_KNOWN_FOLDERS).find((known) => folderIdOf(user.id, known) === folder);
}

const isWellFormedId = (id: string) => /^[A-Za-z0-9+/_=-]{8,}$/.test(id);

function listMessages(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const user = findUser(state, req.params['user'] ?? '');
  if (!user) return invalidUser(req, req.params['user'] ?? '');
  let folder: string | undefined;
  if (req.params['folder'] !== undefined) {
    folder = resolveFolder(user, req.params['folder']);
    if (folder === undefined) return isWellFormedId(req.params['folder']) ? itemNotFound(req) : idMalformed(req);
  }
  const filter = req.query.get('$filter');
  const search = req.query.get('$search');
  if (filter !== null && search !== null) {
    // Graph refuses the combination; this wording is the twin's own (the exact text is unconfirmed).
    return graphError(req, 400, 'ErrorInvalidUrlQuery', "The query parameter '$filter' is not supported with '$search'.");
  }
  let predicate: Predicate = () => true;
  if (filter !== null) {
    try {
      predicate = parseFilter(filter);
    } catch {
      return invalidFilter(req);
    }
  }
  const found = state.messages
    .filter((m) => m.userId === user.id && (folder === undefined || m.folder === folder))
    .filter((m) => (search === null ? predicate(m.resource) : matchesSearch(m, search)))
    .sort((a, b) => b.resource.receivedDateTime.localeCompare(a.resource.receivedDateTime))
    .slice(0, search === null ? undefined : MAX_SEARCH_RESULTS);
  const top = topOf(req, DEFAULT_TOP);
  const token = req.query.get('$skiptoken');
  const skip = search === null ? Number(req.query.get('$skip') ?? 0) || 0 : token === null ? 0 : Number(Buffer.from(token, 'base64url').toString()) || 0;
  const expand = (req.query.get('$expand') ?? '').split(',').map((e) => e.trim().toLowerCase()).includes('attachments');
  const page = found.slice(skip, skip + top).map((m) => ({
    ...selectFields(m.resource, req.query.get('$select')),
    ...(expand ? { attachments: m.attachments } : {}),
  }));
  const more = skip + top < found.length;
  const select = req.query.get('$select');
  return {
    body: {
      '@odata.context': `${originOf(req)}/v1.0/$metadata#users('${encodeURIComponent(user.id)}')/messages${select ? `(${select})` : ''}`,
      value: page,
      ...(more ? { '@odata.nextLink': nextLink(req, search === null ? { $skip: String(skip + top) } : { $skiptoken: b64url(String(skip + top)) }) } : {}),
    },
  };
}

function messageOf(req: TwinRequest, state: MsgraphTwinState): { user: TwinUser; message: TwinMessage } | TwinResponse {
  const user = findUser(state, req.params['user'] ?? '');
  if (!user) return invalidUser(req, req.params['user'] ?? '');
  const id = req.params['message'] ?? '';
  if (!isWellFormedId(id)) return idMalformed(req);
  const message = state.messages.find((m) => m.userId === user.id && m.resource.id === id);
  return message ? { user, message } : itemNotFound(req);
}

function getMessage(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const found = messageOf(req, state);
  if (!('message' in found)) return found;
  const expand = (req.query.get('$expand') ?? '').toLowerCase().split(',').map((e) => e.trim()).includes('attachments');
  return {
    body: {
      '@odata.context': `${originOf(req)}/v1.0/$metadata#users('${encodeURIComponent(found.user.id)}')/messages/$entity`,
      ...selectFields(found.message.resource, req.query.get('$select')),
      ...(expand ? { attachments: found.message.attachments } : {}),
    },
  };
}

function listAttachments(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const found = messageOf(req, state);
  if (!('message' in found)) return found;
  return {
    body: {
      '@odata.context': `${originOf(req)}/v1.0/$metadata#users('${encodeURIComponent(found.user.id)}')/messages('${found.message.resource.id}')/attachments`,
      value: found.message.attachments,
    },
  };
}

function attachmentOf(req: TwinRequest, state: MsgraphTwinState): TwinAttachment | TwinResponse {
  const found = messageOf(req, state);
  if (!('message' in found)) return found;
  return found.message.attachments.find((a) => a.id === req.params['attachment']) ?? itemNotFound(req);
}

function getAttachment(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const attachment = attachmentOf(req, state);
  return 'contentBytes' in attachment ? { body: attachment } : attachment;
}

function getAttachmentValue(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const attachment = attachmentOf(req, state);
  if (!('contentBytes' in attachment)) return attachment;
  return { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(attachment.contentBytes, 'base64').toString('latin1') };
}

function moveMessage(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const found = messageOf(req, state);
  if (!('message' in found)) return found;
  if (typeof req.body !== 'object' || req.body === null) return graphError(req, 400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const destinationId = (req.body as { destinationId?: unknown }).destinationId;
  if (typeof destinationId !== 'string' || destinationId === '') return idMalformed(req);
  const folder = resolveFolder(found.user, destinationId);
  if (folder === undefined) return isWellFormedId(destinationId) && destinationId.startsWith('AAMk') ? itemNotFound(req) : idMalformed(req);
  state.moves += 1;
  const newId = `AAMkA${b64url(`${found.user.id.slice(0, 8)}/moved/${state.moves}`)}AAA=`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const moved: TwinMessage = {
    ...found.message,
    folder,
    resource: {
      ...found.message.resource,
      id: newId,
      lastModifiedDateTime: now,
      parentFolderId: folderIdOf(found.user.id, folder),
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(newId)}&exvsurl=1&viewmodel=ReadMessageItem`,
    },
  };
  state.messages = state.messages.filter((m) => m !== found.message).concat(moved);
  state.moveLog.push({ userId: found.user.id, from: found.message.resource.id, to: newId, folder });
  return {
    status: 201,
    body: { '@odata.context': `${originOf(req)}/v1.0/$metadata#message`, '@odata.type': '#microsoft.graph.message', ...moved.resource },
  };
}

function getFolder(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const user = findUser(state, req.params['user'] ?? '');
  if (!user) return invalidUser(req, req.params['user'] ?? '');
  const folder = resolveFolder(user, req.params['folder'] ?? '');
  if (folder === undefined) return isWellFormedId(req.params['folder'] ?? '') ? itemNotFound(req) : idMalformed(req);
  const inFolder = state.messages.filter((m) => m.userId === user.id && m.folder === folder);
  return {
    body: {
      '@odata.context': `${originOf(req)}/v1.0/$metadata#users('${encodeURIComponent(user.id)}')/mailFolders/$entity`,
      id: folderIdOf(user.id, folder),
      displayName: WELL_KNOWN_FOLDERS[folder],
      parentFolderId: folderIdOf(user.id, 'msgfolderroot'),
      childFolderCount: 0,
      unreadItemCount: inFolder.filter((m) => m.resource['isRead'] !== true).length,
      totalItemCount: inFolder.length,
      isHidden: false,
    },
  };
}

function listUsers(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const top = topOf(req, PAGE_USERS);
  const token = req.query.get('$skiptoken');
  const skip = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString()) || 0;
  const select = req.query.get('$select');
  const page = state.users.slice(skip, skip + top).map((u) => {
    const all = u as unknown as Record<string, unknown>;
    if (select === null) return { ...all };
    return Object.fromEntries(select.split(',').map((f) => f.trim()).filter((f) => f in all).map((f) => [f, all[f]]));
  });
  const more = skip + top < state.users.length;
  return {
    body: {
      '@odata.context': `${originOf(req)}/v1.0/$metadata#users${select ? `(${select})` : ''}`,
      value: page,
      ...(more ? { '@odata.nextLink': nextLink(req, { $skiptoken: b64url(String(skip + top)) }) } : {}),
    },
  };
}

function getUser(req: TwinRequest, state: MsgraphTwinState): TwinResponse {
  const key = req.params['user'] ?? '';
  const user = findUser(state, key);
  if (!user) {
    return graphError(req, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  }
  return { body: { '@odata.context': `${originOf(req)}/v1.0/$metadata#users/$entity`, ...user } };
}

/** The Graph mail twin: token endpoint, users, messages, attachments, folders and move. */
export const msgraphTwin: TwinDefinition<MsgraphTwinState> = {
  id: 'msgraph',
  name: 'Microsoft Graph',
  initialState,
  authenticate: (req) => {
    if (TOKEN_PATH.test(req.path)) return undefined;
    const header = req.headers['authorization'] ?? '';
    const match = /^Bearer\s+(.*)$/i.exec(header);
    const token = match?.[1]?.trim() ?? '';
    if (token === '') return invalidToken(req, 'Access token is empty.');
    const problem = tokenProblem(token, Date.now());
    return problem === undefined ? undefined : invalidToken(req, problem);
  },
  rateLimited: (retryAfterSeconds) => {
    const requestId = randomUUID();
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds), 'request-id': requestId, 'client-request-id': requestId },
      body: {
        error: {
          code: 'ApplicationThrottled',
          message: 'Application is over its MailboxConcurrency limit.',
          innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId },
        },
      },
    };
  },
  notFound: (req) => {
    const segment = req.path.split('/').filter(Boolean).pop() ?? '';
    return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
  },
  emit: emitReports,
  routes: [
    { method: 'POST', path: '/:tenant/oauth2/v2.0/token', handler: (req) => tokenEndpoint(req) },
    { method: 'GET', path: '/v1.0/users', handler: listUsers },
    { method: 'GET', path: '/v1.0/users/:user', handler: getUser },
    { method: 'GET', path: '/v1.0/users/:user/messages', handler: listMessages },
    { method: 'GET', path: '/v1.0/users/:user/mailFolders/:folder', handler: getFolder },
    { method: 'GET', path: '/v1.0/users/:user/mailFolders/:folder/messages', handler: listMessages },
    { method: 'GET', path: '/v1.0/users/:user/messages/:message', handler: getMessage },
    { method: 'GET', path: '/v1.0/users/:user/messages/:message/attachments', handler: listAttachments },
    { method: 'GET', path: '/v1.0/users/:user/messages/:message/attachments/:attachment', handler: getAttachment },
    { method: 'GET', path: '/v1.0/users/:user/messages/:message/attachments/:attachment/$value', handler: getAttachmentValue },
    { method: 'POST', path: '/v1.0/users/:user/messages/:message/move', handler: moveMessage },
  ],
};
