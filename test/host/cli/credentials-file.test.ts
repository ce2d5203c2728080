import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSecrets, createFileCredentials, parseCredentials, stringValues, valuesFor } from '../../../host/cli/credentials-file.ts';
import { labInfoOf } from '../../../host/cli/lab-info.ts';
import { startLab, type Lab } from '../../../host/lab/lab.ts';
import { oktaLabCredentials } from '../../../lab/twins/okta.ts';
import { labVendors } from '../../../host/lab/vendors.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { cli, hasStackTrace, writeChain } from './harness.ts';

const dir = useTempDir('switchboard-credentials-');

const PRINTOUT = {
  twins: [{ id: 'okta', name: 'Okta', url: 'http://127.0.0.1:4001' }],
  credentials: { okta: { baseUrl: 'http://127.0.0.1:4001', apiToken: 'okta-lab-token' } },
};

describe('parseCredentials', () => {
  it('reads a slot-keyed file as before', () => {
    const file = parseCredentials({ idp: { apiToken: 't' } }, 'creds.json');
    expect(file).toEqual({ keyedBy: 'slot', entries: { idp: { apiToken: 't' } } });
    expect(valuesFor(file, 'idp', 'okta')).toEqual({ apiToken: 't' });
    expect(valuesFor(file, 'okta', 'okta')).toBeUndefined();
  });

  it('reads what switchboard lab --json prints as values per connector, binding each slot by its connector', () => {
    const file = parseCredentials(PRINTOUT, 'lab.json');
    expect(file.keyedBy).toBe('connector');
    expect(valuesFor(file, 'idp', 'okta')).toEqual(PRINTOUT.credentials.okta);
    expect(valuesFor(file, 'okta', 'jira')).toBeUndefined();
  });

  it('binds no slot to what an object inherits', () => {
    const file = parseCredentials({ idp: { apiToken: 't' } }, 'creds.json');
    expect(valuesFor(file, 'constructor', 'okta')).toBeUndefined();
    expect(valuesFor(parseCredentials(PRINTOUT, 'lab.json'), 'x', 'toString')).toBeUndefined();
  });

  it('names the bad field in one line', () => {
    expect(() => parseCredentials([], 'c.json')).toThrow('c.json: must be a JSON object of slots, { "<slot>": { ...fields } }, or what switchboard lab --json prints');
    expect(() => parseCredentials({ idp: 'token' }, 'c.json')).toThrow('c.json: slot "idp" must be an object of fields');
    expect(() => parseCredentials({ ...PRINTOUT, credentials: { okta: 'x' } }, 'lab.json')).toThrow('lab.json: credentials.okta must be an object of fields');
    expect(() => parseCredentials({ ...PRINTOUT, credentials: [] }, 'lab.json')).toThrow('lab.json: "credentials" must be an object of connectors');
    expect(() => parseCredentials({ twins: [{ id: 'okta' }], credentials: {} }, 'lab.json')).toThrow('lab.json: twins[0].url must be an http(s) URL');
  });
});

describe('createFileCredentials and allSecrets', () => {
  const secretsOf = (values: Record<string, unknown>) => stringValues(values).filter((v) => v.includes('token'));

  it('marks values from a lab printout as lab, and slot-keyed values not', async () => {
    const lab = createFileCredentials(parseCredentials(PRINTOUT, 'lab.json'), secretsOf);
    const slots = createFileCredentials(parseCredentials({ idp: { apiToken: 'my-token' } }, 'c.json'), secretsOf);

    expect(await lab.resolve('idp', 'okta')).toEqual({ values: PRINTOUT.credentials.okta, secrets: ['okta-lab-token'], lab: true });
    expect(await slots.resolve('idp', 'okta')).toEqual({ values: { apiToken: 'my-token' }, secrets: ['my-token'] });
    expect(await lab.resolve('tickets', 'jira')).toBeUndefined();
  });

  it('knows the secrets of every slot the manifest declares, in both forms', () => {
    const manifest = { idp: { connector: 'okta' }, tickets: { connector: 'jira' } };
    expect(allSecrets(parseCredentials(PRINTOUT, 'lab.json'), manifest, secretsOf)).toEqual(['okta-lab-token']);
    expect(allSecrets(parseCredentials({ idp: { apiToken: 'my-token' } }, 'c.json'), manifest, secretsOf)).toEqual(['my-token']);
  });
});

describe('switchboard run --credentials <the lab printout>', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab(labVendors);
  });

  afterAll(async () => {
    await lab.close();
  });

  /** A playbook whose Okta slot is named "idp", not after its connector. */
  function writeFindUser(extraSlots: Record<string, { connector: string }> = {}): string {
    return writeChain(
      dir(),
      'find.playbook.json',
      'find-user',
      [
        { id: 'start', type: 'trigger.manual@1' },
        { id: 'find_user', type: 'okta.find_user@1', params: { login: 'alice@corp.example' }, credential: 'idp' },
        ...Object.keys(extraSlots).map((slot) => ({ id: `use_${slot}`, type: 'core.http@1', params: { url: 'http://127.0.0.1:9/', method: 'GET' }, credential: slot })),
      ],
      { credentials: { idp: { connector: 'okta' }, ...extraSlots } },
    );
  }

  it('binds each slot to the lab credential of its connector, marks its nodes LAB and keeps the token out of the journal', async () => {
    fs.writeFileSync(path.join(dir(), 'lab.json'), JSON.stringify(labInfoOf(lab), null, 2));

    const result = await cli(['run', writeFindUser(), '--credentials', 'lab.json', '--json'], { cwd: dir() });

    expect(result.code, result.stderr).toBe(0);
    const state = JSON.parse(result.stdout) as { runId: string; status: string; nodes: Record<string, { output?: { user?: { status?: string } } }> };
    expect(state.status).toBe('succeeded');
    expect(state.nodes['find_user']!.output!.user!.status).toBe('ACTIVE');
    const journal = fs.readFileSync(path.join(dir(), '.switchboard', 'runs', `${state.runId}.jsonl`), 'utf8');
    expect(journal).toContain('"lab":true');
    expect(journal).not.toContain(oktaLabCredentials.apiToken);
  });

  it('refuses a slot whose connector the lab printout has no credential for, naming it, before anything runs', async () => {
    fs.writeFileSync(path.join(dir(), 'lab.json'), JSON.stringify(labInfoOf(lab)));

    const result = await cli(['run', writeFindUser({ intranet: { connector: 'http' } }), '--credentials', 'lab.json'], { cwd: dir() });

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('credential slot "intranet" (http) is not bound; used by node use_intranet');
    expect(result.stderr).not.toContain('"idp"');
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(fs.existsSync(path.join(dir(), '.switchboard', 'runs'))).toBe(false);
  });

  it('refuses a malformed printout in one line naming the field', async () => {
    fs.writeFileSync(path.join(dir(), 'lab.json'), JSON.stringify({ twins: [], credentials: { okta: 'token' } }));

    const result = await cli(['run', writeFindUser(), '--credentials', 'lab.json'], { cwd: dir() });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`switchboard: ${path.join(dir(), 'lab.json')}: credentials.okta must be an object of fields\n`);
  });
});
