/**
 * How the browser page presents the editor token on the WebSocket of `switchboard serve`: as a
 * subprotocol, a header only our own script sends and only to this origin (a cookie would go to
 * every port of 127.0.0.1). No imports, so the renderer and the server share it as it is.
 */

/** The subprotocol the editor speaks; the server selects this one, never the token-bearing one. */
export const SOCKET_PROTOCOL = 'switchboard.v1';

/** Prefix of the subprotocol that carries the token, offered beside `SOCKET_PROTOCOL`. */
export const TOKEN_PROTOCOL_PREFIX = 'switchboard.token.';

/**
 * Close code of a socket whose token is missing or wrong. A browser cannot read the HTTP status
 * of a refused upgrade, so the server completes it and closes at once with this code and a reason.
 */
export const TOKEN_REFUSED_CODE = 4401;

/** Characters a token may hold: base64url, which is also what a subprotocol name allows. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

/** Whether `text` can be a token (and so be sent as a subprotocol without the browser throwing). */
export function isTokenShaped(text: string): boolean {
  return TOKEN_SHAPE.test(text);
}

/** The subprotocols a client offers to present `token`. */
export function socketProtocols(token: string): string[] {
  return [SOCKET_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}
