import type * as z from 'zod';
import type { CredentialsPort } from '../../engine/ports.ts';
import type { Connector } from '../../nodes/sdk/define-connector.ts';
import { secretValues } from '../../nodes/sdk/secrets.ts';
import { startTwins, type RunningTwins } from '../../lab/lab.ts';
import type { TwinDefinition } from '../../lab/twin.ts';

/** One vendor of the lab: its connector, its twin and the credential values the twin accepts. */
export interface LabVendor {
  connector: Connector;
  twin: TwinDefinition<unknown>;
  credentials: Record<string, unknown>;
}

/** The running twins, with the credentials that reach them. */
export interface Lab extends RunningTwins {
  /** Credential values per connector id, URLs pointing at the twins. */
  credentials: Record<string, Record<string, unknown>>;
  /** A credentials port that binds every slot to the lab credential of its connector. */
  credentialsPort: CredentialsPort;
}

/** Default value of a credential field (e.g. the vendor's real base URL), if it has one. */
function defaultOf(schema: z.ZodObject, field: string): unknown {
  const shape = schema.shape[field] as z.ZodType | undefined;
  const parsed = shape?.safeParse(undefined);
  return parsed?.success ? parsed.data : undefined;
}

/**
 * Points a connector's URL fields at its twin, keeping each default URL's path: VirusTotal's
 * `https://www.virustotal.com/api/v3` becomes `http://127.0.0.1:<port>/api/v3`.
 */
export function labCredentialsFor(vendor: LabVendor, twinUrl: string): Record<string, unknown> {
  const values: Record<string, unknown> = { ...vendor.credentials };
  const schema = vendor.connector.credentials;
  if (!schema) return values;
  for (const field of Object.keys(schema.shape)) {
    if (!/url$/i.test(field) || values[field] !== undefined) continue;
    const fallback = defaultOf(schema, field);
    const path = typeof fallback === 'string' && /^https?:\/\//.test(fallback) ? new URL(fallback).pathname.replace(/\/$/, '') : '';
    values[field] = `${twinUrl}${path}`;
  }
  return values;
}

/**
 * What a run needs of a lab: where its twins listen (the egress policy lets lab runs reach exactly
 * those) and their credentials. A worker of a team server gets it from the server's printout.
 */
export type LabAccess = Pick<Lab, 'credentials' | 'credentialsPort'> & { twins: readonly { url: string }[] };

/** The credentials port that binds every slot to the lab credential of its connector. */
export function labCredentialsPort(credentials: Record<string, Record<string, unknown>>, connectors: readonly Connector[]): CredentialsPort {
  const byId = new Map(connectors.map((c) => [c.id, c]));
  return {
    resolve: async (_slot, connector) => {
      const values = credentials[connector];
      const owner = byId.get(connector);
      return values && owner ? { values, secrets: secretValues(values, owner) } : undefined;
    },
  };
}

/** Access to a lab another process runs, from its twins' URLs and credentials (`switchboard lab --json`). */
export function labAccessOf(info: { twins: readonly { url: string }[]; credentials: Record<string, Record<string, unknown>> }, connectors: readonly Connector[]): LabAccess {
  return { twins: info.twins.map((t) => ({ url: t.url })), credentials: info.credentials, credentialsPort: labCredentialsPort(info.credentials, connectors) };
}

/** Starts every vendor's twin and points its connector's credentials at it. */
export async function startLab(vendors: readonly LabVendor[], options: { basePort?: number } = {}): Promise<Lab> {
  const running = await startTwins(
    vendors.map((v) => v.twin),
    options,
  );
  const credentials: Record<string, Record<string, unknown>> = {};
  for (const [i, vendor] of vendors.entries()) credentials[vendor.connector.id] = labCredentialsFor(vendor, running.twins[i]!.url);
  return { ...running, credentials, credentialsPort: labCredentialsPort(credentials, vendors.map((v) => v.connector)) };
}
