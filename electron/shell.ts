import { fileURLToPath } from 'node:url';
import {
  app,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeTheme,
  protocol,
  safeStorage,
  session,
  shell,
  utilityProcess,
  type BrowserWindow,
  type MessagePortMain,
} from 'electron';
import type { InitMessage } from '../host/shell-entry.ts';
import { handleAppScheme, registerAppScheme } from './app-protocol.ts';
import { HostSupervisor } from './host-process.ts';
import { registerIpcHandlers } from './ipc.ts';
import { menuTemplate, type MenuDeps } from './menu.ts';
import { openPlaybookDialog, playbookFilesIn, readPlaybookFile, savePlaybookDialog, type DialogDeps } from './playbook-files.ts';
import {
  APP_ENTRY,
  createLinkAllowlist,
  createMainWindow,
  denyAllPermissions,
  desktopContentSecurityPolicy,
  devContentSecurityPolicy,
  hardenWebContents,
  installContentSecurityPolicy,
} from './security.ts';
import { openSettings, rememberRecent, workspaceFolder, type Settings } from './settings.ts';
import { CHANNELS, type MenuCommand, type ShellEvent } from '../host/protocol/shell-api.ts';
import { createTeamWindows } from './team-windows.ts';
import { chooseKeyProvider } from './vault-key.ts';

/**
 * Electron main (DESIGN.md §1): one hardened window, menus, native dialogs, safeStorage, and the
 * host forked as a utility process; nothing else, but for the windows of team servers (§11),
 * which show a remote page with no bridge to any of it (team-windows.ts). `main.ts` calls
 * `startShell()`; tests call it with a mocked `electron` module and in-memory settings.
 */

/** Where the bundles sit beside main's (dist/electron/) and the renderer (dist/renderer/). */
export function bundlePaths(base: string | URL = import.meta.url): { preload: string; host: string; renderer: string } {
  return {
    preload: fileURLToPath(new URL('./preload.cjs', base)),
    host: fileURLToPath(new URL('./host.mjs', base)),
    renderer: fileURLToPath(new URL('../renderer/', base)),
  };
}

/**
 * The vite dev server `npm run dev` started, when this is not a packaged app and the URL is
 * loopback http; a packaged app never loads anything but app://.
 */
export function devServerOrigin(packaged: boolean, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const text = env.SWITCHBOARD_DEV_SERVER_URL;
  if (packaged || text === undefined || text === '') return undefined;
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost')) return url.origin;
  } catch {
    return undefined;
  }
  return undefined;
}

export interface ShellOptions {
  settings?: Settings;
  argv?: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  paths?: { preload: string; host: string; renderer: string };
  log?: (line: string) => void;
}

/** What `startShell` returns, for tests: the pieces it made. */
export interface RunningShell {
  supervisor: HostSupervisor;
  window(): BrowserWindow | undefined;
  /** Delivers a `*.playbook.json` to the page's import flow (as argv, second-instance and open-file do). */
  openFile(file: string): Promise<void>;
}

/**
 * Starts the desktop app. Returns undefined when another instance already runs (this one quits
 * and the other gets the command line as `second-instance`).
 */
