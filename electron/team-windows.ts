import { BrowserWindow, dialog, session, type BaseWindow, type Session, type WebContents } from 'electron';
import { denyAllPermissions, type LinkAllowlist } from './security.ts';
import type { Settings } from './settings.ts';
import type { MenuCommand } from '../host/protocol/shell-api.ts';
import { connectDialogUrl, createConnectDialog, readConnectSubmission } from './team-connect-dialog.ts';
import { checkTeamServerUrl, createTeamWindow, rememberTeamServer, routeMenuCommand, teamNavigation, teamPartition } from './team-server.ts';

/**
 * The glue of File › Connect to Team Server…: the URL dialog, and one window per team server
 * showing that server's page (it signs people in itself). The local window and its host are
 * untouched. The decisions are in team-server.ts and team-connect-dialog.ts.
 */

export interface TeamWindowsDeps {
  /** The settings, once main has opened them (the recent list lives there). */
  settings(): Settings | undefined;
  /** The local window: the dialog's parent. */
  localWindow(): BrowserWindow | undefined;
  /** The links the local window may hand to the system browser; a team window hands the same. */
  links: LinkAllowlist;
  openExternal(url: string): unknown;
  devTools: boolean;
  dark(): boolean;
  log(line: string): void;
}

export interface TeamWindows {
  /** Whether web contents are a team window's: their session is a team partition. */
  owns(contents: Pick<WebContents, 'session'>): boolean;
  /** Locks a team window's contents to its origin (main calls it from `web-contents-created`). */
  harden(contents: Pick<WebContents, 'session' | 'on' | 'setWindowOpenHandler'>): void;
  /** Shows the URL dialog (or brings it forward). */
  prompt(): void;
  /** Opens the window of an accepted origin, or brings its open one forward. */
  open(origin: string, host: string): BrowserWindow;
  /** Handles a menu command chosen in a team window or the dialog; false when it is the local page's. */
  menuCommand(command: MenuCommand, window: BaseWindow | undefined): boolean;
}

interface TeamWindowState {
  window: BrowserWindow;
  loaded: boolean;
}

export function createTeamWindows(deps: TeamWindowsDeps): TeamWindows {
  const sessions = new Map<Session, string>();
  const windows = new Map<string, TeamWindowState>();
  let dialogWindow: BrowserWindow | undefined;

  /** Before its page first loaded, a window that cannot show its server says why and closes. */
  const failed = (origin: string, state: TeamWindowState, detail: string): void => {
    dialog.showErrorBox('Cannot open the team server', `${origin}\n\n${detail}`);
    if (!state.loaded && !state.window.isDestroyed()) state.window.close();
  };

  const harden: TeamWindows['harden'] = (contents) => {
    const origin = sessions.get(contents.session);
    if (origin === undefined) return;
    const guard = (event: { preventDefault(): void }, url: string): void => {
      const verdict = teamNavigation(url, origin, (link) => deps.links.allows(link));
      if (verdict === 'allow') return;
      event.preventDefault();
      if (verdict === 'external') {
        void deps.openExternal(url);
        return;
      }
      deps.log(`switchboard: the team window of ${origin} refused to go to ${url}`);
      const state = windows.get(origin);
      if (state !== undefined && !state.loaded) {
        setImmediate(() => failed(origin, state, `The server sent the window to ${url}, outside ${origin}; a team window stays on the server it was opened for.`));
      }
    };
    contents.on('will-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', (event) => guard(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (deps.links.allows(url)) void deps.openExternal(url);
      return { action: 'deny' };
    });
  };

  const open: TeamWindows['open'] = (origin, host) => {
    const existing = windows.get(origin);
    if (existing !== undefined && !existing.window.isDestroyed()) {
      if (existing.window.isMinimized()) existing.window.restore();
      existing.window.focus();
      return existing.window;
    }
    const partition = session.fromPartition(teamPartition(origin));
    sessions.set(partition, origin);
    denyAllPermissions(partition);
    const created = createTeamWindow(BrowserWindow, { origin, host, devTools: deps.devTools, dark: deps.dark() });
    const state: TeamWindowState = { window: created, loaded: false };
    windows.set(origin, state);
    created.on('page-title-updated', (event) => event.preventDefault());
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (windows.get(origin) === state) windows.delete(origin);
    });
    created.webContents.on('did-finish-load', () => {
      if (state.loaded) return;
      state.loaded = true;
      const settings = deps.settings();
      settings?.set('recentTeamServers', rememberTeamServer(settings.get('recentTeamServers'), origin));
    });
    created.webContents.on('did-fail-load', (_event, code, description, _url, isMainFrame) => {
      // -3 is a navigation cancelled (by the user, or by the guard, which says why itself).
      if (!isMainFrame || code === -3) return;
      const certificate = /CERT/i.test(description) ? '\n\nThis computer does not trust the server’s TLS certificate, and Switchboard does not bypass certificate errors.' : '';
      failed(origin, state, `${description} (${code})${certificate}`);
    });
    void created.loadURL(`${origin}/`);
    return created;
  };

  const prompt: TeamWindows['prompt'] = () => {
    if (dialogWindow !== undefined && !dialogWindow.isDestroyed()) {
      dialogWindow.focus();
      return;
    }
    const recent = deps.settings()?.get('recentTeamServers') ?? [];
    const parent = deps.localWindow();
    const created = createConnectDialog(BrowserWindow, { ...(parent === undefined || parent.isDestroyed() ? {} : { parent }), recent: recent.length, devTools: deps.devTools, dark: deps.dark() });
    dialogWindow = created;
    created.removeMenu();
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (dialogWindow === created) dialogWindow = undefined;
    });
    const show = (value: string, error?: string): void => void created.loadURL(connectDialogUrl({ recent, value, ...(error === undefined ? {} : { error }) }));
    created.webContents.on('before-input-event', (event, input) => {
      if (input.type !== 'keyDown' || input.key !== 'Escape') return;
      event.preventDefault();
      created.close();
    });
    created.webContents.on('will-navigate', (event) => {
      event.preventDefault();
      const submission = readConnectSubmission(event.url);
      if (submission === undefined) return;
      // Acted on after the navigation is cancelled, not from inside its event.
      setImmediate(() => {
        if (created.isDestroyed()) return;
        if (submission.kind === 'cancel') return created.close();
        const checked = checkTeamServerUrl(submission.text);
        if (!checked.ok) return show(submission.text, checked.message);
        created.close();
        open(checked.origin, checked.host);
      });
    });
    show(recent[0] ?? '');
  };

  const isOurs = (window: BaseWindow | undefined): boolean =>
    window !== undefined && (window === dialogWindow || [...windows.values()].some((state) => state.window === window));

  return {
    owns: (contents) => sessions.has(contents.session),
    harden,
    prompt,
    open,
    menuCommand(command, window) {
      const action = routeMenuCommand(command, isOurs(window) ? 'team' : 'local');
      if (action === 'send') return false;
      if (action === 'undo') (window as BrowserWindow).webContents.undo();
      if (action === 'redo') (window as BrowserWindow).webContents.redo();
      return true;
    },
  };
}
