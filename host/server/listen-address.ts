/** Addresses that only this machine can reach: the editor may listen there without TLS. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase());
}

/**
 * Why the server may not listen on `host`, or undefined when it may: anything other machines can
 * reach carries passwords and session tokens, so it is served over TLS or not at all.
 */
export function listenProblem(host: string, tls: boolean): string | undefined {
  if (host.trim() === '' || /[\s/]/.test(host)) return `--listen-host: ${JSON.stringify(host)} is not an address`;
  if (isLoopback(host) || tls) return undefined;
  return `--listen-host: ${host} is reachable from other machines; give --tls-cert FILE and --tls-key FILE to serve it over HTTPS`;
}

/** `host` as it goes in a URL (an IPv6 address in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
