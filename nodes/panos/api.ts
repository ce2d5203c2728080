import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { NodeErrorCode } from '../../engine/errors.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { redact } from '../sdk/http-errors.ts';
import { secret } from '../sdk/secrets.ts';
import { find, parseXml, textOf, XmlError } from '../sdk/xml.ts';
import type { XmlElement } from '../sdk/xml.ts';

const VENDOR = 'Palo Alto PAN-OS';
/** Object names: letters, digits, space, `.`, `_`, `-`, at most 63 characters (no quote, so XPath-safe). */
export const OBJECT_NAME = /^[0-9A-Za-z][0-9A-Za-z ._-]{0,62}$/;

/** A firewall (or Panorama) and an API key from `type=keygen`. */
export const panosCredentials = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).meta({ title: 'Base URL' }).describe('The firewall management address, e.g. https://fw01.corp.example (the API lives at /api/).'),
  apiKey: secret(z.string().min(1).describe('API key (type=keygen); sent as the X-PAN-KEY header.')).meta({ title: 'API key' }),
  vsys: z.string().regex(OBJECT_NAME, 'must be a vsys name').default('vsys1').meta({ title: 'Virtual system' }).describe('Virtual system the objects live in.'),
  deviceName: z
    .string()
    .regex(OBJECT_NAME, 'must be a device name')
    .default('localhost.localdomain')
    .meta({ title: 'Device name' })
    .describe('Device entry of the config tree; localhost.localdomain on a firewall.'),
  rejectUnauthorized: z.boolean().optional().meta({ title: 'Verify TLS certificate' }).describe('Set false only for a firewall with a self-signed management certificate.'),
});

export type PanosCredentials = z.output<typeof panosCredentials>;

/** A parsed `<response status="…" code="…">`. */
export interface PanResponse {
  status: string;
  code?: string;
  root: XmlElement;
}

/** The XML API error codes (PAN-OS XML API Error Codes) and the error class each maps onto. */
const CODES: Record<string, { name: string; class: NodeErrorCode }> = {
  '400': { name: 'Bad request', class: 'BAD_REQUEST' },
  '403': { name: 'Forbidden', class: 'AUTH' },
  '1': { name: 'Unknown command', class: 'BAD_REQUEST' },
  '6': { name: 'Bad Xpath', class: 'BAD_REQUEST' },
  '7': { name: 'Object not present', class: 'NOT_FOUND' },
  '8': { name: 'Object not unique', class: 'BAD_REQUEST' },
  '10': { name: 'Reference count not zero', class: 'BAD_REQUEST' },
  '12': { name: 'Invalid object', class: 'BAD_REQUEST' },
  '13': { name: 'Object not found', class: 'NOT_FOUND' },
  '14': { name: 'Operation not possible', class: 'VENDOR' },
  '15': { name: 'Operation denied', class: 'BAD_REQUEST' },
  '16': { name: 'Unauthorized', class: 'AUTH' },
  '17': { name: 'Invalid command', class: 'BAD_REQUEST' },
  '18': { name: 'Malformed command', class: 'BAD_REQUEST' },
};

/** The error class of a PAN-OS error code (2-5, 11, 21 and unknown codes are internal errors: VENDOR). */
export function classifyPanCode(code: string | undefined): NodeErrorCode {
  return (code === undefined ? undefined : CODES[code]?.class) ?? 'VENDOR';
}

/**
 * The error class of an error answer. `show` of an xpath absent from the running config answers
 * 'No such node' with no code, which PAN-OS' own SDKs read as object-not-found (pango
 * errors/panos_test.go and ReadWithXpath, pan-os-python PanNoSuchNode): NOT_FOUND, not a retried VENDOR error.
 */
export function classifyPanError(code: string | undefined, message: string | undefined): NodeErrorCode {
  if (code === undefined && message !== undefined && /^No such node\b/.test(message)) return 'NOT_FOUND';
  return classifyPanCode(code);
}

