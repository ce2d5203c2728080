import { describe, expect, it } from 'vitest';
import { cli } from './harness.ts';

describe('switchboard connectors', () => {
  it('prints each connector with its actions as JSON', async () => {
    const result = await cli(['connectors', '--json'], { cwd: process.cwd() });
    expect(result.code).toBe(0);
    const connectors = JSON.parse(result.stdout) as { id: string; name: string; category: string; actions: { id: string; title: string; effect: string }[] }[];
    const core = connectors.find((c) => c.id === 'core');
    expect(core).toMatchObject({ name: expect.any(String), category: expect.any(String) });
    expect(core?.actions).toContainEqual({ id: 'set', title: expect.any(String), effect: 'read' });
    for (const connector of connectors) {
      expect(Object.keys(connector).sort()).toEqual(['actions', 'category', 'id', 'name']);
      for (const action of connector.actions) {
        expect(Object.keys(action).sort()).toEqual(['effect', 'id', 'title']);
        expect(['read', 'write']).toContain(action.effect);
      }
    }
  });

  it('prints a readable list without --json', async () => {
    const result = await cli(['connectors'], { cwd: process.cwd() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^core {2}\S.* \(\S+\)$/m);
    expect(result.stdout).toMatch(/^ {2}set +read +\S/m);
  });
});
