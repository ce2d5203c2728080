import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../build/electron.ts';

/** electron-builder.yml, read and checked by electron-builder's own loader and schema (the packaging itself needs Electron's downloads). */

interface BuilderConfig {
  asar?: boolean;
  electronVersion?: string;
  electronFuses?: Record<string, boolean>;
  extraMetadata?: { main?: string };
  files?: Array<string | { filter?: string[] }>;
  linux?: { target?: string[] };
  mac?: { target?: string[] };
  win?: { target?: string[] };
  fileAssociations?: Array<{ ext: string }>;
}

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, configFromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const pkg = require(path.join(ROOT, 'package.json')) as { optionalDependencies: Record<string, string> };

async function load(): Promise<BuilderConfig> {
  const config = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema and pins the Electron of package.json", async () => {
    const config = await load();
    expect(config.electronVersion).toBe(pkg.optionalDependencies.electron);
  });

  it('builds AppImage and deb, dmg and NSIS, in an asar', async () => {
    const config = await load();
    expect(config.asar).toBe(true);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('sets the fuses: no RunAsNode, NODE_OPTIONS or inspect; asar integrity and only-from-asar on', async () => {
    const config = await load();
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('ships the three bundles, the renderer and the playbooks, and starts main.mjs', async () => {
    const config = await load();
    const files = (config.files ?? []).flatMap((entry) => (typeof entry === 'string' ? [entry] : (entry.filter ?? [])));
    expect(files).toEqual(expect.arrayContaining(['dist/electron/main.mjs', 'dist/electron/preload.cjs', 'dist/electron/host.mjs', 'dist/renderer/**/*', 'playbooks/*.playbook.json']));
    expect(config.extraMetadata?.main).toBe('dist/electron/main.mjs');
    expect(config.fileAssociations?.map((association) => association.ext)).toEqual(['playbook.json']);
  });
});