/** The message of a response: `msg` or `result/msg`, spread over `<line>`s or attributes of uid entries. */
export function panMessage(root: XmlElement): string | undefined {
  const msg = find(root, 'msg') ?? find(root, 'result/msg');
  const entryMessages = collect(msg, (e) => e.attributes['message']);
  const text = entryMessages.length > 0 ? entryMessages.join('; ') : textOf(msg);
  return text === '' ? undefined : text;
}

function collect(element: XmlElement | undefined, pick: (e: XmlElement) => string | undefined): string[] {
  if (element === undefined) return [];
  const own = pick(element);
  return [...(own === undefined ? [] : [own]), ...element.children.flatMap((c) => collect(c, pick))];
}

/** Parses an API answer; anything that is not a `<response>` document is a VENDOR error. */
export function parsePanResponse(body: unknown, httpStatus: number): PanResponse {
  let root: XmlElement;
  try {
    root = parseXml(typeof body === 'string' ? body : String(body ?? ''));
  } catch (error) {
    const why = error instanceof XmlError ? error.message : 'unreadable body';
    throw new NodeError('VENDOR', `${VENDOR} ${httpStatus} answered something that is not XML (${why})`, { status: httpStatus, vendor: 'panos' });
  }
  if (root.name !== 'response') {
    throw new NodeError('VENDOR', `${VENDOR} ${httpStatus} answered <${root.name}> instead of <response>`, { status: httpStatus, vendor: 'panos' });
  }
  return { status: root.attributes['status'] ?? '', code: root.attributes['code'], root };
}

/** The one-line text of an error response: `error 7 (Object not present): No such node`. */
export function panErrorText(response: PanResponse): string {
  const name = response.code === undefined ? undefined : CODES[response.code]?.name;
  const label = response.code === undefined ? 'error' : `error ${response.code}${name ? ` (${name})` : ''}`;
  const message = panMessage(response.root);
  return message === undefined ? label : `${label}: ${message}`;
}

/** `vendorError` for HTTP-level failures (403 Invalid Credential, 400): the message inside the XML body. */
export function panVendorError(_status: number, body: unknown): string | undefined {
  if (typeof body !== 'string' || !body.trimStart().startsWith('<')) return undefined;
  try {
    const root = parseXml(body);
    return root.name === 'response' ? panMessage(root) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One XML API call to `/api/`: reads as GET query parameters, writes as a POST form (no 2K limit).
 * A `status="error"` answer (HTTP 200 on PAN-OS) becomes a NodeError classed by its code (or, for
 * the code-less 'No such node', as NOT_FOUND).
 */
export async function panRequest(ctx: ConnectorContext, params: Record<string, string>, method: 'GET' | 'POST' = 'GET'): Promise<PanResponse> {
  const response =
    method === 'GET'
      ? await ctx.http.get<string>('/api/', { params, responseType: 'text' })
      : await ctx.http.post<string>('/api/', new URLSearchParams(params).toString(), {
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          responseType: 'text',
        });
  const parsed = parsePanResponse(response.data, response.status);
  if (parsed.status === 'success') return parsed;
  throw new NodeError(classifyPanError(parsed.code, panMessage(parsed.root)), redact(`${VENDOR} ${panErrorText(parsed)}`, [credentialsOf(ctx).apiKey]), {
    status: response.status,
    vendor: 'panos',
    details: { code: parsed.code },
  });
}

/** The XPath of the configured vsys: `/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']`. */
export function vsysXpath(credentials: Pick<PanosCredentials, 'deviceName' | 'vsys'>): string {
  return `/config/devices/entry[@name='${credentials.deviceName}']/vsys/entry[@name='${credentials.vsys}']`;
}

/** The bound credential as the SDK parsed it for this call (defaults applied). */
export function credentialsOf(ctx: ConnectorContext): PanosCredentials {
  return ctx.credential as PanosCredentials;
}
