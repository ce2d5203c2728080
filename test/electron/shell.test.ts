import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, fakeEvent, type FakeBrowserWindow, type FakePort, type FakeUtilityProcess } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

const { startShell, devServerOrigin, bundlePaths } = await import('../../electron/shell.ts');
const { createSettings } = await import('../../electron/settings.ts');
const { CONTENT_SECURITY_POLICY } = await import('../../host/server/static-files.ts');
const { memoryBackend } = await import('./fake-electron.ts');

let dir: string;
let rendererDir: string;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-shell-'));
}

async function start(options: { argv?: string[]; env?: Record<string, string>; settings?: ReturnType<typeof createSettings> } = {}) {
  const settings = options.settings ?? createSettings(memoryBackend());
  const shell = await startShell({
    settings,
    argv: options.argv ?? ['electron'],
    cwd: dir,
    env: { SWITCHBOARD_WORKSPACE: path.join(dir, 'workspace'), ...options.env },
    paths: { preload: '/app/dist/electron/preload.cjs', host: '/app/dist/electron/host.mjs', renderer: rendererDir },
    log: () => undefined,
  });
  return { shell, settings };
}

function theWindow(): FakeBrowserWindow {
  const window = fake.windows[0];
  if (window === undefined) throw new Error('no window was created');
  return window;
}

function theHost(index = 0): FakeUtilityProcess {
  const child = fake.forks[index];
  if (child === undefined) throw new Error(`no host fork #${index}`);
  return child;
}

/** The renderer's top frame, as an IPC event's sender. */
function fromPage(window: FakeBrowserWindow) {
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame };
}

beforeEach(() => {
  fake.reset();
  dir = tempDir();
  rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><script type="module" src="./assets/index-abcdef12.js"></script>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'index-abcdef12.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the page');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the window', () => {
  it('is isolated, sandboxed, without Node, with web security on, no <webview>, and the preload', async () => {
    await start();
    const preferences = theWindow().options.webPreferences as Record<string, unknown>;
    expect(preferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(fake.app.sandboxed).toBe(true);
    expect(fake.windows).toHaveLength(1);
  });

  it('loads the built renderer from app://switchboard, a privileged standard scheme', async () => {
    await start();
    expect(theWindow().loadedUrl).toBe('app://switchboard/index.html');
    expect(fake.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('shows itself when ready and keeps its bounds for the next start', async () => {
    const { settings } = await start();
    const window = theWindow();
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
    window.emit('close', fakeEvent());
    expect(settings.get('windowBounds')).toEqual({ x: 10, y: 20, width: 1280, height: 820, maximized: false });
    fake.reset();
    await start({ settings });
    expect(theWindow().options).toMatchObject({ x: 10, y: 20, width: 1280, height: 820 });
  });

  it('quits at once when another instance holds the single-instance lock', async () => {
    fake.lock = false;
    const { shell } = await start();
    expect(shell).toBeUndefined();
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.windows).toHaveLength(0);
    expect(fake.forks).toHaveLength(0);
  });
});

describe('the Content-Security-Policy', () => {
  function headersFor(responseHeaders: Record<string, string[]>): Record<string, string[]> {
    let answer: { responseHeaders: Record<string, string[]> } | undefined;
    fake.headersListener?.({ url: 'app://switchboard/index.html', resourceType: 'mainFrame', responseHeaders }, (response) => (answer = response as typeof answer));
    if (answer === undefined) throw new Error('the headers listener did not answer');
    return answer.responseHeaders;
  }

  it('is set on every response, replacing any the response carried', async () => {
    await start();
    const headers = headersFor({ 'content-security-policy': ["default-src *; script-src 'unsafe-eval' *"], 'X-Other': ['kept'] });
    expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'content-security-policy')).toEqual(['Content-Security-Policy']);
    expect(headers['X-Other']).toEqual(['kept']);
    const policy = headers['Content-Security-Policy']?.[0] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy.split('; ').find((directive) => directive.startsWith('script-src'))).toBe("script-src 'self'");
  });

  it("is the browser transport's policy, less its loopback WebSocket", async () => {
    await start();
    const policy = headersFor({})['Content-Security-Policy']?.[0] ?? '';
    const directives = (text: string) => new Map(text.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    const desktop = directives(policy);
    const browser = directives(CONTENT_SECURITY_POLICY);
    expect(desktop.get('connect-src')).toBe("'self'");
    desktop.delete('connect-src');
    browser.delete('connect-src');
    expect(desktop).toEqual(browser);
  });

  it('is on the app:// responses too, which serve only files inside the renderer folder', async () => {
    await start();
    const handler = fake.protocolHandlers.get('app');
    if (handler === undefined) throw new Error('app:// is not handled');
    const page = await handler({ url: 'app://switchboard/index.html', method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await handler({ url: 'app://switchboard/assets/index-abcdef12.js', method: 'GET' })).status).toBe(200);
    for (const url of ['app://switchboard/%2e%2e/secret.txt', 'app://switchboard/..%2fsecret.txt', 'app://elsewhere/index.html', 'app://switchboard/missing.js']) {
      const response = await handler({ url, method: 'GET' });
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('not for the page');
    }
    expect((await handler({ url: 'app://switchboard/index.html', method: 'POST' })).status).toBe(405);
  });
});

