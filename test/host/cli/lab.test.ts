import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_TOKEN_ENV, resetTargets, resetUrl } from '../../../host/cli/commands/lab.ts';
import { CliError } from '../../../host/cli/io.ts';
import { labInfoOf } from '../../../host/cli/lab-info.ts';
import { startLab, type Lab } from '../../../host/lab/lab.ts';
import type { OktaTwinState } from '../../../lab/twins/okta.ts';
import { labVendors } from '../../../host/lab/vendors.ts';
import { startTestServer } from '../../support/http-server.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { waitFor } from '../../support/wait-for.ts';
import { cli, hasStackTrace, startCli } from './harness.ts';

const dir = useTempDir('switchboard-lab-cli-');
let lab: Lab;

beforeAll(async () => {
  lab = await startLab(labVendors);
});

afterAll(async () => {
  await lab.close();
});

function twin(id: string) {
  const found = lab.twins.find((t) => t.id === id);
  if (!found) throw new Error(`no ${id} twin`);
  return found;
}

/** Suspends every Okta user and records a request on the Slack twin: state a reset must undo. */
function dirty(): void {
  for (const user of (twin('okta').state() as OktaTwinState).users) user.status = 'SUSPENDED';
  twin('slack').requests.push({ method: 'POST', path: '/api/chat.postMessage' });
}

function oktaStatuses(): string[] {
  return (twin('okta').state() as OktaTwinState).users.map((u) => u.status);
}

describe('switchboard lab --reset', () => {
  it('resets every twin named in the file that switchboard lab --json was saved to', async () => {
    const file = path.join(dir(), 'lab.json');
    fs.writeFileSync(file, JSON.stringify(labInfoOf(lab)));
    dirty();

    const result = await cli(['lab', '--reset', 'lab.json'], { cwd: dir() });

    expect(result.code, result.stderr).toBe(0);
    expect(oktaStatuses()).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(twin('slack').requests).toEqual([]);
    expect(result.stdout).toContain(`✓ okta         ${twin('okta').url}  reset`);
    expect(result.stdout).toContain(`Lab reset: ${lab.twins.length} twins are back at the story's starting state`);
  });

  it('resets only the twin whose URL is given (any URL on it)', async () => {
    dirty();

    const result = await cli(['lab', '--reset', `${twin('okta').url}/api/v1/users`], { cwd: dir(), env: { [LAB_TOKEN_ENV]: lab.controlToken } });

    expect(result.code, result.stderr).toBe(0);
    expect(oktaStatuses()).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(twin('slack').requests).toHaveLength(1);
    expect(result.stdout).toContain('Lab reset: 1 twin is back');
  });

  it('sends $SWITCHBOARD_LAB_TOKEN as a bearer token, and no authorization header without it', async () => {
    const server = await startTestServer((_request, res) => {
      res.end('{"ok":true}');
    });
    try {
      const withToken = await cli(['lab', '--reset', server.url], { cwd: dir(), env: { [LAB_TOKEN_ENV]: 'lab-control-token' } });
      const without = await cli(['lab', '--reset', server.url], { cwd: dir() });

      expect(withToken.code).toBe(0);
      expect(without.code).toBe(0);
      expect(server.requests.map((r) => [r.method, r.url, r.headers['authorization']])).toEqual([
        ['POST', '/_lab/reset', 'Bearer lab-control-token'],
        ['POST', '/_lab/reset', undefined],
      ]);
      expect(withToken.stdout + withToken.stderr).not.toContain('lab-control-token');
    } finally {
      await server.close();
    }
  });

  it('exits 1 naming each twin that could not be reset, and still resets the others', async () => {
    const gone = await startTestServer((_request, res) => {
      res.end();
    });
    const goneUrl = gone.url;
    await gone.close();
    const notTwin = await startTestServer((_request, res) => {
      res.statusCode = 404;
      res.end();
    });
    dirty();
    try {
      const result = await cli(['lab', '--reset', goneUrl, notTwin.url, twin('okta').url], { cwd: dir(), env: { [LAB_TOKEN_ENV]: lab.controlToken } });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`✗ ${goneUrl}  did not answer (ECONNREFUSED): is the lab still running?`);
      expect(result.stderr).toContain(`✗ ${notTwin.url}  answered HTTP 404 (is it a Switchboard lab twin?)`);
      expect(result.stderr).toContain('lab --reset: 2 of 3 twins not reset');
      expect(oktaStatuses()).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
      expect(hasStackTrace(result.stderr)).toBe(false);
    } finally {
      await notTwin.close();
    }
  });

  it('says the lab wants its control token when a twin URL is reset without one', async () => {
    dirty();
    const result = await cli(['lab', '--reset', twin('okta').url], { cwd: dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`answered HTTP 401: the lab asks for its control token (reset with the --json file, or set ${LAB_TOKEN_ENV})`);
    expect(oktaStatuses()).not.toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  });

  it('refuses what names no lab with one line and exit 2', async () => {
    fs.writeFileSync(path.join(dir(), 'slots.json'), JSON.stringify({ okta: { apiToken: 'x' } }));
    fs.writeFileSync(path.join(dir(), 'bad-url.json'), JSON.stringify({ twins: [{ id: 'okta', url: 'file:///etc/passwd' }], credentials: {} }));
    const cases: Array<[string[], string]> = [
      [['lab', '--reset'], 'switchboard: lab --reset: name the lab: the file switchboard lab --json was saved to, or a twin URL\n'],
      [['lab', '--reset', 'missing.json'], `switchboard: lab --reset: lab file ${path.join(dir(), 'missing.json')}: no such file\n`],
      [['lab', '--reset', 'slots.json'], 'switchboard: lab --reset: slots.json: not what switchboard lab --json prints (no "twins" list)\n'],
      [['lab', '--reset', 'bad-url.json'], 'switchboard: lab --reset: bad-url.json: twins[0].url must be an http(s) URL\n'],
      [['lab', '--reset', 'ftp://127.0.0.1/'], 'switchboard: lab --reset: ftp://127.0.0.1/ is not an http(s) URL\n'],
      [['lab', '--reset', '--port', '7000', 'lab.json'], 'switchboard: lab --reset: takes no --port or --json, only the lab to reset\n'],
      [['lab', 'lab.json'], 'switchboard: lab: takes no file (to reset a running lab: switchboard lab --reset LAB)\n'],
    ];
    for (const [argv, stderr] of cases) {
      const result = await cli(argv, { cwd: dir() });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toBe(stderr);
    }
  });

  it('documents the reset and the lab file in switchboard help lab', async () => {
    const result = await cli(['help', 'lab'], { cwd: dir() });

    expect(result.stdout).toContain('switchboard lab --reset LAB...');
    expect(result.stdout).toContain('switchboard lab --reset lab.json');
    expect(result.stdout).toContain('--credentials lab.json');
  });
});

