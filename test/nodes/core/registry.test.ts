import { describe, expect, it } from 'vitest';
import { NodeTypeRefSchema } from '../../../engine/format/playbook.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../../nodes/registry.ts';

describe('builtin registry', () => {
  it('holds every core node under a valid versioned type', () => {
    const registry = createBuiltinRegistry();
    expect([...registry.keys()].sort()).toEqual([
      'core.approval@1',
      'core.condition@1',
      'core.delay@1',
      'core.fail@1',
      'core.filter@1',
      'core.http@1',
      'core.http_get@1',
      'core.playbook@1',
      'core.set@1',
      'core.switch@1',
      'trigger.manual@1',
      'trigger.schedule@1',
      'trigger.webhook@1',
    ]);
    for (const type of registry.keys()) expect(NodeTypeRefSchema.safeParse(type).success).toBe(true);
    expect(builtinConnectors.map((c) => c.id)).toEqual(['core']);
  });

  it('gives every action an error port and no trigger one', () => {
    for (const spec of createBuiltinRegistry().values()) {
      const ports = spec.ports({});
      expect(ports.includes('error')).toBe(spec.kind === 'action');
      expect(spec.category).toBe('core');
      expect(spec.connector).toBe('core');
    }
  });
});
