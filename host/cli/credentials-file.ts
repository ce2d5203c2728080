import type { CredentialsPort } from '../../engine/ports.ts';
import { isRecord, looksLikeLabInfo, parseLabInfo } from './lab-info.ts';
import { readJsonFile } from './playbook-files.ts';

/**
 * A `--credentials` file: either slot-keyed, `{ "<slot>": { "<field>": value, ... } }`, or what
 * `switchboard lab --json` prints, `{ twins, credentials: { "<connector>": { ... } } }`, where each
 * slot takes the values of its connector (the playbook's manifest says which).
 */
export interface CredentialsFile {
  keyedBy: 'slot' | 'connector';
  entries: Record<string, Record<string, unknown>>;
}

/** Which of a slot's values are secret, given the connector the slot is bound to. */
export type SecretsOf = (values: Record<string, unknown>, connectorId: string) => readonly string[];

/** Reads and checks a `--credentials` file; throws one-line messages naming the bad slot or field. */
export function readCredentialsFile(file: string): CredentialsFile {
  const data = readJsonFile(file, 'credentials file');
  return parseCredentials(data, file);
}

/** Checks the shape of credentials data: a lab printout, else an object of slots, each an object of fields. */
export function parseCredentials(data: unknown, source = 'credentials'): CredentialsFile {
  if (looksLikeLabInfo(data)) return { keyedBy: 'connector', entries: parseLabInfo(data, source).credentials };
  if (!isRecord(data)) throw new Error(`${source}: must be a JSON object of slots, { "<slot>": { ...fields } }, or what switchboard lab --json prints`);
  const slots: Record<string, Record<string, unknown>> = {};
  for (const [slot, fields] of Object.entries(data)) {
    if (!isRecord(fields)) throw new Error(`${source}: slot ${JSON.stringify(slot)} must be an object of fields`);
    slots[slot] = fields;
  }
  return { keyedBy: 'slot', entries: slots };
}

/** The values the file gives a slot: by the slot's name, or, from a lab printout, by its connector. */
export function valuesFor(file: CredentialsFile, slot: string, connector: string): Record<string, unknown> | undefined {
  const key = file.keyedBy === 'slot' ? slot : connector;
  return Object.hasOwn(file.entries, key) ? file.entries[key] : undefined;
}

/**
 * Serves the file's values to the executor. Each slot's secrets are what `secretsOf` marks for its
 * connector; values from a lab printout are marked lab, so the nodes using them carry the LAB badge.
 */
export function createFileCredentials(file: CredentialsFile, secretsOf: SecretsOf): CredentialsPort {
  return {
    async resolve(slot, connector) {
      const values = valuesFor(file, slot, connector);
      if (values === undefined) return undefined;
      const secrets = secretsOf(values, connector);
      return file.keyedBy === 'connector' ? { values, secrets, lab: true } : { values, secrets };
    },
  };
}

/** All secret values of the slots a playbook declares, for redacting its journal up front. */
export function allSecrets(file: CredentialsFile, manifest: Record<string, { connector: string }>, secretsOf: SecretsOf): string[] {
  const secrets: string[] = [];
  for (const [slot, { connector }] of Object.entries(manifest)) {
    const values = valuesFor(file, slot, connector);
    if (values !== undefined) secrets.push(...secretsOf(values, connector));
  }
  return secrets;
}

/** Every string value of a slot: the fallback when the connector's secret fields are unknown. */
export function stringValues(values: Record<string, unknown>): string[] {
  return Object.values(values).filter((v): v is string => typeof v === 'string');
}
