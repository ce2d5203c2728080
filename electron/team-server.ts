import { createHash } from 'node:crypto';
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * File › Connect to Team Server… (DESIGN.md §11), its decisions as small functions: which URLs
 * a desktop window may open as a team server, the origin it is kept as, the recent list, the
 * window's session partition, title and options, and where the window may navigate. No Electron
 * at run time: main injects `BrowserWindow`, and the tests a recording stand-in.
 */

/** The field a refusal names. */
export const TEAM_URL_FIELD = 'Team server URL';

/** Team servers File › Connect to Team Server… offers again, most recent first. */
export const MAX_RECENT_TEAM_SERVERS = 8;

/** Longest URL accepted (and kept in the settings). */
export const MAX_TEAM_URL_LENGTH = 2_048;

/** Hosts a team server may be reached on over plain http: this machine only. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a URL was refused: a short code and one line naming the field. */
export type TeamUrlCode = 'TEAM_URL_EMPTY' | 'TEAM_URL_INVALID' | 'TEAM_URL_SCHEME' | 'TEAM_URL_INSECURE' | 'TEAM_URL_CREDENTIALS';

/** A URL accepted as a team server (its origin and `host[:port]`), or refused. */
export type TeamUrlCheck = { ok: true; origin: string; host: string } | { ok: false; code: TeamUrlCode; message: string };

function refuse(code: TeamUrlCode, detail: string): TeamUrlCheck {
  return { ok: false, code, message: `${code}: ${TEAM_URL_FIELD} ${detail}` };
}

/**
 * Accepts `https://…`, or `http://` on 127.0.0.1, ::1 or localhost (a team server listens beyond
 * loopback only over TLS, and sends passwords and session tokens), and normalises it to its
 * origin: the page is the server's root, whatever path was typed.
 */
export function checkTeamServerUrl(text: string): TeamUrlCheck {
  const trimmed = text.trim();
  if (trimmed === '') return refuse('TEAM_URL_EMPTY', 'is empty: give the address of a `switchboard serve --database …` server');
  if (trimmed.length > MAX_TEAM_URL_LENGTH) return refuse('TEAM_URL_INVALID', `is longer than ${MAX_TEAM_URL_LENGTH} characters`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return refuse('TEAM_URL_SCHEME', `must start with https:// (got ${JSON.stringify(trimmed.slice(0, 80))})`);
  if (scheme !== 'https' && scheme !== 'http') return refuse('TEAM_URL_SCHEME', `must start with https://, not ${scheme}://`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return refuse('TEAM_URL_INVALID', `${JSON.stringify(trimmed.slice(0, 80))} is not a URL`);
  }
  if (url.username !== '' || url.password !== '') return refuse('TEAM_URL_CREDENTIALS', 'must not hold a user name or password: sign in on the server’s page');
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return refuse('TEAM_URL_INSECURE', `must be https:// for ${url.host}: plain http:// is only for 127.0.0.1, ::1 and localhost`);
  }
  return { ok: true, origin: url.origin, host: url.host };
}

/** Puts `origin` first in the recent list, without duplicates, keeping at most `MAX_RECENT_TEAM_SERVERS`. */
export function rememberTeamServer(recent: readonly string[], origin: string): string[] {
  return [origin, ...recent.filter((entry) => entry !== origin)].slice(0, MAX_RECENT_TEAM_SERVERS);
}

/**
 * The window's session: persistent (the server's page keeps what it keeps, as in a browser
 * profile), one per origin, and never the local window's default session.
 */
export function teamPartition(origin: string): string {
  return `persist:team-${createHash('sha256').update(origin).digest('hex').slice(0, 16)}`;
}

/** The window's title, which the page's own `<title>` does not replace. */
export function teamWindowTitle(host: string): string {
  return `Switchboard — ${host}`;
}

/** Whether `url` is on `origin` (scheme, host and port alike). */
export function isOnOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * Where a team window may go: anywhere on its origin; elsewhere it is refused, and an https link
 * the local window would also hand to the system browser (a connector's documentation) goes there.
 */
export function teamNavigation(url: string, origin: string, opensExternally: (url: string) => boolean): 'allow' | 'external' | 'refuse' {
  if (isOnOrigin(url, origin)) return 'allow';
  return opensExternally(url) ? 'external' : 'refuse';
}

/**
 * What a menu command does, by the window it was chosen in. The local page takes every command
 * over its bridge; a team page has none, and handles its own keys (save, undo, redo, run) itself,
 * so a command from its window (or the connect dialog) never reaches the local window, which
 * would otherwise save, undo or run there. Undo and redo become the page's native editing
 * commands (the text fields' undo on macOS, where they come from the menu); the rest is dropped.
 */
export function routeMenuCommand(command: string, target: 'local' | 'team'): 'send' | 'undo' | 'redo' | 'drop' {
  if (target === 'local') return 'send';
  if (command === 'edit.undo') return 'undo';
  if (command === 'edit.redo') return 'redo';
  return 'drop';
}

/** `BrowserWindow`, or a test's stand-in that records the options. */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * The team server's window: no preload (the local host's port and IPC bridge never reach a remote
 * origin), isolated, sandboxed, no Node, web security on, its own session partition, no
 * `<webview>`. The options are written out at the `new BrowserWindow` call so electronegativity
 * can read them.
 */
export function createTeamWindow<W>(BrowserWindow: WindowConstructor<W>, options: { origin: string; host: string; devTools: boolean; dark: boolean }): W {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: teamWindowTitle(options.host),
    backgroundColor: options.dark ? '#16181d' : '#ffffff',
    webPreferences: {
      partition: teamPartition(options.origin),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
}