describe('navigation, new windows and external links', () => {
  async function started() {
    await start();
    const window = theWindow();
    theHost().emit('message', { type: 'ready', docsHosts: ['docs.virustotal.com'] });
    return window;
  }

  it('refuses navigating away from the app, to any other origin', async () => {
    const window = await started();
    for (const url of ['https://evil.example/', 'http://docs.virustotal.com/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)']) {
      const event = fakeEvent({ url });
      window.webContents.emit('will-navigate', event);
      expect(event.defaultPrevented, url).toBe(true);
      const redirect = fakeEvent({ url });
      window.webContents.emit('will-redirect', redirect);
      expect(redirect.defaultPrevented, url).toBe(true);
    }
    expect(fake.module.shell.opened).toEqual([]);
  });

  it("lets the app's own pages load", async () => {
    const window = await started();
    const event = fakeEvent({ url: 'app://switchboard/index.html' });
    window.webContents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(false);
  });

  it('sends an allowlisted https link (a connector docs host) to the system browser instead', async () => {
    const window = await started();
    const event = fakeEvent({ url: 'https://docs.virustotal.com/reference/overview' });
    window.webContents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(fake.module.shell.opened).toEqual(['https://docs.virustotal.com/reference/overview']);
  });

  it('denies every window.open; allowlisted https links open externally, nothing else does', async () => {
    const window = await started();
    const handler = window.webContents.windowOpenHandler;
    if (handler === undefined) throw new Error('no window-open handler');
    for (const url of ['https://docs.virustotal.com/x', 'https://evil.example/', 'http://docs.virustotal.com/x', 'https://user:pw@docs.virustotal.com/', 'app://switchboard/index.html']) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.module.shell.opened).toEqual(['https://docs.virustotal.com/x']);
  });

  it('refuses to attach a <webview>', async () => {
    const window = await started();
    const event = fakeEvent();
    window.webContents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  it('denies every permission request and check', async () => {
    await start();
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      fake.permissionRequest?.({}, permission, (granted) => answers.push(granted));
      answers.push(fake.permissionCheck?.({}, permission, 'app://switchboard') ?? true);
    }
    expect(answers).toHaveLength(12);
    expect(answers.every((granted) => granted === false)).toBe(true);
  });
});

