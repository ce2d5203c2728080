import { hostPortOf } from './egress.ts';

/** `http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`…: every variable an HTTP proxy may be named in, but `no_proxy`. */
const PROXY_VARIABLE = /_proxy$/i;
const NO_PROXY_VARIABLE = /^no_proxy$/i;

/**
 * Whether the environment names an HTTP proxy. When it does not, connector calls tell axios
 * `proxy: false`: left to itself, axios re-reads the environment and parses the URL once more on
 * every request to find no proxy (measured: 2–3 % of a loopback call). Read once per connector
 * client, as Go's `http.ProxyFromEnvironment` reads it once; with a proxy named, axios keeps
 * resolving it per request, `NO_PROXY` included.
 */
export function environmentNamesProxy(env: Record<string, string | undefined> = process.env): boolean {
  for (const [name, value] of Object.entries(env)) {
    if (value && PROXY_VARIABLE.test(name) && !NO_PROXY_VARIABLE.test(name)) return true;
  }
  return false;
}

/**
 * The `host:port` of every proxy the environment names: the analyst's own way out, which the
 * egress policy lets connector calls connect to (their destination is checked before they are sent).
 */
export function proxyEndpoints(env: Record<string, string | undefined> = process.env): ReadonlySet<string> {
  const endpoints = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || !PROXY_VARIABLE.test(name) || NO_PROXY_VARIABLE.test(name)) continue;
    try {
      const { host, port } = hostPortOf(new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`));
      endpoints.add(`${host.toLowerCase()}:${port}`);
    } catch {
      continue;
    }
  }
  return endpoints;
}