describe('switchboard lab', () => {
  it('prints how to run playbooks against it and how to reset it, and stops on Ctrl-C', async () => {
    const running = startCli(['lab'], { cwd: dir() });
    const text = await waitFor(() => (running.stdout().includes('Ctrl-C stops the lab') ? running.stdout() : undefined));

    expect(text).toContain('switchboard run FILE --credentials lab.json');
    expect(text).toContain('switchboard lab --reset lab.json');
    expect((await running.stop()).code).toBe(0);
  });
});

describe('resetTargets and resetUrl', () => {
  it('takes a URL as one twin and a file as every twin it lists', () => {
    const file = { twins: [{ id: 'okta', name: 'Okta', url: 'http://127.0.0.1:1001' }, { id: 'jira', name: 'Jira', url: 'http://127.0.0.1:1002' }], credentials: {} };
    expect(resetTargets(['http://127.0.0.1:9/x', 'lab.json'], () => file)).toEqual([
      { url: 'http://127.0.0.1:9/x' },
      { url: 'http://127.0.0.1:1001', id: 'okta' },
      { url: 'http://127.0.0.1:1002', id: 'jira' },
    ]);
    expect(() => resetTargets([], () => file)).toThrow(CliError);
  });

  it('resets the twin at the root of whatever URL on it is given', () => {
    expect(resetUrl('http://127.0.0.1:4000/api/v3/')).toBe('http://127.0.0.1:4000/_lab/reset');
    expect(resetUrl('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/_lab/reset');
  });
});
