import type { AxiosStatic } from 'axios';

/** The axios default export: what the HTTP client creates its shared instances from. */
export type Axios = AxiosStatic;

let axios: Axios | undefined;

/**
 * axios, imported on the first request rather than with the connectors: `switchboard validate`,
 * the catalogue and the editor load every connector's definition but send nothing, and axios
 * with its proxy, redirect and form-data dependencies is a large share of a cold start.
 */
export async function loadAxios(): Promise<Axios> {
  axios ??= (await import('axios')).default;
  return axios;
}

/** axios once a request has loaded it, so every later call skips the await. */
export function loadedAxios(): Axios | undefined {
  return axios;
}