export async function startShell(options: ShellOptions = {}): Promise<RunningShell | undefined> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const paths = options.paths ?? bundlePaths();
  if (!app.isPackaged) app.setName('Switchboard');
  registerAppScheme(protocol);
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }

  const devOrigin = devServerOrigin(app.isPackaged, env);
  const links = createLinkAllowlist();
  let window: BrowserWindow | undefined;
  let pageLoaded = false;
  const pending: ShellEvent[] = [];

  const sendShellEvent = (event: ShellEvent): void => {
    if (window !== undefined && pageLoaded) window.webContents.send(CHANNELS.shellEvent, event);
    else pending.push(event);
  };

  let settings: Settings | undefined = options.settings;
  const refreshMenu = (): void => {
    if (settings !== undefined) Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(menuDeps(settings))));
  };

  const openFile = async (file: string): Promise<void> => {
    try {
      const read = await readPlaybookFile(file);
      if (settings !== undefined) {
        rememberRecent(settings, file);
        refreshMenu();
      }
      sendShellEvent({ command: 'file.opened', file: read });
      if (window?.isMinimized()) window.restore();
      window?.focus();
    } catch (err) {
      dialog.showErrorBox('Cannot open the playbook', err instanceof Error ? err.message : String(err));
    }
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
    for (const file of playbookFilesIn(argv.slice(1), workingDirectory)) void openFile(file);
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    void openFile(file);
  });
  // A team server's window (its own session partition) is locked to its origin; every other web contents to the app's pages.
  const openExternal = (url: string): Promise<void> => shell.openExternal(url);
  const teams = createTeamWindows({
    settings: () => settings,
    localWindow: () => window,
    links,
    openExternal,
    devTools: !app.isPackaged,
    dark: () => nativeTheme.shouldUseDarkColors,
    log,
  });
  app.on('web-contents-created', (_event, contents) => {
    if (teams.owns(contents)) teams.harden(contents);
    else hardenWebContents(contents, { links, openExternal, ...(devOrigin ? { devOrigin } : {}) });
  });

  await app.whenReady();

  settings ??= await openSettings();
  const workspace = workspaceFolder(settings, app.getPath('userData'), env);
  const policy = devOrigin === undefined ? desktopContentSecurityPolicy() : devContentSecurityPolicy(devOrigin);
  installContentSecurityPolicy(session.defaultSession, policy);
  denyAllPermissions(session.defaultSession);
  handleAppScheme(protocol, paths.renderer, policy);
  nativeTheme.themeSource = settings.get('theme');

  const keyProvider = chooseKeyProvider({ safeStorage, settings, workspace });
  const appSettings = settings;
  const supervisor = new HostSupervisor({
    fork: () => utilityProcess.fork(paths.host, [], { serviceName: 'Switchboard host', stdio: 'inherit' }),
    createChannel: () => new MessageChannelMain(),
    init: async (): Promise<InitMessage> => ({
      type: 'init',
      workspace,
      key: (await keyProvider.getKey()).toString('base64'),
      vault: { protection: keyProvider.protection, detail: keyProvider.detail },
      lab: appSettings.get('lab') && env.SWITCHBOARD_NO_LAB !== '1',
    }),
    deliverPort: (port: MessagePortMain) => {
      if (window === undefined || window.isDestroyed()) return port.close();
      window.webContents.postMessage(CHANNELS.port, null, [port]);
    },
    onReady: (report) => links.setHosts(report.docsHosts),
    onFailed: (message) => dialog.showErrorBox('Switchboard could not open its workspace', `${workspace}\n\n${message}`),
    onGaveUp: (message) => dialog.showErrorBox('The Switchboard host keeps stopping', message),
    log,
  });
  void supervisor.start();

  const dialogDeps: DialogDeps = { dialog, window: () => window, settings, documentsDir: app.getPath('documents'), onRecent: refreshMenu };
  registerIpcHandlers({
    ipcMain,
    window: () => window,
    ...(devOrigin ? { devOrigin } : {}),
    connect: () => supervisor.connectRenderer(),
    openPlaybook: () => openPlaybookDialog(dialogDeps),
    savePlaybook: (request) => savePlaybookDialog(dialogDeps, request),
    log,
  });

  function menuDeps(current: Settings): MenuDeps {
    return {
      platform: process.platform,
      recentFiles: current.get('recentFiles'),
      theme: current.get('theme'),
      developer: !app.isPackaged,
      send: (command: MenuCommand, focused) => {
        if (!teams.menuCommand(command, focused)) sendShellEvent({ command });
      },
      openRecent: (file: string) => void openFile(file),
      clearRecent: () => {
        current.set('recentFiles', []);
        refreshMenu();
      },
      setTheme: (theme: 'system' | 'light' | 'dark') => {
        current.set('theme', theme);
        nativeTheme.themeSource = theme;
        if (theme !== 'system') sendShellEvent({ command: theme === 'dark' ? 'view.theme-dark' : 'view.theme-light' });
        refreshMenu();
      },
      showWorkspace: () => void shell.openPath(workspace),
      connectTeamServer: () => teams.prompt(),
    };
  }
  refreshMenu();

  const createWindow = (): BrowserWindow => {
    const bounds = appSettings.get('windowBounds');
    const created = createMainWindow({ preload: paths.preload, ...(bounds ? { bounds } : {}), devTools: !app.isPackaged, dark: nativeTheme.shouldUseDarkColors });
    if (bounds?.maximized === true) created.maximize();
    created.once('ready-to-show', () => created.show());
    created.on('close', () => {
      const { x, y, width, height } = created.getNormalBounds();
      appSettings.set('windowBounds', { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height), maximized: created.isMaximized() });
    });
    created.on('closed', () => {
      if (window === created) window = undefined;
      pageLoaded = false;
    });
    created.webContents.on('did-start-loading', () => {
      pageLoaded = false;
    });
    created.webContents.on('did-finish-load', () => {
      pageLoaded = true;
      for (const event of pending.splice(0)) created.webContents.send(CHANNELS.shellEvent, event);
    });
    void created.loadURL(devOrigin ?? APP_ENTRY);
    return created;
  };
  window = createWindow();

  app.on('activate', () => {
    if (window === undefined) window = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !supervisor.running) return;
    event.preventDefault();
    void supervisor.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });

  for (const file of playbookFilesIn((options.argv ?? process.argv).slice(1), options.cwd ?? process.cwd())) void openFile(file);

  return { supervisor, window: () => window, openFile };
}
