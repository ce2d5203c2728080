import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, memoryBackend } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

/** electron-store as far as the shell uses it; like the real one, it registers an IPC listener when made. */
vi.mock('electron-store', async () => {
  const { fake: electron, memoryBackend: backend } = await import('./fake-electron.ts');
  return {
    default: class {
      static made: unknown[] = [];
      private readonly data = backend();
      constructor(options: unknown) {
        (this.constructor as unknown as { made: unknown[] }).made.push(options);
        electron.ipcMain.on('electron-store-get-data', () => undefined);
      }
      get(key: string) {
        return this.data.get(key);
      }
      set(key: string, value: unknown) {
        this.data.set(key, value);
      }
    },
  };
});

const { createSettings, MAX_RECENT_FILES, openSettings, rememberRecent, workspaceFolder } = await import('../../electron/settings.ts');

beforeEach(() => fake.reset());

describe('settings', () => {
  it('are kept by electron-store in settings.json, without its IPC listener', async () => {
    const settings = await openSettings();
    const { default: Store } = (await import('electron-store')) as unknown as { default: { made: unknown[] } };
    expect(Store.made.at(-1)).toMatchObject({ name: 'settings' });
    expect(fake.ipcMain.listenerCount('electron-store-get-data')).toBe(0);
    settings.set('theme', 'dark');
    expect(settings.get('theme')).toBe('dark');
  });

  it('read a value that fails its schema as the default', () => {
    const settings = createSettings(memoryBackend({ theme: 'neon', recentFiles: 'x', lab: 'yes', windowBounds: { width: 5, height: 5 } }));
    expect(settings.get('theme')).toBe('system');
    expect(settings.get('recentFiles')).toEqual([]);
    expect(settings.get('lab')).toBe(true);
    expect(settings.get('windowBounds')).toBeUndefined();
  });

  it('refuse to write a value that fails its schema', () => {
    const settings = createSettings(memoryBackend());
    expect(() => settings.set('theme', 'neon' as never)).toThrow();
  });

  it('keep the most recent files first, once each, at most ten', () => {
    const settings = createSettings(memoryBackend());
    for (let i = 0; i < 12; i++) rememberRecent(settings, `/p/${i}.playbook.json`);
    rememberRecent(settings, '/p/5.playbook.json');
    const recent = settings.get('recentFiles');
    expect(recent).toHaveLength(MAX_RECENT_FILES);
    expect(recent[0]).toBe('/p/5.playbook.json');
    expect(new Set(recent).size).toBe(recent.length);
  });

  it('keep team servers as accepted origins only: a hand-edited entry that is not one reads as none', () => {
    const settings = createSettings(memoryBackend({ recentTeamServers: ['https://team.example.com', 'http://127.0.0.1:7070'] }));
    expect(settings.get('recentTeamServers')).toEqual(['https://team.example.com', 'http://127.0.0.1:7070']);
    for (const bad of ['http://team.example.com', 'https://team.example.com/path', 'javascript:alert(1)', 'https://a:b@team.example.com']) {
      expect(createSettings(memoryBackend({ recentTeamServers: [bad] })).get('recentTeamServers'), bad).toEqual([]);
      expect(() => settings.set('recentTeamServers', [bad])).toThrow();
    }
  });

  it('put the workspace in the user-data folder unless the settings or SWITCHBOARD_WORKSPACE say otherwise', () => {
    const settings = createSettings(memoryBackend());
    expect(workspaceFolder(settings, '/home/a/.config/Switchboard', {})).toBe(path.resolve('/home/a/.config/Switchboard/workspace'));
    settings.set('workspacePath', '/srv/soar');
    expect(workspaceFolder(settings, '/x', {})).toBe(path.resolve('/srv/soar'));
    expect(workspaceFolder(settings, '/x', { SWITCHBOARD_WORKSPACE: '/tmp/ws' })).toBe(path.resolve('/tmp/ws'));
  });
});
