import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../engine/format/load.ts';
import { formatProblem } from '../../../engine/validate/problems.ts';
import { registry } from '../validate/fake-registry.ts';

const read = (path: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url)));
type Loose = Record<string, unknown>;

/** The triage fixture as loose JSON, to break in one place per test. */
function triage(): Loose & { nodes: Loose[]; edges: Loose[] } {
  return JSON.parse(new TextDecoder().decode(read('format/triage.playbook.json')));
}

function at<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}
const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Line and column where `needle` first occurs after the `nth` occurrence of `after` (1-based). */
function placeOf(source: string, needle: string, after = '', nth = 1): { line: number; column: number } {
  let from = 0;
  for (let i = 0; i < nth && after !== ''; i++) from = source.indexOf(after, from) + after.length;
  const offset = source.indexOf(needle, from);
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

describe('loadPlaybook', () => {
  it('loads a valid file with no problems, defaults filled in', () => {
    const result = loadPlaybook(read('format/triage.playbook.json'), registry);
    expect(result.problems).toEqual([]);
    expect(result.playbook?.nodes.map((node) => node.id)).toEqual(['start', 'check_url', 'decide', 'block', 'close']);
    expect(result.migratedFrom).toBeUndefined();
  });

  it('accepts text as well as bytes, and an editor $schema reference', () => {
    const file = { $schema: '../schema/playbook.schema.json', ...triage() };
    expect(loadPlaybook(text(file), registry).problems).toEqual([]);
  });

  it('migrates an older format and says so', () => {
    const result = loadPlaybook(read('format/triage-v0.playbook.json'), registry);
    expect(result.problems).toEqual([]);
    expect(result.migratedFrom).toBe(0);
    expect(result.playbook).toEqual(loadPlaybook(read('format/triage.playbook.json'), registry).playbook);
  });

  it('stops at the first parse problem, with its line and column', () => {
    const result = loadPlaybook('{\n  "format": "switchboard/playbook@1",\n  "id": "x",,\n}');
    expect(placeOf('{\n  "format": "switchboard/playbook@1",\n  "id": "x",,\n}', ',,')).toEqual({ line: 3, column: 12 });
    expect(result).toEqual({
      problems: [expect.objectContaining({ code: 'JSON_SYNTAX', line: 3, column: 13 })],
    });
  });

  it('reports unknown fields as schema errors at their path and place', () => {
    const file = triage();
    at(file.nodes, 3)['paramz'] = at(file.nodes, 3)['params'];
    delete at(file.nodes, 3)['params'];
    file['owner'] = 'me';
    const source = text(file);
    const result = loadPlaybook(source, registry);
    const paramz = placeOf(source, '"paramz"');
    const owner = placeOf(source, '"owner"');
    expect(result.playbook).toBeUndefined();
    expect(result.problems.map((problem) => formatProblem(problem, 'x.playbook.json'))).toEqual([
      `x.playbook.json:${paramz.line}:${paramz.column} error PLAYBOOK_SCHEMA nodes[3].paramz is not a node field (did you mean params?); unknown fields are refused, not kept`,
      `x.playbook.json:${owner.line}:${owner.column} error PLAYBOOK_SCHEMA owner is not a playbook field; unknown fields are refused, not kept`,
    ]);
    expect(result.problems[0]?.nodeId).toBe('block');
  });

  it('reports out-of-range settings as PLAYBOOK_SETTING with the value and the bound', () => {
    const file = triage();
    at(file.nodes, 1)['retry'] = { maxAttempts: 1_000_000_000, delayMs: -1 };
    at(file.nodes, 1)['timeoutMs'] = -5;
    at(file.nodes, 3)['concurrency'] = 0;
    at(file.nodes, 4)['timeoutMs'] = 2.5;
    const messages = loadPlaybook(text(file), registry).problems.map((problem) => [problem.code, problem.message]);
    expect(messages).toEqual(
      expect.arrayContaining([
        ['PLAYBOOK_SETTING', 'nodes[1].retry.maxAttempts is 1000000000; at most 20'],
        ['PLAYBOOK_SETTING', 'nodes[1].retry.delayMs is -1; at least 0'],
        ['PLAYBOOK_SETTING', 'nodes[1].timeoutMs is -5; at least 1'],
        ['PLAYBOOK_SETTING', 'nodes[3].concurrency is 0; at least 1'],
        ['PLAYBOOK_SETTING', 'nodes[4].timeoutMs is 2.5; it must be a whole number'],
      ]),
    );
    expect(messages).toHaveLength(5);
  });

  it('words the other schema errors by field and value', () => {
    const file = triage();
    file['name'] = '';
    at(file.nodes, 0)['id'] = 'Start Here';
    at(file.nodes, 2)['join'] = 'some';
    at(file.edges, 0)['to'] = 42;
    delete at(file.nodes, 4)['type'];
    const messages = loadPlaybook(text(file), registry).problems.map((problem) => problem.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'name is empty; at least 1 character',
        'nodes[0].id "Start Here" must be a slug: lowercase letters, digits and _, starting with a letter',
        'nodes[2].join is "some"; expected "any" or "all"',
        'edges[0].to must be a string, not 42',
        'nodes[4].type is required',
      ]),
    );
  });

  it('points a missing field at the object that lacks it', () => {
    const file = triage();
    delete at(file.nodes, 4)['type'];
    const source = text(file);
    const problem = loadPlaybook(source, registry).problems[0];
    expect(problem).toMatchObject({ path: 'nodes[4].type', ...placeOf(source, '{\n      "id": "close"') });
  });

  it('returns a schema-valid playbook together with its graph problems, each placed in the file', () => {
    const file = triage();
    file.edges.push({ id: 'e5', from: 'block', port: 'out', to: 'check_url' });
    const source = text(file);
    const result = loadPlaybook(source, registry);
    expect(result.playbook).toBeDefined();
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'PLAYBOOK_CYCLE', edgeId: 'e5', path: 'edges[4]', ...placeOf(source, '{', '"to": "close"') }),
    ]);
  });

  it('without a registry, runs the checks that need no node types', () => {
    const file = triage();
    at(file.nodes, 3)['type'] = 'paloalto.block_url@1';
    (at(file.nodes, 2)['params'] as Loose)['value'] = '{{ nodes.nope.output }}';
    const codes = loadPlaybook(text(file)).problems.map((problem) => problem.code);
    expect(codes).toEqual(['EXPRESSION_UNKNOWN_NODE']);
  });

  it('honours size and depth options', () => {
    expect(loadPlaybook(read('format/triage.playbook.json'), registry, { maxBytes: 100 }).problems[0]?.code).toBe('JSON_TOO_LARGE');
    expect(loadPlaybook(read('format/triage.playbook.json'), registry, { maxDepth: 3 }).problems[0]?.code).toBe('JSON_TOO_DEEP');
  });
});

describe('the hostile corpus (test/fixtures/hostile)', () => {
  const expected = JSON.parse(new TextDecoder().decode(read('hostile/expected.json'))) as Record<string, string>;

  it('holds at least 24 files, each mapped to a code', () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(24);
    for (const file of Object.keys(expected)) expect(() => read(`hostile/${file}`)).not.toThrow();
  });

  it.each(Object.entries(expected))('refuses %s with %s, at a line and column', (file, code) => {
    const result = loadPlaybook(read(`hostile/${file}`), registry);
    const problem = result.problems.find((candidate) => candidate.code === code);
    expect(problem, result.problems.map((candidate) => formatProblem(candidate, file)).join('\n')).toMatchObject({ severity: 'error' });
    expect(problem?.line).toBeGreaterThanOrEqual(1);
    expect(problem?.column).toBeGreaterThanOrEqual(1);
    expect(formatProblem(problem!, file)).not.toContain('\n');
  });

  it('refuses a file over 10 MB before parsing it', () => {
    const huge = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x20);
    expect(loadPlaybook(huge, registry).problems).toEqual([expect.objectContaining({ code: 'JSON_TOO_LARGE', line: 1, column: 1 })]);
  });
});
