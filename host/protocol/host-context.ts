import type { NodeRegistry } from '../../engine/node-type.ts';
import type { Lab } from '../lab/lab.ts';
import type { CatalogueEntry } from './catalogue.ts';
import type { RunManager } from '../runs/run-manager.ts';
import type { TriggerService } from '../triggers/trigger-service.ts';
import type { CredentialKind } from '../vault/credential-kinds.ts';
import type { Vault } from '../vault/vault.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { AuditEntry } from '../team/people/audit.ts';
import type { People } from '../team/people/sessions.ts';
import type { EventName, EventPayload } from './contract.ts';

/** What a host in team mode has beyond a desktop one (DESIGN.md §11): its people and its audit trail. */
export interface TeamContext {
  people: People;
  /** Appends one entry (the real trail answers with its row, which the protocol does not need). */
  audit: { record(entry: AuditEntry): Promise<unknown> };
}

/** Everything a handler may touch: the host's services, whatever the transport. */
export interface HostContext {
  version: string;
  workspace: Workspace;
  vault: Vault;
  kinds: ReadonlyMap<string, CredentialKind>;
  registry: NodeRegistry;
  catalogue: CatalogueEntry[];
  runs: RunManager;
  /** Publish/enable, the event inbox and its live triggers (DESIGN.md §10). */
  triggers: TriggerService;
  lab: Lab | undefined;
  /** Set in team mode only: every call then needs a signed-in caller whose role allows it, and audited calls are recorded. */
  team?: TeamContext;
  /** Pushes an event to every connected client. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
