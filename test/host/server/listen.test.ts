import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { databaseUrl, editorListen } from '../../../host/cli/commands/serve.ts';
import type { CliIo } from '../../../host/cli/io.ts';
import { socketProtocols } from '../../../host/protocol/socket-token.ts';
import { listenProblem } from '../../../host/server/listen-address.ts';
import { checkRequest, siteOf } from '../../../host/server/request-guard.ts';
import type { RunningServer } from '../../../host/server/server.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { socketOutcome, startTestServer, tempDir, writeShipped } from '../protocol/harness.ts';

/** The CLI's io for flag parsing in `cwd`; nothing is printed. */
const cliIo = (cwd: string): CliIo => ({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: Readable.from([]), isTTY: false, cwd, env: {} });

const REFUSED = '--listen-host: 0.0.0.0 is reachable from other machines; give --tls-cert FILE and --tls-key FILE to serve it over HTTPS';

describe('where the editor may listen', () => {
  it('listens on loopback without TLS, anywhere else only with it', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(listenProblem(host, false)).toBeUndefined();
    expect(listenProblem('0.0.0.0', false)).toBe(REFUSED);
    expect(listenProblem('192.168.1.5', true)).toBeUndefined();
  });

  it('accepts the public name in Host and, with its scheme, in Origin; the bare name on the default port', () => {
    const site = siteOf(8443, { publicName: 'Switchboard.Example', tls: true });
    expect(checkRequest({ host: 'switchboard.example:8443', origin: 'https://switchboard.example:8443' }, site)).toEqual({ ok: true });
    expect(checkRequest({ host: 'localhost:8443' }, site)).toEqual({ ok: true });
    expect(checkRequest({ host: 'switchboard.example:8443', origin: 'http://switchboard.example:8443' }, site)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ host: 'evil.example:8443' }, site)).toEqual({ ok: false, status: 403, reason: 'Host header must be 127.0.0.1:8443 or localhost:8443 or switchboard.example:8443' });
    expect(checkRequest({ host: 'switchboard.example', origin: 'https://switchboard.example' }, siteOf(443, { publicName: 'switchboard.example', tls: true }))).toEqual({ ok: true });
  });
});

describe('serve --listen-host', () => {

  it('refuses a non-loopback address without a certificate and key, in one line', () => {
    expect(() => editorListen({ 'listen-host': '0.0.0.0' }, cliIo('/'))).toThrow(REFUSED);
    expect(() => editorListen({ 'listen-host': '0.0.0.0', 'tls-cert': 'c.pem' }, cliIo('/'))).toThrow('--tls-cert and --tls-key go together');
    expect(() => editorListen({ 'listen-host': '0.0.0.0', 'tls-cert': 'missing.pem', 'tls-key': 'missing.pem' }, cliIo('/'))).toThrow(/^--tls-cert: cannot read missing\.pem/);
    expect(editorListen({}, cliIo('/'))).toEqual({ listenHost: '127.0.0.1' });
  });

  it('is refused by the server itself too', async () => {
    const shipped = writeShipped(tempDir(), [TINY]);
    await expect(startTestServer({ shipped, listenHost: '0.0.0.0' })).rejects.toThrow(REFUSED);
    fs.rmSync(shipped, { recursive: true, force: true });
  });
});

describe('serve --database', () => {
  it('passes a PostgreSQL URL through and refuses anything else in one line naming the option', () => {
    expect(databaseUrl(undefined)).toBeUndefined();
    expect(databaseUrl('postgres://sb:pw@db.internal:5432/switchboard')).toBe('postgres://sb:pw@db.internal:5432/switchboard');
    expect(() => databaseUrl('mysql://db/switchboard')).toThrow(/^--database must be a postgres:\/\/user:password@host:port\/database URL/);
  });
});

describe('the editor over TLS', () => {
  const dirs = [tempDir(), tempDir(), tempDir()];
  const [certDir, shipped, workspace] = dirs as [string, string, string];
  let server: RunningServer | undefined;
  let ca: Buffer;

  beforeAll(async () => {
    const [cert, key] = [path.join(certDir, 'cert.pem'), path.join(certDir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert, '-addext', 'subjectAltName=DNS:switchboard.test,DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    ca = fs.readFileSync(cert);
    const listen = editorListen({ 'listen-host': '127.0.0.1', 'tls-cert': cert, 'tls-key': key, 'public-name': 'switchboard.test' }, cliIo(certDir));
    server = await startTestServer({ shipped: writeShipped(shipped, [TINY]), workspace, ...listen });
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });


  /** A GET over https to 127.0.0.1, trusting the test's certificate for `switchboard.test`. */
  const get = (pathname: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: server!.port, path: pathname, servername: 'switchboard.test', ca, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
    });

  it('prints an https URL with the public name, and serves the page to that name only', async () => {
    const port = server!.port;
    expect(server!.url).toBe(`https://switchboard.test:${port}/?token=${server!.token}`);
    expect((await get('/', { Host: `switchboard.test:${port}` })).status).toBe(200);
    expect((await get('/', { Host: `evil.test:${port}` })).status).toBe(403);
    expect((await get('/', { Host: `switchboard.test:${port}`, Origin: `http://switchboard.test:${port}` })).status).toBe(403);
  });

  it('speaks wss, with the token, from its own https origin', async () => {
    const port = server!.port;
    // `servername` reaches tls.connect, though ws does not declare it.
    const trust = { ca, servername: 'switchboard.test' };
    const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, socketProtocols(server!.token), {
      ...trust,
      headers: { Host: `switchboard.test:${port}`, Origin: `https://switchboard.test:${port}` },
    });
    expect(await socketOutcome(ws)).toMatchObject({ answer: { id: 1, result: { workspace } }, protocol: 'switchboard.v1' });
  });
});
