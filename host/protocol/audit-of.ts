import type { MethodName, ParsedParamsOf, ResultOf } from './contract.ts';

/** What the audit trail keeps of one call, besides who made it. */
export interface AuditedCall {
  action: MethodName;
  target: string;
  detail?: Record<string, unknown>;
}

type Describe<M extends MethodName> = (params: ParsedParamsOf<M>, result: ResultOf<M>) => Omit<AuditedCall, 'action'>;

/**
 * The calls a team server records (DESIGN.md §11) and what of each: the id acted on and a few
 * plain facts. Never a credential's values, a playbook's text or a trigger's payload.
 */
const AUDITED: { [M in MethodName]?: Describe<M> } = {
  'runs.start': (p, r) => ({ target: r.runId, detail: { playbookId: p.playbookId, mode: p.mode, dryRun: p.dryRun, lab: p.lab, ...(p.from ? { from: p.from } : {}) } }),
  'runs.decide': (p, r) => ({ target: p.runId, detail: { nodeId: p.nodeId, decision: p.decision, ok: r.ok } }),
  'events.replay': (p, r) => ({ target: p.eventId, detail: { replay: r.event.id, playbookId: r.event.playbookId } }),
  'triggers.publish': (p, r) => ({ target: p.playbookId, detail: { ...r } }),
  'triggers.enable': (p, r) => ({ target: p.playbookId, detail: { ...r } }),
  'triggers.disable': (p, r) => ({ target: p.playbookId, detail: { ...r } }),
  'credentials.save': (p, r) => ({ target: r.credential.id, detail: { name: r.credential.name, connector: r.credential.connector, created: p.id === undefined } }),
  'credentials.delete': (p) => ({ target: p.id }),
  'settings.save': (p) => ({ target: 'settings', detail: { ...(p.labMode === undefined ? {} : { labMode: p.labMode }), ...(p.egress === undefined ? {} : { egress: egressDetail(p.egress.allow) }) } }),
  'playbooks.delete': (p) => ({ target: p.id }),
  'playbooks.import': (p, r) => ({ target: r.playbook?.id ?? p.fileName, detail: { fileName: p.fileName, ...(r.existingRevision === undefined ? {} : { existingRevision: r.existingRevision }) } }),
  'playbooks.bind': (p) => ({ target: p.playbookId, detail: { slot: p.slot, credentialId: p.credentialId } }),
};

/** Entries of an egress allow list kept in the trail; a longer list is kept as its first ones and its length (a row's detail is at most 16 KiB). */
const EGRESS_ENTRIES_KEPT = 40;

function egressDetail(allow: readonly string[]): { allow: string[]; count?: number } {
  return allow.length <= EGRESS_ENTRIES_KEPT ? { allow: [...allow] } : { allow: allow.slice(0, EGRESS_ENTRIES_KEPT), count: allow.length };
}

/** The audit record of a successful call, or undefined when the method is not audited (reads, edits of drafts). */
export function auditOf<M extends MethodName>(method: M, params: ParsedParamsOf<M>, result: ResultOf<M>): AuditedCall | undefined {
  const describe = AUDITED[method] as Describe<M> | undefined;
  return describe === undefined ? undefined : { action: method, ...describe(params, result) };
}

/** A value of a refused call's raw params that may name what it aimed at: a short string. */
function idLike(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
}

/**
 * The audit record of an audited call refused for the caller's role (an analyst answering an
 * approval, a viewer publishing): the attempt is what an auditor looks for. Its params were not
 * checked, so only short ids are taken from them.
 */
export function refusedAuditOf(method: MethodName, rawParams: unknown, why: string): AuditedCall | undefined {
  if (AUDITED[method] === undefined) return undefined;
  const p = typeof rawParams === 'object' && rawParams !== null ? (rawParams as Record<string, unknown>) : {};
  const target = idLike(p['runId']) ?? idLike(p['playbookId']) ?? idLike(p['eventId']) ?? idLike(p['id']) ?? '-';
  const nodeId = idLike(p['nodeId']);
  return { action: method, target, detail: { refused: why, ...(nodeId === undefined ? {} : { nodeId }) } };
}
