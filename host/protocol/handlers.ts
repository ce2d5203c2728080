import { randomBytes } from 'node:crypto';
import { MIN_SECRET_LENGTH } from '../../engine/journal/redact.ts';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import { labCredentialsFor } from '../lab/lab.ts';
import { labVendors } from '../lab/vendors.ts';
import type { Schedule } from '../triggers/schedules/plan.ts';
import { describeSchedule, nextFires, parseSchedule } from '../triggers/schedules/plan.ts';
import { HEALTH_NEXT_FIRES } from '../triggers/schedules/schedule-source.ts';
import { credentialProblem, credentialView, mergeCredentialValues, repointProblem, secretsOfCredential } from '../vault/credential-kinds.ts';
import type { StoredCredential } from '../vault/vault.ts';
import { playbookFileName, uniqueSlug } from '../workspace/playbook-text.ts';
import { egressProblem, readWorkspaceSettings, saveWorkspaceSettings } from '../workspace/settings.ts';
import type { WorkspacePlaybook } from '../workspace/workspace.ts';
import type { MethodName, ParsedParamsOf, PlaybookSummary, ResultOf, SlotBinding } from './contract.ts';
import type { SignedIn } from '../team/people/sessions.ts';
import type { HostContext } from './host-context.ts';
import { HostError, oneLineMessage } from './host-error.ts';
import { latestRunPerPlaybook } from '../runs/latest-runs.ts';
import { webhookPathProblems } from '../triggers/webhooks/path-conflicts.ts';
import { mayCall } from '../team/people/roles.ts';

/** One handler per method of the contract: a method without one fails `tsc` here. `caller` is the signed-in person in team mode. */
export type Handlers = { [M in MethodName]: (params: ParsedParamsOf<M>, ctx: HostContext, caller?: SignedIn) => Promise<ResultOf<M>> };

/** What `host.info` says of the caller: name, role and what the role lets the editor offer (the renderer cannot read roles.ts). */
export function userInfo(caller: SignedIn): NonNullable<ResultOf<'host.info'>['user']> {
  const { name, role } = caller;
  return {
    name,
    role,
    may: { edit: mayCall(role, 'playbooks.save'), run: mayCall(role, 'runs.start'), decide: mayCall(role, 'runs.decide'), admin: mayCall(role, 'credentials.save') },
  };
}

/** The slots of a playbook and what each is bound to (null when unbound or the credential is gone). */
export function slotsOf(playbook: Pick<Playbook, 'credentials'>, ctx: Pick<HostContext, 'vault'>, bindings: Readonly<Record<string, string>>): SlotBinding[] {
  return Object.entries(playbook.credentials).map(([slot, { connector }]) => {
    const bound = bindings[slot];
    return { slot, connector, credentialId: bound !== undefined && ctx.vault.get(bound) !== undefined ? bound : null };
  });
}

/** The list entry of a workspace playbook; a file too broken to load still shows, by its id. */
export function summaryOf(loaded: WorkspacePlaybook, ctx: Pick<HostContext, 'vault' | 'workspace'>): PlaybookSummary {
  const errorCount = loaded.problems.filter((p) => p.severity === 'error').length;
  const { playbook } = loaded;
  if (playbook === undefined) {
    return { id: loaded.id, name: loaded.id, description: '', revision: loaded.revision, tags: [], nodeCount: 0, updatedAt: loaded.updatedAt, slots: [], errorCount };
  }
  return {
    id: loaded.id,
    name: playbook.name,
    description: playbook.description,
    revision: playbook.revision,
    tags: playbook.tags,
    nodeCount: playbook.nodes.length,
    updatedAt: loaded.updatedAt,
    slots: slotsOf(playbook, ctx, ctx.workspace.bindings(loaded.id)),
    errorCount,
  };
}

/** A playbook that loaded; INVALID_PLAYBOOK naming the first problem when its schema does not hold. */
function loadedPlaybook(loaded: WorkspacePlaybook): Playbook {
  if (loaded.playbook !== undefined) return loaded.playbook;
  const first = loaded.problems.find((p) => p.severity === 'error');
  throw new HostError('INVALID_PLAYBOOK', `playbook ${loaded.id} cannot be opened: ${first?.message ?? 'unreadable'}`);
}

/**
 * Refuses to export a file holding the value of a stored secret (pasted into a param instead of
 * a credential slot), naming the credential, never the value.
 */
export function checkNoSecrets(text: string, credentials: readonly StoredCredential[], ctx: Pick<HostContext, 'kinds'>, id: string): void {
  for (const credential of credentials) {
    const leaked = secretsOfCredential(credential.values, ctx.kinds.get(credential.connector)).some((secret) => secret.length >= MIN_SECRET_LENGTH && text.includes(secret));
    if (leaked) {
      throw new HostError('INVALID_PLAYBOOK', `playbook ${id} contains the secret of credential "${credential.name}"; use a credential slot instead before sharing it`);
    }
  }
}

