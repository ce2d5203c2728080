import { describe, expect, it } from 'vitest';
import { NodeTypeRefSchema } from '../../engine/format/playbook.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../nodes/registry.ts';

describe('builtin registry', () => {
  it('holds every core node under a valid versioned type', () => {
    const types = [...createBuiltinRegistry().keys()];
    expect(types.filter((t) => t.startsWith('core.') || t.startsWith('trigger.')).sort()).toEqual([
      'core.approval@1',
      'core.condition@1',
      'core.delay@1',
      'core.fail@1',
      'core.filter@1',
      'core.http@1',
      'core.http_get@1',
      'core.http_poll_trigger@1',
      'core.playbook@1',
      'core.report@1',
      'core.set@1',
      'core.switch@1',
      'trigger.manual@1',
      'trigger.schedule@1',
      'trigger.webhook@1',
    ]);
    for (const type of types) expect(NodeTypeRefSchema.safeParse(type).success, type).toBe(true);
  });

  it('lists each connector once, core first, every spec under its own connector', () => {
    const ids = builtinConnectors.map((c) => c.id);
    expect(ids[0]).toBe('core');
    expect(new Set(ids).size).toBe(ids.length);
    for (const connector of builtinConnectors) {
      for (const spec of connector.specs) expect([spec.connector, spec.category], spec.type).toEqual([connector.id, connector.category]);
    }
  });

  it('gives every action an error port and no trigger one', () => {
    for (const spec of createBuiltinRegistry().values()) expect(spec.ports({}).includes('error'), spec.type).toBe(spec.kind === 'action');
  });

  it('declares an example output and an effect for every vendor action', () => {
    for (const spec of createBuiltinRegistry().values()) {
      if (spec.connector === 'core') continue;
      expect(spec.example, spec.type).toBeDefined();
      expect(['read', 'write'], spec.type).toContain(spec.effect);
    }
  });
});
