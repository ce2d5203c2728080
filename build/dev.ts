import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';
import { electronBinary } from '../host/cli/commands/start.ts';
import { startServer } from '../host/server/server.ts';
import { OUT_DIR, ROOT, watchElectron } from './electron.ts';

/**
 * `npm run dev`: the editor from vite's dev server with hot module replacement, and
 *  - where Electron can run: the desktop shell on it, its bundles rebuilt on change and Electron
 *    restarted when main, preload or host change (the renderer itself hot-reloads);
 *  - elsewhere: the browser transport (`switchboard serve`'s host and WebSocket) behind vite, whose
 *    dev server forwards /ws to it with the Origin the host expects.
 */

const VITE_CONFIG = path.join(ROOT, 'vite.config.ts');

async function startVite(overrides: InlineConfig = {}): Promise<{ vite: ViteDevServer; url: string }> {
  const vite = await createServer({ configFile: VITE_CONFIG, root: path.join(ROOT, 'renderer'), ...overrides, server: { host: '127.0.0.1', ...overrides.server } });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite did not report its URL');
  return { vite, url };
}

function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function desktop(binary: string): Promise<void> {
  const { vite, url } = await startVite();
  let child: ChildProcess | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  const launch = () => {
    const previous = child;
    child = undefined;
    previous?.kill();
    const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_DEV_SERVER_URL: url };
    delete env.ELECTRON_RUN_AS_NODE;
    const next = spawn(binary, [path.join(OUT_DIR, 'main.mjs')], { stdio: 'inherit', env });
    child = next;
    next.on('exit', () => {
      if (child === next && !stopping) {
        process.stdout.write('switchboard dev: the window was closed; stopping\n');
        void stop().finally(() => process.exit(0));
      }
    });
  };
  const stopWatching = await watchElectron((bundle) => {
    process.stdout.write(`switchboard dev: rebuilt ${bundle}\n`);
    clearTimeout(timer);
    timer = setTimeout(launch, 200);
  });
  const stop = async () => {
    stopping = true;
    clearTimeout(timer);
    child?.kill();
    await stopWatching();
    await vite.close();
  };
  onStop(stop);
  process.stdout.write(`switchboard dev: desktop shell on ${url} (vite HMR); Ctrl-C stops\n`);
}

async function browser(): Promise<void> {
  const workspace = process.env.SWITCHBOARD_WORKSPACE ?? path.join(os.homedir(), '.switchboard', 'workspace');
  const server = await startServer({ port: 0, workspace, lab: process.env.SWITCHBOARD_NO_LAB !== '1' });
  const hostOrigin = `http://127.0.0.1:${server.port}`;
  const { vite, url } = await startVite({
    server: {
      proxy: {
        '/ws': {
          target: hostOrigin,
          ws: true,
          changeOrigin: true,
          configure: (proxy) => proxy.on('proxyReqWs', (request) => request.setHeader('Origin', hostOrigin)),
        },
      },
    },
  });
  onStop(async () => {
    await vite.close();
    await server.close();
  });
  process.stdout.write(`switchboard dev: Electron is not installed here; browser version with vite HMR\n`);
  process.stdout.write(`Switchboard is running at ${url}?token=${server.token}\n`);
}

const binary = electronBinary();
await (binary === undefined || process.argv.includes('--browser') ? browser() : desktop(binary));