describe('the host process', () => {
  it('is forked as a utility process and sent the workspace and vault key, never the page', async () => {
    await start();
    const host = theHost();
    expect(host.modulePath).toBe('/app/dist/electron/host.mjs');
    await vi.waitFor(() => expect(host.posted).toHaveLength(1));
    const init = host.posted[0]?.message as { type: string; workspace: string; key: string; vault: { protection: string } };
    expect(init).toMatchObject({ type: 'init', workspace: path.join(dir, 'workspace'), vault: { protection: 'safe-storage' }, lab: true });
    expect(Buffer.from(init.key, 'base64')).toHaveLength(32);
    const window = theWindow();
    expect(JSON.stringify(window.webContents.sent)).not.toContain(init.key);
  });

  it('hands the page one end of a MessageChannelMain and the host the other', async () => {
    await start();
    const window = theWindow();
    const host = theHost();
    await vi.waitFor(() => expect(host.posted).toHaveLength(1));
    fake.ipcMain.emit('switchboard:connect', fromPage(window));
    const channel = fake.channels[0];
    expect(channel).toBeDefined();
    expect(host.posted[1]).toEqual({ message: { type: 'connect' }, transfer: [channel?.port1] });
    expect(window.webContents.posted).toEqual([{ channel: 'switchboard:port', message: null, transfer: [channel?.port2] }]);
  });

  it('restarts a host that dies and hands the page a new port, so it reconnects', async () => {
    await start();
    const window = theWindow();
    const first = theHost();
    await vi.waitFor(() => expect(first.posted).toHaveLength(1));
    fake.ipcMain.emit('switchboard:connect', fromPage(window));
    first.crash(9);
    await vi.waitFor(() => expect(fake.forks).toHaveLength(2), { timeout: 3_000 });
    const second = theHost(1);
    await vi.waitFor(() => expect(window.webContents.posted).toHaveLength(2));
    expect(second.posted.map((entry) => (entry.message as { type: string }).type)).toEqual(['init', 'connect']);
    const newest = fake.channels[1];
    expect(window.webContents.posted[1]).toEqual({ channel: 'switchboard:port', message: null, transfer: [newest?.port2] });
    expect(second.posted[1]?.transfer).toEqual([newest?.port1]);
  });

  it('says so, and does not loop, when the host cannot open the workspace', async () => {
    await start();
    const host = theHost();
    host.emit('message', { type: 'failed', message: 'the vault key does not open this vault' });
    expect(fake.module.dialog.errors[0]?.content).toContain('the vault key does not open this vault');
    expect(host.killed).toBe(true);
    host.crash(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fake.forks).toHaveLength(1);
  });

  it('asks the host to stop its runs before the app quits', async () => {
    await start();
    const host = theHost();
    await vi.waitFor(() => expect(host.posted).toHaveLength(1));
    const event = fakeEvent();
    fake.app.emit('before-quit', event);
    expect(event.defaultPrevented).toBe(true);
    expect(host.posted.at(-1)?.message).toEqual({ type: 'shutdown' });
    host.crash(0);
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(1));
    expect(fake.forks).toHaveLength(1);
  });
});

describe('opening playbook files from outside the app', () => {
  function shellEvents(window: FakeBrowserWindow) {
    return window.webContents.sent.filter((entry) => entry.channel === 'switchboard:shell-event').map((entry) => entry.args[0]);
  }

  it('sends a *.playbook.json named at launch to the import flow once the page has loaded', async () => {
    const file = path.join(dir, 'phish.playbook.json');
    fs.writeFileSync(file, '{"format":"switchboard/playbook@1"}');
    const { settings } = await start({ argv: ['electron', 'dist/electron/main.mjs', '--flag', 'phish.playbook.json', 'notes.txt'] });
    const window = theWindow();
    await vi.waitFor(() => expect(settings.get('recentFiles')).toEqual([file]));
    expect(shellEvents(window)).toEqual([]);
    window.webContents.emit('did-finish-load');
    expect(shellEvents(window)).toEqual([{ command: 'file.opened', file: { fileName: 'phish.playbook.json', text: '{"format":"switchboard/playbook@1"}' } }]);
  });

  it('takes files from a second instance and from macOS open-file', async () => {
    const a = path.join(dir, 'a.playbook.json');
    const b = path.join(dir, 'b.playbook.json');
    fs.writeFileSync(a, 'A');
    fs.writeFileSync(b, 'B');
    await start();
    const window = theWindow();
    window.webContents.emit('did-finish-load');
    fake.app.emit('second-instance', fakeEvent(), ['switchboard', 'a.playbook.json'], dir, {});
    const openFile = fakeEvent();
    fake.app.emit('open-file', openFile, b);
    expect(openFile.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(shellEvents(window)).toHaveLength(2));
    expect(shellEvents(window)).toEqual(
      expect.arrayContaining([
        { command: 'file.opened', file: { fileName: 'a.playbook.json', text: 'A' } },
        { command: 'file.opened', file: { fileName: 'b.playbook.json', text: 'B' } },
      ]),
    );
    expect(window.focused).toBeGreaterThan(0);
  });

  it('says so when a file cannot be read', async () => {
    const { shell } = await start();
    await shell?.openFile(path.join(dir, 'missing.playbook.json'));
    expect(fake.module.dialog.errors[0]?.title).toBe('Cannot open the playbook');
  });
});

