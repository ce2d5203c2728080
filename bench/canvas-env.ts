import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { contentTypeOf, CROSS_ORIGIN_ISOLATION, resolveStaticPath } from '../host/server/static-files.ts';
import { CHROMIUM_ARGS, ServeNotStarted, spawnServe, stopChild } from '../test/support/serve-child.ts';

/**
 * What the canvas benchmarks stand on: the production builds of the editor and of the bare
 * React Flow baseline (vite's JS API, into a temporary folder, once per process), the host
 * (`switchboard serve` on a fresh workspace), a static server for the baseline, and Debian's
 * Chromium through playwright-core.
 */

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** `switchboard serve` on a given renderer folder: the browser tests' launcher serves the benchmarks too. */
const SERVE = path.join(REPO_ROOT, 'test', 'e2e', 'serve.ts');
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the canvas benchmarks cannot run here (their lines then read NaN); thrown by `launchChromium`. */
export class CanvasUnavailable extends Error {
  override name = 'CanvasUnavailable';
}

/** A temporary folder removed when the process exits, however it exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Builds {
  /** The editor, built from renderer/ with the repository's vite.config.ts (production). */
  rendererDir: string;
  /** bench/canvas-baseline/, built the same way; graph files are written beside its index.html. */
  baselineDir: string;
}

let builds: Promise<Builds> | undefined;

/** Builds both pages once per process (the first canvas benchmark pays, the others reuse them). */
export function buildPages(): Promise<Builds> {
  builds ??= (async () => {
    const root = tempDir('switchboard-canvas-bench-');
    const rendererDir = path.join(root, 'renderer');
    const baselineDir = path.join(root, 'baseline');
    const { build } = await import('vite');
    await build({
      configFile: path.join(REPO_ROOT, 'vite.config.ts'),
      root: path.join(REPO_ROOT, 'renderer'),
      mode: 'production',
      logLevel: 'error',
      build: { outDir: rendererDir, emptyOutDir: true },
    });
    await build({
      configFile: false,
      root: path.join(REPO_ROOT, 'bench', 'canvas-baseline'),
      base: './',
      mode: 'production',
      logLevel: 'error',
      build: { outDir: baselineDir, emptyOutDir: true, modulePreload: { polyfill: false }, chunkSizeWarningLimit: 2_000 },
    });
    return { rendererDir, baselineDir };
  })();
  return builds;
}

export interface RunningHost {
  /** `http://127.0.0.1:<port>/?token=…` as serve printed it. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts `switchboard serve --port 0 --workspace DIR --no-lab --no-open` (through
 * test/e2e/serve.ts, which serves `rendererDir`) and waits for its one line with the URL.
 */
export async function startHost(workspace: string, rendererDir: string): Promise<RunningHost> {
  try {
    const { child, url } = await spawnServe(SERVE, [rendererDir, '--port', '0', '--workspace', workspace, '--no-lab', '--no-open'], { timeoutMs: 60_000 });
    return { url, close: () => stopChild(child, 5_000) };
  } catch (error) {
    if (!(error instanceof ServeNotStarted)) throw error;
    error.child.kill('SIGKILL');
    throw hostError(error);
  }
}

/** The error a host that printed no URL crashes the benchmark with, ending with its last stderr. */
function hostError(error: ServeNotStarted): Error {
  const why =
    error.reason === 'timeout' ? 'the host printed no URL within 60 s' : error.reason === 'exit' ? `the host exited (${error.child.exitCode}) before printing its URL` : error.message;
  const stderr = error.stderr.slice(-4_000);
  return new Error(`${why}${stderr === '' ? '' : `: ${stderr.trim()}`}`);
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}

/** Serves a folder on 127.0.0.1 (the baseline page and its graph files); `/` is index.html. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const file = resolveStaticPath(root, new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (file === undefined || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    // Cross-origin isolated like the editor, so both pages' clocks tick alike.
    res.writeHead(200, { 'Content-Type': contentTypeOf(file), 'Cache-Control': 'no-cache', ...CROSS_ORIGIN_ISOLATION });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Debian's Chromium, headless; `CanvasUnavailable` when it or playwright-core is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new CanvasUnavailable(`${CHROMIUM_PATH} not found (apt-get install -y chromium)`);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    throw new CanvasUnavailable(`playwright-core cannot be loaded (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new CanvasUnavailable(`Chromium did not start: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
}
