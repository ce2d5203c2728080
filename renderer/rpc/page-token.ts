import { isTokenShaped } from '../../host/protocol/socket-token.ts';

/** Where a tab keeps its token: session storage is per origin (so per port) and per tab, and no request carries it. */
export const TOKEN_STORAGE_KEY = 'switchboard.token';

/** The parts of `window` the token needs, injectable for tests. */
export type TokenPage = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

/**
 * This tab's editor token: on the load of the URL `switchboard serve` printed, taken from
 * `?token=`, kept in session storage and removed from the address bar and the history entry;
 * on a reload, read back from session storage. Undefined when the page was opened without one.
 */
export function takePageToken(page: TokenPage): string | undefined {
  const url = new URL(page.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    page.history.replaceState(page.history.state, '', url);
    if (isTokenShaped(fromUrl)) {
      keepPageToken(page, fromUrl);
      return fromUrl;
    }
  }
  const stored = read(page);
  return stored !== null && isTokenShaped(stored) ? stored : undefined;
}

/**
 * Stores this tab's token (the editor token, or a team server's session token after signing in);
 * a browser that blocks storage still gets this load, only a reload then needs it again.
 */
export function keepPageToken(page: TokenPage, token: string): void {
  try {
    page.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    console.warn('This browser blocks session storage: a reload will need the URL that switchboard serve printed, or signing in again.');
  }
}

/** Forgets this tab's token (signed out, or the session ended): a reload then asks again. */
export function forgetPageToken(page: TokenPage): void {
  try {
    page.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Storage is blocked: nothing was kept.
  }
}

function read(page: TokenPage): string | null {
  try {
    return page.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
