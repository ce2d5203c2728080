import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, fakeEvent, type FakeBrowserWindow, type FakeSession } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

const { startShell } = await import('../../electron/shell.ts');
const { createSettings } = await import('../../electron/settings.ts');
const { CONNECT_FORM_ACTION, connectDialogHtml } = await import('../../electron/team-connect-dialog.ts');
const { teamPartition } = await import('../../electron/team-server.ts');
const { memoryBackend } = await import('./fake-electron.ts');

let dir: string;

beforeEach(() => {
  fake.reset();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-team-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(settings = createSettings(memoryBackend())) {
  await startShell({
    settings,
    argv: ['electron'],
    cwd: dir,
    env: { SWITCHBOARD_WORKSPACE: path.join(dir, 'workspace') },
    paths: { preload: '/app/dist/electron/preload.cjs', host: '/app/dist/electron/host.mjs', renderer: path.join(dir, 'renderer') },
    log: () => undefined,
  });
  const local = fake.windows[0];
  if (local === undefined) throw new Error('no local window');
  local.webContents.emit('did-finish-load');
  await vi.waitFor(() => expect(fake.forks).toHaveLength(1));
  fake.forks[0]?.emit('message', { type: 'ready', docsHosts: ['docs.virustotal.com'] });
  return { settings, local };
}

type Item = { label?: string; click?: (item?: unknown, window?: unknown) => void; submenu?: Item[] };

function menuItem(label: string): Item {
  const leaves = (items: Item[]): Item[] => items.flatMap((item) => (item.submenu === undefined ? [item] : leaves(item.submenu)));
  const found = leaves((fake.menu?.template ?? []) as Item[]).find((item) => item.label === label && item.click !== undefined);
  if (found === undefined) throw new Error(`no menu item ${label}`);
  return found;
}

/** File › Connect to Team Server…: the dialog window it opens. */
function openDialog(): FakeBrowserWindow {
  const before = fake.windows.length;
  menuItem('Connect to Team Server…').click?.();
  const dialog = fake.windows[before];
  if (dialog === undefined) throw new Error('no dialog was opened');
  return dialog;
}

/** The page the dialog shows now. */
function dialogPage(dialog: FakeBrowserWindow): string {
  const url = dialog.loadedUrl ?? '';
  return decodeURIComponent(url.slice(url.indexOf(',') + 1));
}

/** Submits the dialog's form as the page would (a GET navigation main cancels), and waits for main to act. */
async function submit(dialog: FakeBrowserWindow, fields: Record<string, string>): Promise<{ defaultPrevented: boolean }> {
  const loaded = dialog.loadedUrl;
  const windows = fake.windows.length;
  const event = fakeEvent({ url: `${CONNECT_FORM_ACTION}?${new URLSearchParams(fields).toString()}` });
  dialog.webContents.emit('will-navigate', event);
  await vi.waitFor(() => expect(dialog.destroyed || dialog.loadedUrl !== loaded || fake.windows.length !== windows).toBe(true));
  return event;
}

/** Connects to `url` through the dialog; the team window made. */
async function connect(url: string): Promise<FakeBrowserWindow> {
  const dialog = openDialog();
  await submit(dialog, { url, action: 'connect' });
  expect(dialog.destroyed).toBe(true);
  const team = fake.windows.at(-1);
  if (team === undefined || team === dialog) throw new Error('no team window was opened');
  return team;
}

function partitionOf(window: FakeBrowserWindow): FakeSession {
  return window.webContents.session as FakeSession;
}

describe('File › Connect to Team Server…', () => {
  it('asks for the URL in a small window with no preload, modal over the local window, prefilled with the last server', async () => {
    const settings = createSettings(memoryBackend({ recentTeamServers: ['https://t1.example', 'http://127.0.0.1:7070'] }));
    const { local } = await start(settings);
    const dialog = openDialog();
    expect(dialog.options).toMatchObject({ parent: local, modal: true, title: 'Connect to Team Server' });
    const preferences = dialog.options.webPreferences as Record<string, unknown>;
    expect(preferences).not.toHaveProperty('preload');
    expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(dialog.menuRemoved).toBe(true);
    expect(dialogPage(dialog)).toBe(connectDialogHtml({ recent: ['https://t1.example', 'http://127.0.0.1:7070'], value: 'https://t1.example' }));
    dialog.emit('ready-to-show');
    expect(dialog.shown).toBe(true);
    menuItem('Connect to Team Server…').click?.();
    expect(fake.windows).toHaveLength(2);
    expect(dialog.focused).toBe(1);
  });

  it('refuses a URL with the one line naming the field, keeping what was typed', async () => {
    await start();
    const dialog = openDialog();
    const event = await submit(dialog, { url: 'http://team.example.com', action: 'connect' });
    expect(event.defaultPrevented).toBe(true);
    expect(dialog.destroyed).toBe(false);
    const page = dialogPage(dialog);
    expect(page).toContain('role="alert">TEAM_URL_INSECURE: Team server URL must be https:// for team.example.com');
    expect(page).toContain('value="http://team.example.com"');
    expect(fake.windows).toHaveLength(2);
  });

  it('closes on Cancel and on Escape, opening nothing', async () => {
    await start();
    const first = openDialog();
    await submit(first, { url: 'https://team.example.com', action: 'cancel' });
    expect(first.destroyed).toBe(true);
    const second = openDialog();
    const key = fakeEvent();
    second.webContents.emit('before-input-event', key, { type: 'keyDown', key: 'Escape' });
    expect(key.defaultPrevented).toBe(true);
    expect(second.destroyed).toBe(true);
    expect(fake.windows).toHaveLength(3);
  });

  it('cancels any other navigation of the dialog', async () => {
    await start();
    const dialog = openDialog();
    const event = fakeEvent({ url: 'https://evil.example/' });
    dialog.webContents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(dialog.destroyed).toBe(false);
    expect(fake.windows).toHaveLength(2);
  });
});

describe('the team window', () => {
  it('opens the server’s origin in a new window, with no preload, in its own partition, and the local window stays', async () => {
    const { local } = await start();
    const team = await connect('  https://Team.Example.com/some/page?x=1 ');
    expect(team.loadedUrl).toBe('https://team.example.com/');
    const preferences = team.options.webPreferences as Record<string, unknown>;
    expect(preferences).not.toHaveProperty('preload');
    expect(preferences).toMatchObject({
      partition: teamPartition('https://team.example.com'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(team.options.title).toBe('Switchboard — team.example.com');
    expect(partitionOf(team).partition).toBe(teamPartition('https://team.example.com'));
    expect(partitionOf(team)).not.toBe(fake.module.session.defaultSession);
    expect(local.destroyed).toBe(false);
    expect(local.loadedUrl).toBe('app://switchboard/index.html');
    expect(fake.forks).toHaveLength(1);
    team.emit('ready-to-show');
    expect(team.shown).toBe(true);
  });

  it('keeps its title when the page sets its own', async () => {
    await start();
    const team = await connect('https://team.example.com');
    const event = fakeEvent();
    team.emit('page-title-updated', event, 'Switchboard', true);
    expect(event.defaultPrevented).toBe(true);
  });

  it('gets no bridge: no port, no shell events, and IPC from it is refused', async () => {
    const { local } = await start();
    const team = await connect('https://team.example.com');
    team.webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(fake.forks[0]?.posted).toHaveLength(1));
    fake.ipcMain.emit('switchboard:connect', { sender: team.webContents, senderFrame: team.webContents.mainFrame });
    expect(fake.channels).toHaveLength(0);
    expect(team.webContents.posted).toEqual([]);
    expect(team.webContents.sent).toEqual([]);
    const open = fake.handlers.get('switchboard:open-playbook');
    await expect(open?.({ sender: team.webContents, senderFrame: team.webContents.mainFrame })).rejects.toThrow(/refused/);
    expect(local.webContents.posted).toEqual([]);
  });

  it('grants no permission, keeps the server’s own CSP and never bypasses certificate errors', async () => {
    await start();
    const team = await connect('https://team.example.com');
    const partition = partitionOf(team);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      partition.permissionRequest?.({}, permission, (granted) => answers.push(granted));
      answers.push(partition.permissionCheck?.({}, permission, 'https://team.example.com') ?? true);
    }
    expect(answers).toEqual(Array.from({ length: 10 }, () => false));
    expect(partition.headersListener).toBeUndefined();
    expect(partition.certificateVerifyProcs).toBe(0);
    expect(fake.app.listenerCount('certificate-error')).toBe(0);
    expect(fake.app.listenerCount('select-client-certificate')).toBe(0);
  });

  it('navigates only on its origin; an allowlisted docs link opens in the system browser; pop-ups and <webview> are refused', async () => {
    await start();
    const team = await connect('https://team.example.com:8443');
    for (const url of ['https://team.example.com:8443/', 'https://team.example.com:8443/index.html?run=1']) {
      const navigate = fakeEvent({ url });
      team.webContents.emit('will-navigate', navigate);
      expect(navigate.defaultPrevented, url).toBe(false);
      const redirect = fakeEvent({ url });
      team.webContents.emit('will-redirect', redirect);
      expect(redirect.defaultPrevented, url).toBe(false);
    }
    team.webContents.emit('did-finish-load');
    for (const url of ['https://team.example.com/', 'http://team.example.com:8443/', 'https://evil.example/', 'app://switchboard/index.html', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const navigate = fakeEvent({ url });
      team.webContents.emit('will-navigate', navigate);
      expect(navigate.defaultPrevented, url).toBe(true);
      const redirect = fakeEvent({ url });
      team.webContents.emit('will-redirect', redirect);
      expect(redirect.defaultPrevented, url).toBe(true);
    }
    expect(fake.module.shell.opened).toEqual([]);
    const docs = fakeEvent({ url: 'https://docs.virustotal.com/reference' });
    team.webContents.emit('will-navigate', docs);
    expect(docs.defaultPrevented).toBe(true);
    expect(fake.module.shell.opened).toEqual(['https://docs.virustotal.com/reference']);
    const handler = team.webContents.windowOpenHandler;
    for (const url of ['https://team.example.com:8443/other', 'https://evil.example/', 'https://docs.virustotal.com/x']) expect(handler?.({ url })).toEqual({ action: 'deny' });
    expect(fake.module.shell.opened).toEqual(['https://docs.virustotal.com/reference', 'https://docs.virustotal.com/x']);
    const webview = fakeEvent();
    team.webContents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
    expect(team.destroyed).toBe(false);
  });

  it('leaves the local window locked to the app’s pages', async () => {
    const { local } = await start();
    await connect('https://team.example.com');
    const event = fakeEvent({ url: 'https://team.example.com/' });
    local.webContents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
  });

  it('is remembered once its page has loaded, and offered first next time', async () => {
    const { settings } = await start();
    const team = await connect('http://localhost:7070/');
    expect(settings.get('recentTeamServers')).toEqual([]);
    team.webContents.emit('did-finish-load');
    expect(settings.get('recentTeamServers')).toEqual(['http://localhost:7070']);
    const other = await connect('https://team.example.com');
    other.webContents.emit('did-finish-load');
    expect(settings.get('recentTeamServers')).toEqual(['https://team.example.com', 'http://localhost:7070']);
    const dialog = openDialog();
    expect(dialogPage(dialog)).toContain('value="https://team.example.com"');
    await submit(dialog, { url: 'https://team.example.com', recent: 'http://localhost:7070' });
    expect(dialog.destroyed).toBe(true);
    expect(team.focused).toBe(1);
  });

  it('is one per server: connecting again brings it forward', async () => {
    await start();
    const team = await connect('https://team.example.com');
    const windows = fake.windows.length;
    const dialog = openDialog();
    await submit(dialog, { url: 'https://team.example.com/again', action: 'connect' });
    expect(fake.windows).toHaveLength(windows + 1);
    expect(team.focused).toBe(1);
  });

  it('says why and closes when the server cannot be reached or its certificate is not trusted', async () => {
    await start();
    const team = await connect('https://team.example.com');
    team.webContents.emit('did-fail-load', fakeEvent(), -202, 'ERR_CERT_AUTHORITY_INVALID', 'https://team.example.com/', true);
    expect(fake.module.dialog.errors).toHaveLength(1);
    expect(fake.module.dialog.errors[0]?.title).toBe('Cannot open the team server');
    expect(fake.module.dialog.errors[0]?.content).toContain('https://team.example.com');
    expect(fake.module.dialog.errors[0]?.content).toContain('ERR_CERT_AUTHORITY_INVALID (-202)');
    expect(fake.module.dialog.errors[0]?.content).toContain('does not bypass certificate errors');
    expect(team.destroyed).toBe(true);
    const again = await connect('https://team.example.com');
    expect(again).not.toBe(team);
  });

  it('closes, saying so, when the server redirects its first load off its origin', async () => {
    await start();
    const team = await connect('https://team.example.com');
    const redirect = fakeEvent({ url: 'https://login.example.net/' });
    team.webContents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(team.destroyed).toBe(true));
    expect(fake.module.dialog.errors[0]?.content).toContain('outside https://team.example.com');
  });

  it('ignores a cancelled load and a subframe’s failure, and stays open after a later failure', async () => {
    await start();
    const team = await connect('https://team.example.com');
    team.webContents.emit('did-fail-load', fakeEvent(), -3, 'ERR_ABORTED', 'https://team.example.com/', true);
    team.webContents.emit('did-fail-load', fakeEvent(), -105, 'ERR_NAME_NOT_RESOLVED', 'https://x.example/', false);
    expect(fake.module.dialog.errors).toEqual([]);
    team.webContents.emit('did-finish-load');
    team.webContents.emit('did-fail-load', fakeEvent(), -106, 'ERR_INTERNET_DISCONNECTED', 'https://team.example.com/', true);
    expect(fake.module.dialog.errors).toHaveLength(1);
    expect(team.destroyed).toBe(false);
  });
});

describe('the menu in a team window', () => {
  function shellEvents(window: FakeBrowserWindow) {
    return window.webContents.sent.filter((entry) => entry.channel === 'switchboard:shell-event');
  }

  it('never runs, saves or undoes in the local window; undo and redo act on the team page', async () => {
    const { local } = await start();
    const team = await connect('https://team.example.com');
    for (const label of ['Run', 'Dry Run', 'Step', 'Stop', 'Save', 'New Playbook', 'Open/Import…', 'Export…']) menuItem(label).click?.({}, team);
    menuItem('Undo').click?.({}, team);
    menuItem('Redo').click?.({}, team);
    expect(shellEvents(local)).toEqual([]);
    expect(team.webContents.sent).toEqual([]);
    expect(team.webContents.undos).toBe(1);
    expect(team.webContents.redos).toBe(1);
    menuItem('Run').click?.({}, local);
    menuItem('Save').click?.({}, undefined);
    expect(shellEvents(local).map((entry) => entry.args[0])).toEqual([{ command: 'run.run' }, { command: 'file.save' }]);
  });
});
