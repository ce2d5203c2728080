/** A twin as tests reach its control API: where it listens and the token it asks for. */
export interface ControlledTwin {
  url: string;
  controlToken: string;
}

/**
 * Calls a twin's control API (`/_lab/…`) as a lab client must: its bearer token, and a JSON body
 * when there is one. GET without `body`, POST with it.
 */
export function labControl(twin: ControlledTwin, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${twin.controlToken}` };
  if (body === undefined) return fetch(`${twin.url}${path}`, { method: path === '/_lab/reset' ? 'POST' : 'GET', headers });
  return fetch(`${twin.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
