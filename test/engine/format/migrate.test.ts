import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatVersionOf, migratePlaybook } from '../../../engine/format/migrate.ts';
import { PlaybookSchema } from '../../../engine/format/playbook.ts';
import type { MigrationResult } from '../../../engine/format/migrate.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/format/${name}`, import.meta.url), 'utf8'));

function migrated(result: MigrationResult): Record<string, unknown> {
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('; '));
  return result.value as Record<string, unknown>;
}

function refused(result: MigrationResult) {
  if (result.ok) throw new Error('expected a refusal');
  return result.problems;
}

const v0 = (rest: Record<string, unknown> = {}) => ({ format: 'switchboard/playbook@0', id: 'p', name: 'P', nodes: [], edges: [], ...rest });

describe('formatVersionOf', () => {
  it('reads the version of switchboard/playbook@N and nothing else', () => {
    expect(formatVersionOf('switchboard/playbook@1')).toBe(1);
    expect(formatVersionOf('switchboard/playbook@0')).toBe(0);
    expect(formatVersionOf('switchboard/playbook@12')).toBe(12);
    for (const other of ['switchboard/playbook@01', 'switchboard/playbook', 'switchboard/playbook@1.1', 'n8n/workflow@1', 1, undefined]) {
      expect(formatVersionOf(other)).toBeUndefined();
    }
  });
});

describe('migratePlaybook', () => {
  it('leaves a current file as it is', () => {
    const current = fixture('triage.playbook.json');
    expect(migratePlaybook(current)).toEqual({ ok: true, value: current, from: 1 });
  });

  it('migrates the @0 triage playbook into exactly its @1 twin', () => {
    const result = migratePlaybook(fixture('triage-v0.playbook.json'));
    expect(result.ok && result.from).toBe(0);
    expect(migrated(result)).toEqual(fixture('triage.playbook.json'));
    expect(PlaybookSchema.safeParse(migrated(result)).success).toBe(true);
  });

  it('@0 → @1: renames config to params', () => {
    const nodes = migrated(migratePlaybook(v0({ nodes: [{ id: 'a', type: 'x.y@1', name: 'A', config: { url: 'u' } }] })))['nodes'];
    expect(nodes).toEqual([{ id: 'a', type: 'x.y@1', name: 'A', params: { url: 'u' } }]);
  });

  it('@0 → @1: gives edges ids in file order and the port out when sourcePort is absent', () => {
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', sourcePort: 'error', target: 'c' },
    ];
    expect(migrated(migratePlaybook(v0({ edges })))['edges']).toEqual([
      { id: 'e1', from: 'a', port: 'out', to: 'b' },
      { id: 'e2', from: 'b', port: 'error', to: 'c' },
    ]);
  });

  it('@0 → @1: moves node and note positions into the layout map', () => {
    const result = migrated(
      migratePlaybook(
        v0({
          nodes: [{ id: 'a', type: 'x.y@1', name: 'A', position: { x: 1, y: 2 } }],
          notes: [{ id: 'n', text: 'hi', position: { x: 3, y: 4, width: 100, height: 50 } }],
        }),
      ),
    );
    expect(result['layout']).toEqual({ a: { x: 1, y: 2 }, n: { x: 3, y: 4, width: 100, height: 50 } });
    expect(result['nodes']).toEqual([{ id: 'a', type: 'x.y@1', name: 'A' }]);
    expect(result['notes']).toEqual([{ id: 'n', text: 'hi' }]);
  });

  it('@0 → @1: turns the credential list into a map by name', () => {
    const credentials = [{ name: 'vt', connector: 'virustotal' }, { name: 'jira', connector: 'jira', description: 'Service desk' }];
    expect(migrated(migratePlaybook(v0({ credentials })))['credentials']).toEqual({
      vt: { connector: 'virustotal' },
      jira: { connector: 'jira', description: 'Service desk' },
    });
  });

  it('@0 → @1: refuses credential names that are duplicated, missing or prototype keys', () => {
    const problems = refused(
      migratePlaybook(
        v0({ credentials: [{ name: 'vt', connector: 'a' }, { name: 'vt', connector: 'b' }, { connector: 'c' }, { name: '__proto__', connector: 'd' }] }),
      ),
    );
    expect(problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['PLAYBOOK_SCHEMA', 'credentials[1].name'],
      ['PLAYBOOK_SCHEMA', 'credentials[2].name'],
      ['PLAYBOOK_SCHEMA', 'credentials[3].name'],
    ]);
  });

  it('@0 → @1: carries unexpected fields over, so the schema reports them by path', () => {
    const result = migrated(migratePlaybook(v0({ nodes: [{ id: 'a', type: 'x.y@1', name: 'A', paramz: {} }], extra: 1 })));
    const issues = PlaybookSchema.safeParse(result).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join('.'))).toEqual(['nodes.0', '']);
  });

  it('@0 → @1: never writes a layout entry under a prototype key', () => {
    const result = migrated(migratePlaybook(v0({ nodes: [{ id: '__proto__', type: 'x.y@1', name: 'A', position: { x: 1, y: 2 } }] })));
    expect(result['layout']).toBeUndefined();
    expect(result['nodes']).toEqual([{ id: '__proto__', type: 'x.y@1', name: 'A', position: { x: 1, y: 2 } }]);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('refuses a newer format, saying which version reads it', () => {
    const problems = refused(migratePlaybook({ format: 'switchboard/playbook@2', nodes: [] }));
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'PLAYBOOK_FORMAT_NEWER',
        message: 'this file was written by a newer Switchboard (format @2); this version reads up to @1',
        path: 'format',
      },
    ]);
    expect(refused(migratePlaybook({ format: 'switchboard/playbook@37' }))[0]?.message).toContain('format @37');
  });

  it('refuses a missing or foreign format, and anything but an object', () => {
    expect(refused(migratePlaybook({ nodes: [] }))[0]).toMatchObject({ code: 'PLAYBOOK_FORMAT_UNKNOWN', message: expect.stringContaining('no "format"') });
    expect(refused(migratePlaybook({ format: 'n8n/workflow@1' }))[0]).toMatchObject({ code: 'PLAYBOOK_FORMAT_UNKNOWN' });
    expect(refused(migratePlaybook({ format: 1 }))[0]).toMatchObject({ code: 'PLAYBOOK_FORMAT_UNKNOWN' });
    for (const notObject of [[], null, 'playbook', 3]) {
      expect(refused(migratePlaybook(notObject))[0]).toMatchObject({ code: 'PLAYBOOK_FORMAT_UNKNOWN' });
    }
  });
});
