import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import WebSocket from 'ws';
import { socketProtocols } from '../../host/protocol/socket-token.ts';
import { CHROMIUM_ARGS, ServeNotStarted, spawnServe, stopChild, type ServeChild } from '../support/serve-child.ts';

/**
 * The browser tests' fixture: a real `switchboard serve` (child process, fresh workspace, lab
 * on), Debian's Chromium launched once per file, and a fresh browser context and page per test
 * with the editor loaded. The lab twins are reset before every test, so a test that quarantines
 * mail or suspends a user leaves nothing behind for the next one.
 */

/** The CLI's serve command, on the renderer snapshot of global-setup.ts (see serve.ts). */
const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));
/** Where a failing test leaves a screenshot of the page. */
export const SHOTS_DIR = '/tmp/e2e-shots';
/** Big enough for palette, canvas and side panel side by side. */
const VIEWPORT = { width: 1600, height: 1000 };
/** How long a single Playwright action or wait may take before the test fails with its message. */
const ACTION_TIMEOUT_MS = 20_000;
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Served {
  /** The URL `serve` printed, token included. */
  url: string;
  port: number;
  token: string;
  /** The workspace folder (playbooks, vault, bindings, runs). */
  workspace: string;
  /** Restores every lab twin to its seeded scenario. */
  resetLab(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `switchboard serve --port 0 --workspace <fresh dir> --no-open` (lab on) serving
 * `rendererDir`, and waits for its one line.
 */
export async function startServe(rendererDir: string = inject('rendererDir')): Promise<Served> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-'));
  const env = { ...process.env };
  delete env.SWITCHBOARD_WORKSPACE;
  delete env.SWITCHBOARD_VAULT_KEY;
  let served: ServeChild;
  try {
    served = await spawnServe(SERVE, [rendererDir, '--port', '0', '--workspace', workspace, '--no-open'], { env, timeoutMs: START_TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof ServeNotStarted)) throw error;
    await stopChild(error.child, STOP_TIMEOUT_MS);
    fs.rmSync(workspace, { recursive: true, force: true });
    throw startError(error);
  }

  const { child, url, port, token } = served;
  const info = await hostCall<{ lab: { running: boolean; twins: Array<{ id: string; url: string }> } }>(port, token, 'host.info', {});
  if (!info.lab.running || info.lab.twins.length === 0) throw new Error('switchboard serve started without its lab; the browser tests run playbooks on the lab.');

  return {
    url,
    port,
    token,
    workspace,
    async resetLab() {
      await hostCall(port, token, 'lab.reset', {});
    },
    async stop() {
      await stopChild(child, STOP_TIMEOUT_MS);
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** The error a serve that printed no URL fails the file with: what happened and what it printed. */
function startError(error: ServeNotStarted): Error {
  if (error.reason === 'timeout') return new Error(`switchboard serve printed no URL within ${START_TIMEOUT_MS} ms.\nstdout: ${error.stdout}\nstderr: ${error.stderr}`);
  if (error.reason === 'exit') return new Error(`switchboard serve exited (${error.child.exitCode ?? error.child.signalCode}) before printing its URL.\nstderr: ${error.stderr}`);
  return error.cause as Error;
}

/** One protocol call over the host's WebSocket, as the editor makes it (token as a subprotocol, same-origin header). */
export async function hostCall<T>(port: number, token: string, method: string, params: unknown): Promise<T> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, socketProtocols(token), { origin: `http://127.0.0.1:${port}` });
  try {
    return await new Promise<T>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ id: 1, method, params })));
      socket.on('message', (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as { id?: number | null; result?: unknown; error?: { code: string; message: string } };
        if (frame.id !== 1) return;
        if (frame.error !== undefined) reject(new Error(`${method}: ${frame.error.code} ${frame.error.message}`));
        else resolve(frame.result as T);
      });
    });
  } finally {
    socket.close();
  }
}

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface E2E {
  readonly server: Served;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** A fresh page per test, the editor loaded with a playbook open (or home, see `useEditor`). */
  readonly page: Page;
}

function fileSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
}

/**
 * Registers the hooks of one test file: server and browser for the file, a context and page per
 * test, each page in the editor with the first playbook open (or left on home with `startAt: 'home'`).
 * A failing test leaves a screenshot in /tmp/e2e-shots; an uncaught error in the page fails the
 * test that caused it.
 */
export function useEditor(options: { startAt?: 'editor' | 'home' } = {}): E2E {
  let server: Served | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServe();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    if (server === undefined || browser === undefined) throw new Error('The server or the browser did not start.');
    await server.resetLab();
    pageErrors = [];
    context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(server.url);
    if (options.startAt === 'home') await waitForHome(page);
    else await waitForEditor(page);
  });

  afterEach(async ({ task }) => {
    try {
      if (task.result?.state === 'fail' && page !== undefined && !page.isClosed()) {
        fs.mkdirSync(SHOTS_DIR, { recursive: true });
        const file = path.join(SHOTS_DIR, `${fileSlug(path.basename(task.file?.name ?? 'e2e'))}--${fileSlug(task.name)}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        console.error(`Screenshot of the failed test: ${file}`);
      }
    } finally {
      await context?.close();
      context = undefined;
      page = undefined;
    }
    if (pageErrors.length > 0) throw new Error(`The page threw:\n${pageErrors.join('\n\n')}`);
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: use it inside a test.`);
    return value;
  };
  return {
    get server() {
      return need(server, 'The server');
    },
    get browser() {
      return need(browser, 'The browser');
    },
    get context() {
      return need(context, 'The browser context');
    },
    get page() {
      return need(page, 'The page');
    },
  };
}

/** In the page: `editor` once a playbook is open (its title, a canvas node, the palette), `home` once the playbook list shows, else ''. */
function shownView(): string {
  const title = document.querySelector('h1')?.textContent;
  const editor = title !== undefined && title !== null && title !== 'No playbook open' && document.querySelector('.react-flow__node') !== null && document.querySelector('.sb-palette-item') !== null;
  if (editor) return 'editor';
  return document.querySelector('table[aria-label="Playbooks"] tbody tr a') === null ? '' : 'home';
}

/**
 * Waits until the editor has connected, loaded the catalogue and opened a playbook. The app opens
 * on home (the playbook list) unless the address names a playbook: from home this opens the first
 * listed playbook by its name, as a user would, so every test starts in the editor as before.
 */
export async function waitForEditor(page: Page): Promise<void> {
  await page.waitForFunction(shownView, null, { timeout: ACTION_TIMEOUT_MS });
  if ((await page.evaluate(shownView)) === 'home') await page.getByRole('table', { name: 'Playbooks' }).getByRole('row').nth(1).getByRole('link').click();
  await expect.poll(() => page.evaluate(shownView), { timeout: ACTION_TIMEOUT_MS }).toBe('editor');
}

/** Waits until the app shows home with its playbook list (the plain address). */
export async function waitForHome(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(shownView), { timeout: ACTION_TIMEOUT_MS }).toBe('home');
}
