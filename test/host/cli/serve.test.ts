import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parsePort, serveCommand, serveWorkspace } from '../../../host/cli/commands/serve.ts';
import { electronAvailable } from '../../../host/cli/commands/start.ts';
import type { CliIo } from '../../../host/cli/io.ts';
import { socketProtocols } from '../../../host/protocol/socket-token.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const dir = useTempDir('switchboard-serve-');

function io(controller: AbortController, env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const value: CliIo = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    stdin: Readable.from([]),
    isTTY: false,
    cwd: dir(),
    env: { SWITCHBOARD_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'), ...env },
    signal: controller.signal,
  };
  return { io: value, out };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('switchboard serve', () => {
  it('prints the URL with its token and where webhooks arrive, serves the protocol, stops on Ctrl-C', async () => {
    const controller = new AbortController();
    const { io: cliIo, out } = io(controller);
    const rendererDir = path.join(dir(), 'renderer');
    let built = false;
    const running = serveCommand(['--workspace', 'ws', '--no-lab', '--no-open'], cliIo, {
      rendererDir,
      buildRenderer: async () => {
        built = true;
      },
    });
    await until(() => out.stdout.includes('Webhooks at'));
    expect(built).toBe(true);
    const match = /^Switchboard is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))\nWebhooks at http:\/\/127\.0\.0\.1:\d+\/hooks\/\n$/.exec(out.stdout);
    expect(match, out.stdout).not.toBeNull();
    const ws = new WebSocket(`ws://127.0.0.1:${match![2]}/ws`, socketProtocols(match![3]!));
    const answer = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, method: 'host.info', params: {} })));
      ws.once('message', (data) => resolve(data.toString()));
      ws.once('error', reject);
    });
    expect(JSON.parse(answer)).toMatchObject({ id: 1, result: { workspace: path.join(dir(), 'ws'), lab: { running: false } } });
    const closed = new Promise((resolve) => ws.once('close', resolve));
    controller.abort();
    expect(await running).toBe(0);
    await closed;
    expect(fs.existsSync(path.join(dir(), 'ws', 'settings.json'))).toBe(true);
  });

  it('refuses a bad port and stray arguments in one line', async () => {
    const controller = new AbortController();
    await expect(serveCommand(['--port', '99999'], io(controller).io)).rejects.toThrow('--port: 99999 is not a port number (0-65535)');
    await expect(serveCommand(['file.json'], io(controller).io)).rejects.toThrow(/takes no file/);
    expect(parsePort('8080')).toBe(8080);
    expect(parsePort(undefined)).toBe(0);
  });

  it('defaults the workspace to $SWITCHBOARD_WORKSPACE, else ~/.switchboard/workspace', () => {
    const controller = new AbortController();
    expect(serveWorkspace(undefined, io(controller, { SWITCHBOARD_WORKSPACE: 'here' }).io)).toBe(path.join(dir(), 'here'));
    expect(serveWorkspace(undefined, io(controller).io)).toBe(path.join(os.homedir(), '.switchboard', 'workspace'));
    expect(serveWorkspace('/abs', io(controller).io)).toBe(path.resolve('/abs'));
  });

  it('finds no Electron binary where the package is absent', () => {
    expect(electronAvailable(path.join(dir(), 'no-electron'))).toBe(false);
    fs.mkdirSync(path.join(dir(), 'electron', 'dist'), { recursive: true });
    fs.writeFileSync(path.join(dir(), 'electron', 'path.txt'), 'electron');
    expect(electronAvailable(path.join(dir(), 'electron'))).toBe(false);
    fs.writeFileSync(path.join(dir(), 'electron', 'dist', 'electron'), '');
    expect(electronAvailable(path.join(dir(), 'electron'))).toBe(true);
  });
});
