import { BrowserWindow, type Session, type WebContents, type WebFrameMain } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../host/shell-entry.ts';

/**
 * The shell's hardening, as small functions main wires in and the tests call directly: window
 * options, the Content-Security-Policy, navigation and window.open denial, permission denial,
 * the external-link allowlist and the IPC sender check.
 */

/** The custom scheme the renderer is served from, and its one host: the page's origin is `app://switchboard`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * The desktop page's policy: the browser transport's (`host/server/static-files.ts`), less its
 * loopback WebSocket, since the desktop talks to the host over a MessagePort. No `unsafe-eval`.
 */
export function desktopContentSecurityPolicy(base: string = CONTENT_SECURITY_POLICY): string {
  return base
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '')
    .map((directive) => (directive.startsWith('connect-src ') ? "connect-src 'self'" : directive))
    .join('; ');
}

/**
 * The policy with a vite dev server (never in a packaged app): React's refresh preamble is an
 * inline script and HMR needs the dev server's socket; still no `unsafe-eval`.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const socket = devOrigin.replace(/^http/, 'ws');
  return desktopContentSecurityPolicy()
    .split('; ')
    .map((directive) => {
      if (directive.startsWith('script-src ')) return `${directive} 'unsafe-inline'`;
      if (directive.startsWith('connect-src ')) return `${directive} ${socket}`;
      return directive;
    })
    .join('; ');
}

/**
 * The one window: isolated, sandboxed, no Node, web security on, no <webview>. The options are
 * written out at the `new BrowserWindow` call so electronegativity can read them.
 */
export function createMainWindow(options: { preload: string; bounds?: { x?: number; y?: number; width: number; height: number }; devTools: boolean; dark: boolean }): BrowserWindow {
  return new BrowserWindow({
    width: options.bounds?.width ?? 1280,
    height: options.bounds?.height ?? 820,
    ...(options.bounds?.x !== undefined && options.bounds.y !== undefined ? { x: options.bounds.x, y: options.bounds.y } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Switchboard',
    backgroundColor: options.dark ? '#16181d' : '#ffffff',
    webPreferences: {
      preload: options.preload,
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

/** Sets the CSP on every response the session receives (the app:// pages and, in development, the dev server's). */
export function installContentSecurityPolicy(session: Pick<Session, 'webRequest'>, policy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
}

/** Every permission (camera, notifications, clipboard-read, geolocation, …) is refused, asked or checked. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** External links the app may hand to the system browser: https only, to an allowlisted host. */
export interface LinkAllowlist {
  allows(url: string): boolean;
  /** Replaces the hosts (the host process reports its connectors' documentation hosts). */
  setHosts(hosts: Iterable<string>): void;
}

export function createLinkAllowlist(hosts: Iterable<string> = []): LinkAllowlist {
  let allowed = new Set([...hosts].map((host) => host.toLowerCase()));
  return {
    allows(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return false;
      }
      return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && allowed.has(parsed.hostname.toLowerCase());
    },
    setHosts(next) {
      allowed = new Set([...next].map((host) => host.toLowerCase()));
    },
  };
}

/** Whether a URL is one of the app's own pages: `app://switchboard/…`, or the dev server's origin in development. */
export function isAppUrl(url: string, devOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  return devOrigin !== undefined && `${parsed.protocol}//${parsed.host}` === devOrigin;
}

/**
 * Navigation and new windows, for every web contents the app creates: navigating away is
 * refused (an allowlisted https link opens in the system browser instead), window.open always is,
 * and <webview> cannot be attached.
 */
export function hardenWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, options: { links: LinkAllowlist; openExternal: (url: string) => unknown; devOrigin?: string }): void {
  const refuse = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    if (options.links.allows(url)) void options.openExternal(url);
  };
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, options.devOrigin)) refuse(event, event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, options.devOrigin)) refuse(event, event.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (options.links.allows(url)) void options.openExternal(url);
    return { action: 'deny' };
  });
}

/** What an IPC event tells about its sender. */
export interface IpcSender {
  sender: unknown;
  senderFrame: Pick<WebFrameMain, 'url' | 'parent'> | null;
}

/**
 * Whether an IPC message comes from the main window's top frame showing the app's own page: not
 * an iframe, not another window, not a page the window was somehow navigated to.
 */
export function isTrustedSender(event: IpcSender, window: { webContents: { mainFrame: unknown } } | undefined, devOrigin?: string): boolean {
  const frame = event.senderFrame;
  if (window === undefined || frame === null || frame === undefined) return false;
  if (event.sender !== window.webContents) return false;
  if (frame !== window.webContents.mainFrame || frame.parent !== null) return false;
  return isAppUrl(frame.url, devOrigin);
}