describe('the menu', () => {
  type Item = { label?: string; role?: string; click?: () => void; submenu?: Item[]; accelerator?: string };
  /** The clickable item with this label, anywhere in the menu. */
  function find(items: Item[], label: string): Item {
    const found = leaves(items).find((item) => item.label === label && item.click !== undefined);
    if (found === undefined) throw new Error(`no menu item ${label}`);
    return found;
  }
  function leaves(items: Item[]): Item[] {
    return items.flatMap((item) => (item.submenu === undefined ? [item] : leaves(item.submenu)));
  }

  it('sends File, Edit and Run commands to the page', async () => {
    await start();
    const window = theWindow();
    window.webContents.emit('did-finish-load');
    const template = (fake.menu?.template ?? []) as Item[];
    for (const [label, command] of [
      ['New Playbook', 'file.new'],
      ['Open/Import…', 'file.import'],
      ['Export…', 'file.export'],
      ['Save', 'file.save'],
      ['Undo', 'edit.undo'],
      ['Redo', 'edit.redo'],
      ['Run', 'run.run'],
      ['Dry Run', 'run.dry-run'],
      ['Step', 'run.step'],
      ['Continue', 'run.continue'],
      ['Stop', 'run.stop'],
    ] as const) {
      find(template, label).click?.();
      expect(window.webContents.sent.at(-1), label).toEqual({ channel: 'switchboard:shell-event', args: [{ command }] });
    }
    const edit = template.find((item) => item.label === 'Edit')?.submenu?.map((item) => item.role).filter(Boolean);
    expect(edit).toEqual(['cut', 'copy', 'paste', 'selectAll']);
    expect(template.map((item) => item.label ?? item.role)).toEqual(['File', 'Edit', 'View', 'Run', 'help']);
  });

  it('keeps the theme in the settings', async () => {
    const { settings } = await start();
    find((fake.menu?.template ?? []) as Item[], 'Dark').click?.();
    expect(settings.get('theme')).toBe('dark');
    expect(fake.module.nativeTheme.themeSource).toBe('dark');
  });
});

describe('development mode', () => {
  it('loads a loopback vite dev server only when the app is not packaged', () => {
    expect(devServerOrigin(false, { SWITCHBOARD_DEV_SERVER_URL: 'http://127.0.0.1:5173/' })).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin(true, { SWITCHBOARD_DEV_SERVER_URL: 'http://127.0.0.1:5173/' })).toBeUndefined();
    expect(devServerOrigin(false, { SWITCHBOARD_DEV_SERVER_URL: 'https://evil.example/' })).toBeUndefined();
    expect(devServerOrigin(false, { SWITCHBOARD_DEV_SERVER_URL: 'http://192.168.1.5:5173/' })).toBeUndefined();
    expect(devServerOrigin(false, {})).toBeUndefined();
  });

  it('a packaged app ignores SWITCHBOARD_DEV_SERVER_URL and loads app://', async () => {
    fake.app.isPackaged = true;
    await start({ env: { SWITCHBOARD_DEV_SERVER_URL: 'http://127.0.0.1:5173/' } });
    expect(theWindow().loadedUrl).toBe('app://switchboard/index.html');
    expect((theWindow().options.webPreferences as { devTools: boolean }).devTools).toBe(false);
  });

  it('finds its bundles beside main.mjs', () => {
    expect(bundlePaths('file:///opt/switchboard/resources/app.asar/dist/electron/main.mjs')).toEqual({
      preload: '/opt/switchboard/resources/app.asar/dist/electron/preload.cjs',
      host: '/opt/switchboard/resources/app.asar/dist/electron/host.mjs',
      renderer: '/opt/switchboard/resources/app.asar/dist/renderer/',
    });
  });
});

export type { FakePort };
