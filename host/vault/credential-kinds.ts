import * as z from 'zod';
import type { NodeRegistry } from '../../engine/node-type.ts';
import type { Connector } from '../../nodes/sdk/define-connector.ts';
import { secretFieldsOf, secretValues } from '../../nodes/sdk/secrets.ts';
import type { CredentialView } from '../protocol/contract.ts';
import type { StoredCredential } from './vault.ts';

/** What a credential of one connector looks like: its schema and which fields are secret. */
export interface CredentialKind {
  connector: string;
  name: string;
  schema: z.ZodObject;
  secretFields: string[];
}

/**
 * Every kind of credential the app knows: each connector's own, plus shared ones that only node
 * types declare (core.http takes an `http` credential).
 */
export function credentialKinds(connectors: readonly Connector[], registry: NodeRegistry): Map<string, CredentialKind> {
  const kinds = new Map<string, CredentialKind>();
  for (const connector of connectors) {
    if (connector.credentials === undefined) continue;
    kinds.set(connector.id, { connector: connector.id, name: connector.name, schema: connector.credentials, secretFields: connector.secretFields });
  }
  for (const spec of registry.values()) {
    const declared = spec.credentials;
    if (declared?.schema === undefined || kinds.has(declared.connector) || !(declared.schema instanceof z.ZodObject)) continue;
    kinds.set(declared.connector, {
      connector: declared.connector,
      name: declared.connector.toUpperCase(),
      schema: declared.schema,
      secretFields: secretFieldsOf(declared.schema),
    });
  }
  return kinds;
}

/**
 * The secret fields of a stored credential. A connector the app no longer knows gets every field
 * treated as secret, to err on the side of never showing one.
 */
export function secretFieldsFor(credential: Pick<StoredCredential, 'values'>, kind: CredentialKind | undefined): string[] {
  return kind === undefined ? Object.keys(credential.values) : kind.secretFields;
}

/** The secret values of a credential, for redaction; every string when its kind is unknown. */
export function secretsOfCredential(values: Record<string, unknown>, kind: CredentialKind | undefined): string[] {
  if (kind !== undefined) return secretValues(values, kind);
  return Object.values(values).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** A credential as a client may see it: non-secret values, and for each secret only whether it is set. */
export function credentialView(credential: StoredCredential, kind: CredentialKind | undefined): CredentialView {
  const secretFields = secretFieldsFor(credential, kind);
  const secret = new Set(secretFields);
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(credential.values)) {
    if (!secret.has(field)) fields[field] = value;
  }
  for (const field of secretFields) {
    const value = credential.values[field];
    fields[field] = { set: value !== undefined && value !== null && value !== '' };
  }
  const view: CredentialView = { id: credential.id, name: credential.name, connector: credential.connector, fields, secretFields, updatedAt: credential.updatedAt };
  if (credential.lab === true) view.lab = true;
  return view;
}

/**
 * The values to store after an edit. Secret fields are write-only: left out (or undefined) they
 * keep the stored value, `null` clears them. Other fields are taken as sent (`null` drops one).
 */
export function mergeCredentialValues(
  previous: Record<string, unknown> | undefined,
  incoming: Record<string, unknown>,
  secretFields: readonly string[],
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(incoming)) {
    if (value !== undefined && value !== null) merged[field] = value;
  }
  for (const field of secretFields) {
    if (incoming[field] === undefined && previous?.[field] !== undefined) merged[field] = previous[field];
  }
  return merged;
}

/**
 * Checks values against the connector's credential schema (over `base`, the lab's values for a
 * lab credential); one line naming the field, or undefined when they are fine.
 */
export function credentialProblem(kind: CredentialKind, values: Record<string, unknown>, base: Record<string, unknown> = {}): string | undefined {
  const known = Object.keys(kind.schema.shape);
  const unknown = Object.keys(values).find((field) => !known.includes(field));
  if (unknown !== undefined) return `values.${unknown}: not a field of the ${kind.name} credential (fields: ${known.join(', ')})`;
  const parsed = kind.schema.safeParse({ ...base, ...values });
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'values' : `values.${issue.path.map(String).join('.')}`;
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/** The fields of a credential kind that decide where its secret is sent: URL fields (`…Url`) and `allowedHosts`. */
export function hostFieldsOf(kind: Pick<CredentialKind, 'schema'>): string[] {
  return Object.keys(kind.schema.shape).filter((field) => /url$/i.test(field) || field === 'allowedHosts');
}

/**
 * Refuses an edit that re-points a stored secret: a URL or host field changes (or goes) while a
 * secret already stored is not entered again, so nobody can send a stored token to a listener of
 * their choosing by editing only its URL. One line naming the field; undefined when the edit is fine.
 */
export function repointProblem(previous: Pick<StoredCredential, 'name' | 'values'> | undefined, incoming: Record<string, unknown>, kind: CredentialKind): string | undefined {
  if (previous === undefined) return undefined;
  const changed = hostFieldsOf(kind).find((field) => JSON.stringify(previous.values[field] ?? null) !== JSON.stringify(incoming[field] ?? null));
  if (changed === undefined) return undefined;
  const stored = kind.secretFields.filter((field) => previous.values[field] !== undefined && previous.values[field] !== null && previous.values[field] !== '');
  const missing = stored.filter((field) => incoming[field] === undefined);
  if (missing.length === 0) return undefined;
  return `values.${changed}: changing where credential "${previous.name}" is sent needs its secret again (enter ${missing.map((field) => `values.${field}`).join(', ')})`;
}
