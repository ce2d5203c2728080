import type * as z from 'zod';
import { mayCall, refusalOf } from '../team/people/roles.ts';
import { auditOf, refusedAuditOf } from './audit-of.ts';
import { methods, RequestFrame, type MethodName, type ResponseFrame } from './contract.ts';
import { handlers } from './handlers.ts';
import type { SignedIn } from '../team/people/sessions.ts';
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
 * Why a call may not be made, or undefined when it may: in team mode every call needs a signed-in
 * caller whose role reaches the method's (host/team/people/roles.ts); a desktop host refuses none.
 */
export function callRefusal(team: boolean, method: MethodName, caller: SignedIn | undefined): string | undefined {
  if (!team) return undefined;
  if (caller === undefined) return `${method} needs a signed-in person: sign in first`;
  return mayCall(caller.role, method) ? undefined : refusalOf(caller.role, method);
}

/**
 * Answers one incoming frame: parse the JSON, check the frame, find the method, parse its params
 * with the contract's schema, run the handler. Whatever goes wrong comes back as an error frame
 * with a code and one line; nothing a client sends can crash the host or see a stack trace.
 *
 * In team mode (`ctx.team`) a call the caller's role does not allow is refused FORBIDDEN before
 * its params are read (the refused attempt of an audited call is recorded too), and an audited call (audit-of.ts) is recorded in the audit trail after it
 * succeeded, in the caller's name. Recording after, not before, keeps the trail free of actions
 * that were then refused (a run that could not start, a publish of a broken playbook); should the
 * record itself fail, the action has happened but the answer is FAILED saying it is not in the
 * trail, and the server log gets the error: nothing un-audited passes as a plain success.
 */
export async function dispatch(text: string, ctx: HostContext, onInternalError?: InternalErrorSink, caller?: SignedIn): Promise<ResponseFrame> {
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
  const refused = callRefusal(ctx.team !== undefined, method, caller);
  if (refused !== undefined) {
    const attempt = ctx.team !== undefined && caller !== undefined ? refusedAuditOf(method, frame.data.params, refused) : undefined;
    if (attempt !== undefined) await ctx.team!.audit.record({ actor: caller!.name, ...attempt }).catch((err: unknown) => onInternalError?.(`${method} (audit trail)`, err));
    return failure(id, 'FORBIDDEN', refused);
  }
  const params = methods[method].params.safeParse(frame.data.params ?? {});
  if (!params.success) return failure(id, 'INVALID_PARAMS', issueLine(params.error.issues, 'params'));
  const handler = handlers[method] as (params: unknown, ctx: HostContext, caller?: SignedIn) => Promise<unknown>;
  let result: unknown;
  try {
    result = await handler(params.data, ctx, caller);
  } catch (err) {
    if (err instanceof HostError) return failure(id, err.code, oneLineMessage(err));
    onInternalError?.(method, err);
    return failure(id, 'FAILED', `${method} failed: ${oneLineMessage(err)}`);
  }
  const audited = ctx.team !== undefined && caller !== undefined ? auditOf(method, params.data as never, result as never) : undefined;
  if (audited !== undefined && ctx.team !== undefined && caller !== undefined) {
    try {
      await ctx.team.audit.record({ actor: caller.name, ...audited });
    } catch (err) {
      onInternalError?.(`${method} (audit trail)`, err);
      return failure(id, 'FAILED', `${method} was done but could not be recorded in the audit trail (${oneLineMessage(err)})`);
    }
  }
  return { id, result };
}
