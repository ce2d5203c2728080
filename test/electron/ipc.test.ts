import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakeFrame, FakeWebContents, memoryBackend, type FakeBrowserWindow } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

const { startShell } = await import('../../electron/shell.ts');
const { createSettings } = await import('../../electron/settings.ts');
const { CHANNELS } = await import('../../host/protocol/shell-api.ts');

let dir: string;
let window: FakeBrowserWindow;
let logged: string[];

beforeEach(async () => {
  fake.reset();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-ipc-'));
  logged = [];
  await startShell({
    settings: createSettings(memoryBackend()),
    argv: ['electron'],
    cwd: dir,
    env: { SWITCHBOARD_WORKSPACE: path.join(dir, 'workspace') },
    paths: { preload: '/p.cjs', host: '/h.mjs', renderer: dir },
    log: (line) => logged.push(line),
  });
  const created = fake.windows[0];
  if (created === undefined) throw new Error('no window');
  window = created;
  await vi.waitFor(() => expect(fake.forks[0]?.posted).toHaveLength(1));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The page's own top frame: the one sender every handler accepts. */
const trusted = () => ({ sender: window.webContents, senderFrame: window.webContents.mainFrame });

/** Senders every handler must refuse, by name (made once the window exists). */
const UNTRUSTED: Record<string, () => { sender: unknown; senderFrame: unknown }> = {
  'an iframe of the window': () => ({ sender: window.webContents, senderFrame: new FakeFrame('app://switchboard/index.html', window.webContents.mainFrame) }),
  'another web contents': () => ({ sender: new FakeWebContents(), senderFrame: window.webContents.mainFrame }),
  'a frame that is gone': () => ({ sender: window.webContents, senderFrame: null }),
  'another frame object at the same URL': () => ({ sender: window.webContents, senderFrame: new FakeFrame('app://switchboard/index.html') }),
};
const untrusted = Object.keys(UNTRUSTED);
const sender = (name: string) => UNTRUSTED[name]?.() ?? { sender: undefined, senderFrame: null };

/** The top frame after it was somehow navigated off the app. */
function navigatedTo(url: string) {
  window.webContents.mainFrame.url = url;
  return trusted();
}

/** Calls an invoke handler as Electron would. */
async function invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
  const handler = fake.handlers.get(channel);
  if (handler === undefined) throw new Error(`no handler for ${channel}`);
  return handler(event, ...args);
}

describe('the IPC surface', () => {
  it('is exactly the preload API: connect (send), open and save (invoke), plus nothing from libraries', () => {
    const onChannels = [...fake.ipcMain.listeners.entries()].filter(([, list]) => list.length > 0).map(([channel]) => channel);
    expect(onChannels).toEqual([CHANNELS.connect]);
    expect([...fake.handlers.keys()].sort()).toEqual([CHANNELS.openPlaybook, CHANNELS.savePlaybook].sort());
  });
});

describe(`${'switchboard:connect'}`, () => {
  it('hands a port to the page that asked', () => {
    fake.ipcMain.emit(CHANNELS.connect, trusted());
    expect(window.webContents.posted).toHaveLength(1);
  });

  it.each(untrusted)('is refused from %s', (name) => {
    fake.ipcMain.emit(CHANNELS.connect, sender(name));
    expect(window.webContents.posted).toEqual([]);
    expect(fake.channels).toEqual([]);
    expect(logged.at(-1)).toContain('refused switchboard:connect');
  });

  it.each(['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'http://127.0.0.1:5173/'])('is refused from a top frame showing %s', (url) => {
    fake.ipcMain.emit(CHANNELS.connect, navigatedTo(url));
    expect(window.webContents.posted).toEqual([]);
  });

  it.each([[[1]], [['x', 'y']], [[{ port: 1 }]]])('is refused with arguments %j', (args) => {
    fake.ipcMain.emit(CHANNELS.connect, trusted(), ...args);
    expect(window.webContents.posted).toEqual([]);
    expect(logged.at(-1)).toContain('refused switchboard:connect');
  });
});

describe(`${'switchboard:open-playbook'}`, () => {
  it('shows the open dialog and returns the chosen file', async () => {
    const file = path.join(dir, 'x.playbook.json');
    fs.writeFileSync(file, '{"id":"x"}');
    fake.module.dialog.openResult = { canceled: false, filePaths: [file] };
    expect(await invoke(CHANNELS.openPlaybook, trusted())).toEqual({ fileName: 'x.playbook.json', text: '{"id":"x"}' });
    expect(fake.module.dialog.openCalls[0]?.[0]).toBe(window);
  });

  it('returns null when the user cancels', async () => {
    expect(await invoke(CHANNELS.openPlaybook, trusted())).toBeNull();
  });

  it.each(untrusted)('is refused from %s', async (name) => {
    await expect(invoke(CHANNELS.openPlaybook, sender(name))).rejects.toThrow(/refused/);
    expect(fake.module.dialog.openCalls).toEqual([]);
  });

  it('is refused from a top frame showing another origin', async () => {
    await expect(invoke(CHANNELS.openPlaybook, navigatedTo('https://evil.example/'))).rejects.toThrow(/refused/);
    expect(fake.module.dialog.openCalls).toEqual([]);
  });

  it.each([[[{}]], [['/etc/passwd']], [[undefined, 1]]])('is refused with arguments %j', async (args) => {
    await expect(invoke(CHANNELS.openPlaybook, trusted(), ...args)).rejects.toThrow(/invalid arguments/);
    expect(fake.module.dialog.openCalls).toEqual([]);
  });
});

describe(`${'switchboard:save-playbook'}`, () => {
  it('shows the save dialog with the suggested name and writes the text there', async () => {
    const target = path.join(dir, 'out.playbook.json');
    fake.module.dialog.saveResult = { canceled: false, filePath: target };
    expect(await invoke(CHANNELS.savePlaybook, trusted(), { suggestedName: 'phish.playbook.json', text: '{}' })).toBe(target);
    expect(fs.readFileSync(target, 'utf8')).toBe('{}');
    const options = fake.module.dialog.saveCalls[0]?.[1] as { defaultPath: string };
    expect(path.basename(options.defaultPath)).toBe('phish.playbook.json');
  });

  it('returns null and writes nothing when the user cancels', async () => {
    expect(await invoke(CHANNELS.savePlaybook, trusted(), { suggestedName: 'a.playbook.json', text: '{}' })).toBeNull();
  });

  it.each(untrusted)('is refused from %s', async (name) => {
    await expect(invoke(CHANNELS.savePlaybook, sender(name), { suggestedName: 'a.playbook.json', text: '{}' })).rejects.toThrow(/refused/);
    expect(fake.module.dialog.saveCalls).toEqual([]);
  });

  it('is refused from a top frame showing another origin', async () => {
    await expect(invoke(CHANNELS.savePlaybook, navigatedTo('https://evil.example/'), { suggestedName: 'a.playbook.json', text: '{}' })).rejects.toThrow(/refused/);
  });

  it.each([
    ['no argument', []],
    ['a path as the name', [{ suggestedName: '../../.bashrc', text: 'x' }]],
    ['an absolute path', [{ suggestedName: '/etc/cron.d/x', text: 'x' }]],
    ['a Windows path', [{ suggestedName: 'C:\\Users\\x\\a.json', text: 'x' }]],
    ['a NUL byte', [{ suggestedName: 'a\u0000.json', text: 'x' }]],
    ['an empty name', [{ suggestedName: '', text: 'x' }]],
    ['dot-dot', [{ suggestedName: '..', text: 'x' }]],
    ['text that is not a string', [{ suggestedName: 'a.json', text: { x: 1 } }]],
    ['text over 10 MB', [{ suggestedName: 'a.json', text: 'x'.repeat(10_000_001) }]],
    ['an unknown field', [{ suggestedName: 'a.json', text: 'x', path: '/tmp/a.json' }]],
    ['a second argument', [{ suggestedName: 'a.json', text: 'x' }, '/tmp/a.json']],
  ])('is refused with %s', async (_name, args) => {
    await expect(invoke(CHANNELS.savePlaybook, trusted(), ...args)).rejects.toThrow(/invalid arguments/);
    expect(fake.module.dialog.saveCalls).toEqual([]);
  });
});