/** The values a lab credential is checked over: the live lab's, or placeholders when the lab is off. */
function labBase(credential: Pick<StoredCredential, 'connector' | 'lab'> | undefined, ctx: Pick<HostContext, 'lab'>): Record<string, unknown> {
  if (credential?.lab !== true) return {};
  const live = ctx.lab?.credentials[credential.connector];
  if (live !== undefined) return live;
  const vendor = labVendors.find((v) => v.connector.id === credential.connector);
  return vendor === undefined ? {} : labCredentialsFor(vendor, 'http://127.0.0.1:9');
}

export const handlers: Handlers = {
  'host.info': async (_params, ctx, caller) => ({
    version: ctx.version,
    workspace: ctx.workspace.dir,
    vault: { protection: ctx.vault.keyProvider.protection ?? ctx.vault.keyProvider.kind, detail: ctx.vault.keyProvider.detail },
    lab: { running: ctx.lab !== undefined, twins: (ctx.lab?.twins ?? []).map(({ id, name, url }) => ({ id, name, url })) },
    ...(caller === undefined ? {} : { user: userInfo(caller) }),
  }),

  'catalogue.list': async (_params, ctx) => ({ connectors: ctx.catalogue }),

  'playbooks.list': async (_params, ctx) => ({ playbooks: (await ctx.workspace.listPlaybooks()).map((loaded) => summaryOf(loaded, ctx)) }),

  'playbooks.get': async ({ id }, ctx) => {
    const loaded = await ctx.workspace.readPlaybook(id);
    const playbook = loadedPlaybook(loaded);
    return { playbook, problems: [...loaded.problems, ...webhookPathProblems(playbook, ctx.triggers.live())], slots: slotsOf(playbook, ctx, ctx.workspace.bindings(id)) };
  },

  'playbooks.create': async ({ name }, ctx) => {
    const playbook = await ctx.workspace.createPlaybook(name);
    ctx.emit('playbooks.changed', { id: playbook.id });
    return { playbook };
  },

  'playbooks.save': async ({ playbook, expectedRevision }, ctx) => {
    const saved = await ctx.workspace.savePlaybook(playbook, expectedRevision);
    await ctx.triggers.playbookChanged(saved.playbook.id, false);
    ctx.emit('playbooks.changed', { id: saved.playbook.id });
    return saved;
  },

  'playbooks.rename': async ({ id, name }, ctx) => {
    const playbook = await ctx.workspace.renamePlaybook(id, name);
    ctx.emit('playbooks.changed', { id });
    return { playbook };
  },

  'playbooks.duplicate': async ({ id, name }, ctx) => {
    const playbook = await ctx.workspace.duplicatePlaybook(id, name);
    ctx.emit('playbooks.changed', { id: playbook.id });
    return { playbook };
  },

  'playbooks.delete': async ({ id }, ctx) => {
    await ctx.workspace.deletePlaybook(id);
    await ctx.triggers.playbookChanged(id, true);
    ctx.emit('playbooks.changed', { id });
    return { deleted: true };
  },

  'playbooks.validate': async ({ playbook }, ctx) => {
    const checked = ctx.workspace.checkPlaybook(playbook);
    return { problems: checked.playbook === undefined ? checked.problems : [...checked.problems, ...webhookPathProblems(checked.playbook, ctx.triggers.live())] };
  },

  'playbooks.import': async ({ text }, ctx) => {
    const { playbook, problems } = loadPlaybook(text, ctx.registry);
    if (playbook === undefined) return { problems, slots: [] };
    const existing = await ctx.workspace.readPlaybook(playbook.id).catch(() => undefined);
    const bindings = existing === undefined ? {} : ctx.workspace.bindings(playbook.id);
    const result: ResultOf<'playbooks.import'> = { playbook, problems, slots: slotsOf(playbook, ctx, bindings) };
    if (existing !== undefined) result.existingRevision = existing.revision;
    return result;
  },

  'playbooks.export': async ({ id }, ctx) => {
    const text = await ctx.workspace.readPlaybookText(id);
    checkNoSecrets(text, ctx.vault.list(), ctx, id);
    return { fileName: playbookFileName(id), text };
  },

  'playbooks.bind': async ({ playbookId, slot, credentialId }, ctx) => {
    const playbook = loadedPlaybook(await ctx.workspace.readPlaybook(playbookId));
    const declared = playbook.credentials[slot];
    if (declared === undefined) throw new HostError('INVALID_PARAMS', `slot: playbook ${playbookId} has no credential slot ${slot}`);
    if (credentialId !== null) {
      const credential = ctx.vault.get(credentialId);
      if (credential === undefined) throw new HostError('NOT_FOUND', `credentialId: no credential ${credentialId}`);
      if (credential.connector !== declared.connector) {
        throw new HostError('INVALID_PARAMS', `credentialId: slot ${slot} needs a ${declared.connector} credential; "${credential.name}" is ${credential.connector}`);
      }
    }
    await ctx.workspace.bind(playbookId, slot, credentialId);
    ctx.emit('playbooks.changed', { id: playbookId });
    return { slots: slotsOf(playbook, ctx, ctx.workspace.bindings(playbookId)) };
  },

  'credentials.list': async (_params, ctx) => ({
    credentials: ctx.vault
      .list()
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .map((credential) => credentialView(credential, ctx.kinds.get(credential.connector))),
  }),

  'credentials.save': async ({ id, name, connector, values }, ctx) => {
    const kind = ctx.kinds.get(connector);
    if (kind === undefined) throw new HostError('INVALID_PARAMS', `connector: ${connector} takes no credentials (known: ${[...ctx.kinds.keys()].join(', ')})`);
    const previous = id === undefined ? undefined : ctx.vault.get(id);
    if (id !== undefined && previous === undefined) throw new HostError('NOT_FOUND', `id: no credential ${id}`);
    if (previous !== undefined && previous.connector !== connector) {
      throw new HostError('INVALID_PARAMS', `connector: credential ${previous.id} is a ${previous.connector} credential; it cannot become ${connector}`);
    }
    const repointed = repointProblem(previous, values, kind);
    if (repointed !== undefined) throw new HostError('INVALID_PARAMS', repointed);
    const merged = mergeCredentialValues(previous?.values, values, kind.secretFields);
    const problem = credentialProblem(kind, merged, labBase(previous, ctx));
    if (problem !== undefined) throw new HostError('INVALID_PARAMS', problem);
    const taken = new Set(ctx.vault.list().map((c) => c.id));
    const credential: StoredCredential = {
      id: previous?.id ?? uniqueSlug(name, (candidate) => taken.has(candidate), `${connector}-${randomBytes(3).toString('hex')}`),
      name,
      connector,
      updatedAt: Date.now(),
      values: merged,
    };
    if (previous?.lab === true) credential.lab = true;
    await ctx.vault.put(credential);
    ctx.emit('credentials.changed', {});
    return { credential: credentialView(credential, kind) };
  },

  'credentials.delete': async ({ id }, ctx) => {
    if (!(await ctx.vault.remove(id))) throw new HostError('NOT_FOUND', `id: no credential ${id}`);
    await ctx.workspace.unbindCredential(id);
    ctx.emit('credentials.changed', {});
    ctx.emit('playbooks.changed', {});
    return { deleted: true };
  },

  'settings.get': async (_params, ctx) => ({ settings: await readWorkspaceSettings(ctx.workspace.dir) }),
  'settings.save': async ({ labMode, egress, displayName }, ctx) => {
    const problem = egressProblem(egress);
    if (problem !== undefined) throw new HostError('INVALID_PARAMS', problem);
    const patch = { ...(labMode === undefined ? {} : { labMode }), ...(egress === undefined ? {} : { egress }), ...(displayName === undefined ? {} : { displayName }) };
    return { settings: await saveWorkspaceSettings(ctx.workspace.dir, patch) };
  },

  'lab.reset': async (_params, ctx) => {
    if (ctx.lab === undefined) throw new HostError('NOT_FOUND', 'no lab runs in this host, so there is none to reset');
    ctx.lab.reset();
    return { twins: ctx.lab.twins.length };
  },

  'runs.start': async (params, ctx) => ctx.runs.start(params),
  'runs.control': async (params, ctx) => ctx.runs.control(params),
  'runs.decide': async (params, ctx, caller) => ctx.runs.decide(params, caller?.name),
  'runs.list': async ({ playbookId }, ctx) => ({ runs: await ctx.runs.list(playbookId) }),
  'runs.latest': async (_params, ctx) => ({ runs: latestRunPerPlaybook(await ctx.runs.list()) }),
  'runs.get': async ({ runId }, ctx) => ctx.runs.get(runId),
  'runs.active': async ({ playbookId }, ctx) => ({ runs: ctx.runs.active(playbookId) }),

  'triggers.schedulePreview': async ({ params, count }) => {
    let schedule: Schedule;
    try {
      schedule = parseSchedule(params);
    } catch (error) {
      throw new HostError('INVALID_PARAMS', oneLineMessage(error));
    }
    return { describe: describeSchedule(schedule), nextFires: nextFires(schedule, Date.now(), count ?? HEALTH_NEXT_FIRES) };
  },

  'triggers.enable': async ({ playbookId }, ctx) => ctx.triggers.enable(playbookId),
  'triggers.disable': async ({ playbookId }, ctx) => ctx.triggers.disable(playbookId),
  'triggers.publish': async ({ playbookId }, ctx) => ctx.triggers.publish(playbookId),
  'triggers.list': async (_params, ctx) => ({ playbooks: await ctx.triggers.list() }),
  'events.list': async ({ filter }, ctx) => ({ events: await ctx.triggers.events(filter) }),
  'events.get': async ({ eventId }, ctx) => ({ event: await ctx.triggers.event(eventId) }),
  'events.replay': async ({ eventId }, ctx) => ({ event: await ctx.triggers.replay(eventId) }),
};
