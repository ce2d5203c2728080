import { NodeError } from '../../engine/errors.ts';
import type { NodeErrorCode } from '../../engine/errors.ts';
import { find, parseXml, textOf } from '../sdk/xml.ts';

/** Display name of the connector: every error message starts `AWS <status> <Code>: <message>`. */
export const AWS_VENDOR = 'AWS';

/**
 * Throttling codes, whatever the HTTP status (EC2 answers 503, JSON services 400): botocore's
 * `_THROTTLED_ERROR_CODES` (botocore/retries/standard.py) plus EC2's RequestLimitExceeded.
 */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** Credential and signature refusals: JSON 1.1 services send some of these with HTTP 400. */
const AUTH = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
  'AccessDenied',
  'ExpiredToken',
  'ExpiredTokenException',
  'OptInRequired',
]);

/** "No such resource" codes, which AWS sends with HTTP 400. */
const NOT_FOUND = new Set(['InvalidGroup.NotFound', 'InvalidPermission.NotFound', 'WAFNonexistentItemException', 'ResourceNotFoundException']);

/** The error class an AWS error code belongs to, when the HTTP status alone says otherwise. */
export function classOfAwsCode(code: string | undefined): NodeErrorCode | undefined {
  if (code === undefined) return undefined;
  if (THROTTLING.has(code)) return 'RATE_LIMITED';
  if (AUTH.has(code)) return 'AUTH';
  if (NOT_FOUND.has(code)) return 'NOT_FOUND';
  return undefined;
}

/** `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` (EC2 query API). */
function ec2Error(xml: string): { code?: string; message?: string } | undefined {
  try {
    const error = find(parseXml(xml), 'Errors/Error');
    if (error === undefined) return undefined;
    const code = textOf(find(error, 'Code'));
    const message = textOf(find(error, 'Message'));
    return { code: code || undefined, message: message || undefined };
  } catch {
    return undefined;
  }
}

/** `x-amzn-ErrorType: Code:http://internal.amazon.com/coral/…` and `__type: "namespace#Code"` both name the code. */
function bareCode(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.split(':')[0]?.split('#').pop()?.trim() || undefined;
}

function jsonError(body: unknown, headers: Record<string, string>): { code?: string; message?: string } | undefined {
  const record = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const code = bareCode(headers['x-amzn-errortype']) ?? bareCode(record['__type']) ?? bareCode(record['code']);
  const rawMessage = record['message'] ?? record['Message'];
  const message = typeof rawMessage === 'string' && rawMessage.trim() !== '' ? rawMessage : undefined;
  return code === undefined && message === undefined ? undefined : { code, message };
}

/**
 * The connector's `vendorError`: `Code: message` from EC2's XML error envelope or from a JSON
 * service's `{__type, message|Message}` body and `x-amzn-ErrorType` header (the header wins, as in
 * botocore's rest-json parser, since GuardDuty's body `__type` can be a narrower code).
 */
export function awsErrorMessage(_status: number, body: unknown, headers: Record<string, string>): string | undefined {
  const parsed = typeof body === 'string' && body.trimStart().startsWith('<') ? ec2Error(body) : jsonError(body, headers);
  if (parsed === undefined) return undefined;
  if (parsed.code === undefined) return parsed.message;
  return parsed.message === undefined ? parsed.code : `${parsed.code}: ${parsed.message}`;
}

const MESSAGE_CODE = new RegExp(`^${AWS_VENDOR} \\d{3} ([A-Za-z0-9_.]+)(?::|$)`);

/** The AWS error code of a mapped NodeError (`AWS 400 ThrottlingException: Rate exceeded` → ThrottlingException). */
export function awsErrorCode(error: NodeError): string | undefined {
  return MESSAGE_CODE.exec(error.message)?.[1];
}

/**
 * Gives an AWS failure the class its error code means, since the status can hide it: throttling is
 * EC2 503 RequestLimitExceeded or JSON 400 ThrottlingException, bad credentials can be a 400.
 * `defineConnector`'s `vendorError` only words the message, so run actions re-throw through this.
 */
export function reclassify(error: unknown): unknown {
  if (!(error instanceof NodeError)) return error;
  const wanted = classOfAwsCode(awsErrorCode(error));
  if (wanted === undefined || wanted === error.code) return error;
  return new NodeError(wanted, error.message, {
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    vendor: error.vendor,
    details: error.details,
  });
}
