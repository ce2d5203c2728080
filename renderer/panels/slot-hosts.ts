import type { Playbook } from '../../engine/format/playbook.ts';
import type { CredentialView } from '../../host/protocol/contract.ts';
import type { CatalogueEntry } from '../../host/protocol/catalogue.ts';

/** Where a playbook would send one slot's credential, as the import dialog lists it. */
export interface SlotDestination {
  /** A host (`acme.okta.com`, `127.0.0.1:8080`), or a phrase when it is not known yet. */
  label: string;
  /** The host is not one the chosen credential is bound to: the call would be refused. */
  refused?: boolean;
}

/** What a node of the generic HTTP family is: its URL is in its params, not in the credential. */
const GENERIC_HTTP = /^core\.http(_get)?@/;

/**
 * The destinations of a slot's credential in a playbook: for a connector node, the hosts of the
 * credential's URL fields (or of the connector's default URLs before one is chosen); for a generic
 * HTTP node, its static URL's host, or "a URL computed at run time" when the URL is a template.
 * A static host the chosen credential is not bound to is marked refused, as the run would refuse it.
 */
export function slotDestinations(playbook: Pick<Playbook, 'nodes'>, slot: string, catalogue: readonly CatalogueEntry[], connector: string, credential: CredentialView | undefined): SlotDestination[] {
  const bound = credential === undefined ? undefined : credentialHosts(credential);
  const found = new Map<string, SlotDestination>();
  const add = (destination: SlotDestination) => {
    if (!found.has(destination.label)) found.set(destination.label, destination);
  };
  for (const node of playbook.nodes) {
    if (node.credential !== slot) continue;
    if (!GENERIC_HTTP.test(node.type)) {
      const hosts = bound ?? defaultHosts(catalogue, connector);
      if (hosts.length === 0) add({ label: 'the base URL of the credential you pick' });
      for (const host of hosts) add({ label: host });
      continue;
    }
    const url = node.params['url'];
    if (typeof url !== 'string' || url.includes('{{')) {
      add({ label: 'a URL computed at run time (sent only if it is one of the credential’s hosts)' });
      continue;
    }
    const host = absoluteHost(url);
    if (host === undefined) {
      for (const own of bound ?? []) add({ label: own });
      if (bound === undefined || bound.length === 0) add({ label: 'the base URL of the credential you pick' });
      continue;
    }
    add(credential !== undefined && !covers(credential, url) ? { label: host, refused: true } : { label: host });
  }
  return [...found.values()];
}

/** The hosts a stored credential is bound to: its URL fields' and its `allowedHosts`. */
export function credentialHosts(credential: Pick<CredentialView, 'fields'>): string[] {
  const hosts = new Set<string>();
  for (const [field, value] of Object.entries(credential.fields)) {
    if (/url$/i.test(field) && typeof value === 'string') {
      const host = absoluteHost(value);
      if (host !== undefined) hosts.add(host);
    }
  }
  const allowed = credential.fields['allowedHosts'];
  if (Array.isArray(allowed)) for (const entry of allowed) if (typeof entry === 'string') hosts.add(entry.toLowerCase());
  return [...hosts];
}

/** The hosts of a connector's default URLs (its credential schema's `…Url` defaults). */
function defaultHosts(catalogue: readonly CatalogueEntry[], connector: string): string[] {
  const properties = (catalogue.find((entry) => entry.id === connector)?.credentials as { properties?: Record<string, { default?: unknown }> } | null | undefined)?.properties ?? {};
  const hosts: string[] = [];
  for (const [field, property] of Object.entries(properties)) {
    const host = /url$/i.test(field) && typeof property.default === 'string' ? absoluteHost(property.default) : undefined;
    if (host !== undefined && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}

/** The `host[:port]` of an absolute http(s) URL, or undefined for anything else (a path). */
function absoluteHost(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * Whether a URL goes to a host the credential is bound to, as the run decides it: the same host
 * and port as one of its URLs, or an `allowedHosts` entry (`host` for any port, `host:port`).
 */
export function covers(credential: Pick<CredentialView, 'fields'>, url: string): boolean {
  const target = hostPort(url);
  if (target === undefined) return false;
  for (const [field, value] of Object.entries(credential.fields)) {
    if (/url$/i.test(field) && typeof value === 'string' && hostPort(value) === target) return true;
  }
  const allowed = credential.fields['allowedHosts'];
  if (!Array.isArray(allowed)) return false;
  const [name] = target.split(/:(?=\d+$)/);
  return allowed.some((entry) => typeof entry === 'string' && (entry.toLowerCase() === target || entry.toLowerCase() === name));
}

/** `host:port` of an absolute http(s) URL, the scheme's port when it names none. */
function hostPort(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}
