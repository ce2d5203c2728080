import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hooksListen } from '../../../host/cli/commands/serve.ts';
import { DEFAULT_HOOKS_PORT } from '../../../host/triggers/webhooks/listener.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const dir = useTempDir('switchboard-serve-hooks-');
const io = () => ({ cwd: dir() }) as never;

describe('serve --hooks-* options', () => {
  it('defaults to the documented port on loopback, which may fall back when taken', () => {
    expect(hooksListen({}, io())).toEqual({ host: '127.0.0.1', port: DEFAULT_HOOKS_PORT, explicitPort: false });
    expect(hooksListen({ 'hooks-port': '0', 'hooks-host': '10.1.2.3' }, io())).toEqual({ host: '10.1.2.3', port: 0, explicitPort: true });
  });

  it('refuses a bad port, a bad address and half a TLS pair, naming the flag', () => {
    expect(() => hooksListen({ 'hooks-port': '99999' }, io())).toThrow('--hooks-port: 99999 is not a port number (0-65535)');
    expect(() => hooksListen({ 'hooks-host': 'a b' }, io())).toThrow('--hooks-host: "a b" is not an address');
    expect(() => hooksListen({ 'hooks-tls-cert': 'cert.pem' }, io())).toThrow('--hooks-tls-cert and --hooks-tls-key go together');
    expect(() => hooksListen({ 'hooks-tls-cert': 'cert.pem', 'hooks-tls-key': 'key.pem' }, io())).toThrow(/^--hooks-tls-cert: cannot read cert\.pem/);
  });

  it('reads the TLS certificate and key from files', () => {
    fs.writeFileSync(path.join(dir(), 'cert.pem'), 'CERT');
    fs.writeFileSync(path.join(dir(), 'key.pem'), 'KEY');
    const listen = hooksListen({ 'hooks-tls-cert': 'cert.pem', 'hooks-tls-key': 'key.pem' }, io());
    expect(listen.tls?.cert.toString()).toBe('CERT');
    expect(listen.tls?.key.toString()).toBe('KEY');
  });
});
