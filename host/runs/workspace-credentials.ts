import { NodeError } from '../../engine/errors.ts';
import type { CredentialsPort, ResolvedCredential } from '../../engine/ports.ts';
import type { Lab } from '../../lab/lab.ts';
import { secretsOfCredential, type CredentialKind } from '../vault/credential-kinds.ts';
import type { StoredCredential, Vault } from '../vault/vault.ts';

/** What a run's credentials come from: the playbook's bindings, the vault, and the lab when it runs. */
export interface CredentialSources {
  /** Slot → credential id, for the playbook being run. */
  bindings: Readonly<Record<string, string>>;
  vault: Pick<Vault, 'get'>;
  kinds: ReadonlyMap<string, CredentialKind>;
  lab: Pick<Lab, 'credentials' | 'credentialsPort'> | undefined;
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

/**
 * The executor's CredentialsPort for one run: a bound slot resolves to its vault credential; an
 * unbound slot to the lab's credential of that connector while the lab runs, else to nothing.
 */
export function workspaceCredentials(sources: CredentialSources): CredentialsPort {
  return {
    async resolve(slot, connector): Promise<ResolvedCredential | undefined> {
      const id = sources.bindings[slot];
      if (id === undefined) return sources.lab?.credentialsPort.resolve(slot, connector);
      const credential = sources.vault.get(id);
      if (credential === undefined) throw new NodeError('AUTH', `credential slot "${slot}" is bound to credential ${id}, which no longer exists`);
      if (credential.connector !== connector) {
        throw new NodeError('AUTH', `credential slot "${slot}" needs a ${connector} credential; "${credential.name}" is a ${credential.connector} credential`);
      }
      const values = effectiveValues(credential, sources.lab);
      return { values, secrets: secretsOfCredential(values, sources.kinds.get(connector)) };
    },
  };
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
