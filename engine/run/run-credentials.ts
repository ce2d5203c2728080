import { NodeError } from '../errors.ts';
import { createRedactor } from '../journal/redact.ts';
import type { NodeTypeSpec } from '../node-type.ts';
import type { CredentialsPort } from '../ports.ts';
import type { EventPipeline } from './event-pipeline.ts';
import type { PlannedNode } from './plan.ts';

/**
 * A run's credentials: each slot resolved once per run, and every secret it holds registered with
 * the journal's redactor before any event can carry it.
 */
export class RunCredentials {
  private readonly secrets: string[] = [];
  private readonly cache = new Map<string, Promise<RunCredential>>();

  constructor(
    private readonly port: CredentialsPort | undefined,
    private readonly pipeline: EventPipeline,
  ) {}

  /** The credential of a node's slot; AUTH when the action needs one and none is bound. */
  forNode(node: PlannedNode, spec: NodeTypeSpec): Promise<RunCredential> {
    const slot = node.node.credential;
    if (!slot || !spec.credentials) {
      if (spec.credentials?.required) {
        return Promise.reject(new NodeError('AUTH', `node ${node.id} needs a ${spec.credentials.connector} credential and has none bound`));
      }
      return Promise.resolve(undefined);
    }
    let pending = this.cache.get(slot);
    if (!pending) {
      pending = this.resolve(slot, spec.credentials.connector);
      this.cache.set(slot, pending);
    }
    return pending;
  }

  private async resolve(slot: string, connector: string): Promise<RunCredential> {
    const resolved = await this.port?.resolve(slot, connector);
    if (!resolved) throw new NodeError('AUTH', `credential slot "${slot}" (${connector}) is not bound to a credential`);
    this.secrets.push(...resolved.secrets);
    const redactor = createRedactor(this.secrets);
    this.pipeline.redact = (event) => redactor(event);
    return { values: resolved.values, lab: resolved.lab === true };
  }
}

/** A node's credential for one run: its values, and whether they point at a lab twin. */
export type RunCredential = { values: Record<string, unknown>; lab: boolean } | undefined;
