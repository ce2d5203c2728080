import type { CredentialsPort } from '../../engine/ports.ts';
import { readJsonFile } from './playbook-files.ts';

/** A credentials file: `{ "<slot>": { "<field>": value, ... } }`. */
export type CredentialsFile = Record<string, Record<string, unknown>>;

/** Which of a slot's values are secret, given the connector the slot is bound to. */
export type SecretsOf = (values: Record<string, unknown>, connectorId: string) => readonly string[];

/** Reads and checks a `--credentials` file; throws one-line messages naming the bad slot. */
export function readCredentialsFile(file: string): CredentialsFile {
  const data = readJsonFile(file, 'credentials file');
  return parseCredentials(data, file);
}

/** Checks the shape of credentials data: an object of slots, each an object of fields. */
export function parseCredentials(data: unknown, source = 'credentials'): CredentialsFile {
  if (!isRecord(data)) throw new Error(`${source}: must be a JSON object of slots, { "<slot>": { ...fields } }`);
  const slots: CredentialsFile = {};
  for (const [slot, fields] of Object.entries(data)) {
    if (!isRecord(fields)) throw new Error(`${source}: slot ${JSON.stringify(slot)} must be an object of fields`);
    slots[slot] = fields;
  }
  return slots;
}

/**
 * Serves the file's slots to the executor. Each slot's secrets are what `secretsOf` marks for its
 * connector; unknown connectors get every string value treated as secret, to err on the safe side.
 */
export function createFileCredentials(slots: CredentialsFile, secretsOf: SecretsOf): CredentialsPort {
  return {
    async resolve(slot, connector) {
      const values = slots[slot];
      if (values === undefined) return undefined;
      return { values, secrets: secretsOf(values, connector) };
    },
  };
}

/** All secret values of the slots a playbook declares, for redacting its journal up front. */
export function allSecrets(slots: CredentialsFile, manifest: Record<string, { connector: string }>, secretsOf: SecretsOf): string[] {
  const secrets: string[] = [];
  for (const [slot, { connector }] of Object.entries(manifest)) {
    const values = slots[slot];
    if (values !== undefined) secrets.push(...secretsOf(values, connector));
  }
  return secrets;
}

/** Every string value of a slot: the fallback when the connector's secret fields are unknown. */
export function stringValues(values: Record<string, unknown>): string[] {
  return Object.values(values).filter((v): v is string => typeof v === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
