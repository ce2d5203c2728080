import type { z } from 'zod';
import { methods, RequestFrame, type MethodName, type ResponseFrame } from './contract.ts';
import { handlers } from './handlers.ts';
import type { HostContext } from './host-context.ts';
import { HostError, oneLineMessage } from './host-error.ts';

/** Called with errors no handler meant to throw (bugs, disk failures), for the host's own log. */
export type InternalErrorSink = (method: string, err: unknown) => void;

/** `params.a.b` or `params` for an issue at the root: where a bad request went wrong. */
export function issueLine(issues: readonly z.core.$ZodIssue[], root: string): string {
  const issue = issues[0];
  if (issue === undefined) return `${root}: invalid`;
  const segments = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  const where = [root, ...segments.map(String)].join('.');
  const message = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  return `${where}: ${message}`;
}

function isMethod(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

function failure(id: number | null, code: HostError['code'], message: string): ResponseFrame {
  return { id, error: { code, message } };
}

/**
 * Answers one incoming frame: parse the JSON, check the frame, find the method, parse its params
 * with the contract's schema, run the handler. Whatever goes wrong comes back as an error frame
 * with a code and one line; nothing a client sends can crash the host or see a stack trace.
 */
export async function dispatch(text: string, ctx: HostContext, onInternalError?: InternalErrorSink): Promise<ResponseFrame> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return failure(null, 'BAD_FRAME', `the frame is not valid JSON (${oneLineMessage(err)})`);
  }
  const frame = RequestFrame.safeParse(data);
  if (!frame.success) {
    const id = (data as { id?: unknown } | null)?.id;
    return failure(typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null, 'BAD_FRAME', issueLine(frame.error.issues, 'frame'));
  }
  const { id, method } = frame.data;
  if (!isMethod(method)) return failure(id, 'UNKNOWN_METHOD', `unknown method ${JSON.stringify(method)}`);
  const params = methods[method].params.safeParse(frame.data.params ?? {});
  if (!params.success) return failure(id, 'INVALID_PARAMS', issueLine(params.error.issues, 'params'));
  const handler = handlers[method] as (params: unknown, ctx: HostContext) => Promise<unknown>;
  try {
    return { id, result: await handler(params.data, ctx) };
  } catch (err) {
    if (err instanceof HostError) return failure(id, err.code, oneLineMessage(err));
    onInternalError?.(method, err);
    return failure(id, 'FAILED', `${method} failed: ${oneLineMessage(err)}`);
  }
}
