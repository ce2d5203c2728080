import { NodeError } from '../../../engine/errors.ts';
import type { NodeContext, NodeRegistry } from '../../../engine/node-type.ts';
import type { Clock } from '../../../engine/ports.ts';
import { systemClock } from '../../../engine/ports.ts';
import type { Lab } from '../../lab/lab.ts';
import { redact } from '../../../nodes/sdk/http-errors.ts';
import { builtinPollSpecs } from '../../../nodes/pollers.ts';
import type { PollSpec } from '../../../nodes/sdk/poll-trigger.ts';
import { runEgressPolicy } from '../../runs/egress-policy.ts';
import { workspaceCredentials } from '../../runs/workspace-credentials.ts';
import type { CredentialKind } from '../../vault/credential-kinds.ts';
import type { Vault } from '../../vault/vault.ts';
import { readWorkspaceSettings } from '../../workspace/settings.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import type { EventInbox, TriggerSource } from '../contract.ts';
import { createPollSource, type PollExecutor } from './poll-source.ts';

/** What a host's poller reaches: the workspace, its vault and settings, the node types, the lab. */
export interface HostPollerDeps {
  inbox: EventInbox;
  workspace: Workspace;
  vault: Pick<Vault, 'get'>;
  kinds: ReadonlyMap<string, CredentialKind>;
  registry: NodeRegistry;
  lab: Lab | undefined;
  /** The host's own listening ports, read at each poll: never reachable from a poll, as from a run. */
  ownPorts: ReadonlySet<number>;
  log: (line: string) => void;
  /** The clock polls are timed by; default the system clock. */
  clock?: Clock;
  /** The clock the actions wait on (a search job's status polls, Retry-After); default the system clock. */
  requestClock?: Clock;
  specs?: readonly PollSpec<never>[];
}

/**
 * Runs a poll's connector action as a run's node would run it: the credential of the trigger
 * node's slot from the vault (an unbound slot takes the lab's credential only in lab mode; a
 * trigger whose credential is optional, the generic HTTP poll, runs with none), the
 * workspace's egress policy (twins only in lab mode, or through a bound lab credential), and the
 * SDK's vendor error messages, with the credential's secrets redacted from any message.
 */
function hostPollExecutor(deps: Omit<HostPollerDeps, 'inbox' | 'log' | 'specs' | 'clock'>): PollExecutor {
  const clock = deps.requestClock ?? systemClock;
  return async (trigger, action, input, signal) => {
    const spec = deps.registry.get(action);
    const binding = deps.registry.get(trigger.type)?.credentials;
    const connector = binding?.connector;
    if (spec === undefined || connector === undefined) throw new NodeError('INVALID_INPUT', `${trigger.type}: its action ${action} is not installed`);
    const settings = await readWorkspaceSettings(deps.workspace.dir);
    const labMode = settings.labMode && deps.lab !== undefined;
    const credentials = workspaceCredentials({ bindings: deps.workspace.bindings(trigger.playbookId), vault: deps.vault, kinds: deps.kinds, lab: deps.lab, labMode });
    const resolved = await credentials.resolve(trigger.credential ?? '', connector);
    if (resolved === undefined && binding?.required !== false) {
      const slot = trigger.credential === undefined ? 'no credential slot' : `credential slot "${trigger.credential}" is not bound`;
      throw new NodeError('AUTH', `${trigger.triggerNodeId}: ${slot} (a ${connector} credential), and lab mode is off`);
    }
    const ctx: NodeContext = {
      runId: `poll-${trigger.playbookId}`,
      nodeId: trigger.triggerNodeId,
      attempt: 1,
      dryRun: false,
      signal,
      cancellation: signal,
      clock,
      credentials: resolved?.values,
      egress: runEgressPolicy({ allow: settings.egress?.allow ?? [], twins: deps.lab?.twins ?? [], labMode, ownPorts: [...deps.ownPorts] }),
      idempotencyKey: `poll:${trigger.playbookId}:${trigger.triggerNodeId}`,
      trigger: undefined,
      log: () => undefined,
      evaluate: () => Promise.reject(new Error('a poll evaluates no expression')),
      requestDecision: () => Promise.reject(new Error('a poll asks no decision')),
      runPlaybook: () => Promise.reject(new Error('a poll runs no playbook')),
    };
    try {
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) throw new NodeError('INVALID_INPUT', `${action}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return await spec.run(ctx, parsed.data);
    } catch (error) {
      if (error instanceof Error) error.message = redact(error.message, resolved?.secrets ?? []);
      throw error;
    }
  };
}

/** The host's polling trigger source (Splunk notables, Elastic alerts, Graph mailbox messages, generic HTTP). */
export function createHostPollSource(deps: HostPollerDeps): TriggerSource {
  return createPollSource({
    inbox: deps.inbox,
    specs: deps.specs ?? builtinPollSpecs,
    execute: hostPollExecutor(deps),
    log: deps.log,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}
