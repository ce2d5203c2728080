import type { Lab } from '../lab/lab.ts';

/** One twin as `switchboard lab` prints it. */
export interface LabTwinInfo {
  id: string;
  name: string;
  url: string;
}

/**
 * What `switchboard lab --json` prints: where each twin listens and the lab's credential values per
 * connector id. Saved to a file, it binds a playbook's slots (`run --credentials`) and names the
 * twins to reset (`lab --reset`).
 */
export interface LabInfo {
  twins: LabTwinInfo[];
  credentials: Record<string, Record<string, unknown>>;
  /** The bearer token of the twins' control API (`lab --reset` sends it); absent in older printouts. */
  controlToken?: string;
}

/** The printout of a running lab. */
export function labInfoOf(lab: Lab): LabInfo {
  return { twins: lab.twins.map((t) => ({ id: t.id, name: t.name, url: t.url })), credentials: lab.credentials, controlToken: lab.controlToken };
}

/**
 * Whether JSON data is a lab printout rather than a slot-keyed credentials file: only a printout has
 * a `twins` list (a slot's value is always an object).
 */
export function looksLikeLabInfo(data: unknown): data is { twins: unknown[] } {
  return isRecord(data) && Array.isArray(data['twins']);
}

/** Checks a lab printout's shape; throws one line naming the first bad field. */
export function parseLabInfo(data: unknown, source: string): LabInfo {
  if (!looksLikeLabInfo(data)) throw new Error(`${source}: not what switchboard lab --json prints (no "twins" list)`);
  const twins = data.twins.map((twin, i): LabTwinInfo => {
    const field = `${source}: twins[${i}]`;
    if (!isRecord(twin)) throw new Error(`${field} must be an object { id, name, url }`);
    const { id, name, url } = twin;
    if (typeof id !== 'string' || id === '') throw new Error(`${field}.id must be a non-empty string`);
    if (typeof url !== 'string' || !isHttpUrl(url)) throw new Error(`${field}.url must be an http(s) URL`);
    return { id, name: typeof name === 'string' ? name : id, url };
  });
  const credentials = (data as Record<string, unknown>)['credentials'] ?? {};
  if (!isRecord(credentials)) throw new Error(`${source}: "credentials" must be an object of connectors, { "<connector>": { ...fields } }`);
  for (const [connector, fields] of Object.entries(credentials)) {
    if (!isRecord(fields)) throw new Error(`${source}: credentials.${connector} must be an object of fields`);
  }
  const token = (data as Record<string, unknown>)['controlToken'];
  if (token !== undefined && typeof token !== 'string') throw new Error(`${source}: controlToken must be a string`);
  return { twins, credentials: credentials as Record<string, Record<string, unknown>>, ...(token === undefined ? {} : { controlToken: token }) };
}

/** Whether text is an absolute http: or https: URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** A plain JSON object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
