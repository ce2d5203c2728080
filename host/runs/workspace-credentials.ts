import type { Playbook } from '../../engine/format/playbook.ts';
import { NodeError } from '../../engine/errors.ts';
import type { CredentialsPort, ResolvedCredential } from '../../engine/ports.ts';
import { unboundSlotProblems } from '../../engine/validate/unbound-slots.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import type { Lab } from '../lab/lab.ts';
import { secretsOfCredential, type CredentialKind } from '../vault/credential-kinds.ts';
import type { StoredCredential, Vault } from '../vault/vault.ts';

/** What a run's credentials come from: the playbook's bindings, the vault, and the lab when it runs. */
export interface CredentialSources {
  /** Slot → credential id, for the playbook being run. */
  bindings: Readonly<Record<string, string>>;
  /** The bindings of another workspace playbook, so a sub-playbook resolves its own slots, not the caller's. */
  bindingsOf?: (playbookId: string) => Readonly<Record<string, string>>;
  vault: Pick<Vault, 'get'>;
  kinds: ReadonlyMap<string, CredentialKind>;
  lab: Pick<Lab, 'credentials' | 'credentialsPort'> | undefined;
  /** Lab mode, chosen for this run: only then does an unbound slot resolve to the lab's credential. */
  labMode: boolean;
}

/**
 * The values a stored credential runs with. A lab credential is its stored values over the live
 * lab's (whose URLs change every start); without a running lab it refuses, rather than send lab
 * keys to the real vendor's default URL.
 */
export function effectiveValues(credential: StoredCredential, lab: CredentialSources['lab']): Record<string, unknown> {
  if (credential.lab !== true) return credential.values;
  const live = lab?.credentials[credential.connector];
  if (lab === undefined) {
    throw new NodeError('AUTH', `credential "${credential.name}" is a lab credential and the lab is not running (the host was started with --no-lab)`);
  }
  if (live === undefined) throw new NodeError('AUTH', `credential "${credential.name}": the lab has no twin for ${credential.connector}`);
  return { ...live, ...credential.values };
}

/** A credentials port whose every credential points at a lab twin, marked so, for the LAB badge of the nodes using it. */
export function labCredentials(port: CredentialsPort): CredentialsPort {
  return {
    async resolve(slot, connector) {
      const resolved = await port.resolve(slot, connector);
      return resolved === undefined ? undefined : { ...resolved, lab: true };
    },
  };
}

/**
 * The executor's CredentialsPort for one run: a bound slot resolves to its vault credential
 * (marked lab when it is a lab credential); an unbound slot to the lab's credential of that
 * connector in lab mode only, else to nothing. A sub-playbook gets the same over its own bindings.
 */
export function workspaceCredentials(sources: CredentialSources): CredentialsPort {
  const fromLab = sources.labMode && sources.lab !== undefined ? labCredentials(sources.lab.credentialsPort) : undefined;
  const { bindingsOf } = sources;
  return {
    ...(bindingsOf === undefined ? {} : { forPlaybook: (playbookId: string) => workspaceCredentials({ ...sources, bindings: bindingsOf(playbookId) }) }),
    async resolve(slot, connector): Promise<ResolvedCredential | undefined> {
      const id = sources.bindings[slot];
      if (id === undefined) return fromLab?.resolve(slot, connector);
      const credential = sources.vault.get(id);
      if (credential === undefined) throw new NodeError('AUTH', `credential slot "${slot}" is bound to credential ${id}, which no longer exists`);
      if (credential.connector !== connector) {
        throw new NodeError('AUTH', `credential slot "${slot}" needs a ${connector} credential; "${credential.name}" is a ${credential.connector} credential`);
      }
      const values = effectiveValues(credential, sources.lab);
      const resolved: ResolvedCredential = { values, secrets: secretsOfCredential(values, sources.kinds.get(connector)) };
      if (credential.lab === true) resolved.lab = true;
      return resolved;
    },
  };
}

/**
 * The slots of a playbook that will resolve in this run: bound to a stored credential, or, in lab
 * mode with the lab running, of a connector the lab has a twin for.
 */
export function resolvableSlots(playbook: Pick<Playbook, 'credentials'>, sources: CredentialSources): Set<string> {
  const bound = new Set<string>();
  for (const [slot, { connector }] of Object.entries(playbook.credentials)) {
    const id = sources.bindings[slot];
    if (id !== undefined ? sources.vault.get(id) !== undefined : sources.labMode && sources.lab?.credentials[connector] !== undefined) bound.add(slot);
  }
  return bound;
}

/** The refusal of a run whose nodes use unbound slots (none when every used slot resolves). */
export function workspaceSlotProblems(playbook: Pick<Playbook, 'credentials' | 'nodes'>, sources: CredentialSources, idle?: ReadonlySet<string>): Problem[] {
  return unboundSlotProblems(playbook, { bound: resolvableSlots(playbook, sources), lab: sources.labMode, ...(idle === undefined ? {} : { idle }) });
}

/**
 * The slots a credentials port resolves, asked of the port itself (a `--credentials` file, the
 * lab). A slot whose lookup throws counts as bound: its node reports that error when it runs.
 */
export async function portSlots(playbook: Pick<Playbook, 'credentials'>, port: CredentialsPort | undefined): Promise<Set<string>> {
  const bound = new Set<string>();
  if (port === undefined) return bound;
  for (const [slot, { connector }] of Object.entries(playbook.credentials)) {
    const resolved = await port.resolve(slot, connector).catch(() => true as const);
    if (resolved !== undefined) bound.add(slot);
  }
  return bound;
}

/**
 * Every secret a run could meet, known before it starts: the values of the credentials bound to
 * the playbook, and the lab's. The journal store redacts them as a second net behind the executor.
 */
export function knownSecrets(sources: CredentialSources): string[] {
  const secrets: string[] = [];
  for (const id of Object.values(sources.bindings)) {
    const credential = sources.vault.get(id);
    if (credential !== undefined) secrets.push(...secretsOfCredential(credential.values, sources.kinds.get(credential.connector)));
  }
  for (const [connector, values] of Object.entries(sources.lab?.credentials ?? {})) {
    secrets.push(...secretsOfCredential(values, sources.kinds.get(connector)));
  }
  return [...new Set(secrets)];
}
