import { describe, expect, it } from 'vitest';
import type { CredentialsPort } from '../../../engine/ports.ts';
import { startRun } from '../../../engine/run/executor.ts';
import { validatePlaybook } from '../../../engine/validate/validate-playbook.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { playbook, testRegistry } from '../../support/test-nodes.ts';

const T = { id: 't', type: 'trigger.manual@1' };

/** Each playbook's own bindings (playbook id → slot → key), as a workspace keeps them. */
function workspacePort(bindings: Record<string, Record<string, string>>, playbookId: string): CredentialsPort {
  return {
    resolve: (slot) => {
      const key = bindings[playbookId]?.[slot];
      return Promise.resolve(key === undefined ? undefined : { values: { apiKey: key }, secrets: [key] });
    },
    forPlaybook: (id) => workspacePort(bindings, id),
  };
}

const child = playbook([T, { id: 'echo', type: 'test.secret_echo@1', credential: 'vt' }], ['t->echo'], { id: 'child', credentials: { vt: { connector: 'test' } } });

describe('a sub-playbook uses its own credential bindings', () => {
  it('sends the child the credential of its own binding, not the parent\'s slot of the same name', async () => {
    const seen: string[] = [];
    const registry = new Map(testRegistry());
    registry.set('test.secret_echo@1', { ...registry.get('test.secret_echo@1')!, run: (ctx) => (seen.push(String(ctx.credentials?.apiKey)), Promise.resolve({})) });
    const parent = playbook([T, { id: 'sub', type: 'test.sub@1', params: { playbook: 'child' } }, { id: 'mine', type: 'test.secret_echo@1', credential: 'vt' }], ['t->sub', 'sub->mine'], { credentials: { vt: { connector: 'test' } } });
    await startRun({ playbook: parent, registry, playbooks: { load: () => Promise.resolve(child) }, credentials: workspacePort({ [parent.id]: { vt: 'key-B' }, child: { vt: 'key-A' } }, parent.id) }).done;
    expect(seen).toEqual(['key-A', 'key-B']);
  });

  it('passes the parent\'s slot only when the sub-playbook node maps it explicitly', async () => {
    const seen: string[] = [];
    const registry = new Map(createBuiltinRegistry());
    for (const [type, spec] of testRegistry()) if (!registry.has(type)) registry.set(type, spec);
    registry.set('test.secret_echo@1', { ...registry.get('test.secret_echo@1')!, run: (ctx) => (seen.push(String(ctx.credentials?.apiKey)), Promise.resolve({})) });
    const parent = playbook([T, { id: 'sub', type: 'core.playbook@1', params: { playbook: 'child', credentials: { vt: 'intel' } } }], ['t->sub'], { credentials: { intel: { connector: 'test' } } });
    const state = await startRun({ playbook: parent, registry, playbooks: { load: () => Promise.resolve(child) }, credentials: workspacePort({ [parent.id]: { intel: 'key-P' }, child: { vt: 'key-A' } }, parent.id) }).done;
    expect(state.status).toBe('succeeded');
    expect(seen).toEqual(['key-P']);
  });

  it('validation refuses a hand-over from a slot the parent does not declare, and counts a declared one as used', () => {
    const registry = createBuiltinRegistry();
    const bad = playbook([T, { id: 'sub', type: 'core.playbook@1', params: { playbook: 'child', credentials: { vt: 'nope' } } }], ['t->sub'], { credentials: { intel: { connector: 'virustotal' } } });
    const list = validatePlaybook(bad, registry);
    expect(list).toContainEqual(expect.objectContaining({ code: 'CREDENTIAL_UNKNOWN_SLOT', nodeId: 'sub', message: expect.stringContaining('passes credential slot nope') }));
    expect(list.some((p) => p.code === 'CREDENTIAL_UNUSED')).toBe(true);
    const good = playbook([T, { id: 'sub', type: 'core.playbook@1', params: { playbook: 'child', credentials: { vt: 'intel' } } }], ['t->sub'], { credentials: { intel: { connector: 'virustotal' } } });
    expect(validatePlaybook(good, registry).some((p) => p.code === 'CREDENTIAL_UNUSED' || p.code === 'CREDENTIAL_UNKNOWN_SLOT')).toBe(false);
  });
});
