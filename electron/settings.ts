import path from 'node:path';
import { ipcMain } from 'electron';
import * as z from 'zod';
import { checkTeamServerUrl, MAX_RECENT_TEAM_SERVERS } from './team-server.ts';

/** Most recent files kept for File › Recent. */
export const MAX_RECENT_FILES = 10;

const Bounds = z.strictObject({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().optional(),
});

/** A team server as File › Connect to Team Server… keeps it: an accepted URL's origin. */
const TeamServer = z.string().refine((text) => {
  const checked = checkTeamServerUrl(text);
  return checked.ok && checked.origin === text;
}, 'must be the origin of an https:// (or loopback http://) team server');

/** The shell's settings file (`settings.json` in the app's user-data folder), one schema per key. */
const SCHEMA = {
  windowBounds: Bounds.optional(),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  recentFiles: z.array(z.string().min(1).max(4_096)).max(MAX_RECENT_FILES).default([]),
  /** Undefined: `<userData>/workspace`. */
  workspacePath: z.string().min(1).max(4_096).optional(),
  /** File › Connect to Team Server…: servers whose page opened, most recent first. */
  recentTeamServers: z.array(TeamServer).max(MAX_RECENT_TEAM_SERVERS).default([]),
  /** Start the lab's vendor twins beside the host, as `switchboard serve` does by default. */
  lab: z.boolean().default(true),
  /** Per workspace folder: its vault key, encrypted with safeStorage, base64. Never the key itself. */
  vaultKeys: z.record(z.string(), z.string().max(4_096)).default({}),
};

export type WindowBounds = z.infer<typeof Bounds>;
export type SettingsData = { [K in keyof typeof SCHEMA]: z.output<(typeof SCHEMA)[K]> };
export type SettingKey = keyof SettingsData;

/** Where a setting is kept: electron-store in the app, a Map in tests. */
export interface SettingsBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Typed, validated settings: a hand-edited or stale value that fails its schema reads as its default. */
export interface Settings {
  get<K extends SettingKey>(key: K): SettingsData[K];
  set<K extends SettingKey>(key: K, value: SettingsData[K]): void;
}

/** Wraps a backend with the schemas: reads are parsed (falling back to the default), writes are checked. */
export function createSettings(backend: SettingsBackend): Settings {
  return {
    get(key) {
      const schema = SCHEMA[key] as z.ZodType;
      const parsed = schema.safeParse(backend.get(key));
      return (parsed.success ? parsed.data : schema.parse(undefined)) as never;
    },
    set(key, value) {
      backend.set(key, (SCHEMA[key] as z.ZodType).parse(value));
    },
  };
}

/**
 * Opens `settings.json` with electron-store. electron-store registers an IPC listener so that
 * renderers can find the settings file; this app's renderers never need it, so it is removed:
 * every IPC handler left in main is one of ours, and checks its sender.
 */
export async function openSettings(): Promise<Settings> {
  const { default: ElectronStore } = await import('electron-store');
  const store = new ElectronStore<Record<string, unknown>>({ name: 'settings', clearInvalidConfig: true });
  ipcMain.removeAllListeners('electron-store-get-data');
  return createSettings({ get: (key) => store.get(key), set: (key, value) => store.set(key, value) });
}

/** The workspace folder: the setting, else `<userData>/workspace` (apart from `serve`'s, whose vault key is a file). */
export function workspaceFolder(settings: Settings, userData: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.SWITCHBOARD_WORKSPACE;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.resolve(settings.get('workspacePath') ?? path.join(userData, 'workspace'));
}

/** Puts `file` first in the recent list, without duplicates, keeping at most `MAX_RECENT_FILES`. */
export function rememberRecent(settings: Settings, file: string): string[] {
  const recent = [file, ...settings.get('recentFiles').filter((entry) => entry !== file)].slice(0, MAX_RECENT_FILES);
  settings.set('recentFiles', recent);
  return recent;
}
