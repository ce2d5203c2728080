import { describe, expect, it } from 'vitest';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { liveWritesFrom, liveWritesQuestion, reachesLabTwin } from '../../../renderer/panels/live-writes.ts';
import type { CallTargets } from '../../../renderer/panels/live-writes.ts';
import { catalogue } from '../catalogue-fixture.ts';

const actionsByType = indexCatalogue(catalogue);
/** Outside lab mode, every slot bound to a real credential: every write is live. */
const real: CallTargets = { slots: [{ slot: 'okta', connector: 'okta', credentialId: 'c-real' }], credentials: [{ id: 'c-real', name: 'Okta prod', connector: 'okta', fields: {}, secretFields: [], updatedAt: 0 }], labMode: false };

/** start → check → suspend → suspend_again, and check → other_branch (a write off the path of `suspend_again`). */
const playbook: Pick<Playbook, 'nodes' | 'edges'> = {
  nodes: [
    { id: 'start', type: 'trigger.manual@1', name: 'Start', params: {} },
    { id: 'check', type: 'virustotal.ip_report@1', name: 'Check IP', params: {} },
    { id: 'suspend', type: 'okta.suspend_user@1', name: 'Suspend user', params: {}, credential: 'okta' },
    { id: 'suspend_again', type: 'okta.suspend_user@1', name: 'Suspend again', params: {}, credential: 'okta' },
    { id: 'other_branch', type: 'okta.suspend_user@1', name: 'Suspend other', params: {}, credential: 'okta_lab' },
    { id: 'off', type: 'okta.suspend_user@1', name: 'Disabled suspend', params: {}, disabled: true },
  ],
  edges: [
    { id: 'e1', from: 'start', port: 'out', to: 'check' },
    { id: 'e2', from: 'check', port: 'out', to: 'suspend' },
    { id: 'e3', from: 'suspend', port: 'out', to: 'suspend_again' },
    { id: 'e4', from: 'check', port: 'error', to: 'other_branch' },
    { id: 'e5', from: 'suspend', port: 'out', to: 'off' },
  ],
};

describe('live writes of Run from here', () => {
  it('lists the write actions from the start node on, with their connector, in playbook order', () => {
    expect(liveWritesFrom(playbook, 'check', actionsByType, new Set(), real)).toEqual([
      { id: 'suspend', name: 'Suspend user', connector: 'Okta' },
      { id: 'suspend_again', name: 'Suspend again', connector: 'Okta' },
      { id: 'other_branch', name: 'Suspend other', connector: 'Okta' },
    ]);
  });

  it('counts the start node itself, and nothing upstream of it', () => {
    expect(liveWritesFrom(playbook, 'suspend_again', actionsByType, new Set(), real).map((write) => write.id)).toEqual(['suspend_again']);
  });

  it('leaves out disabled and pinned nodes, which do not run', () => {
    expect(liveWritesFrom(playbook, 'suspend', actionsByType, new Set(['suspend_again']), real).map((write) => write.id)).toEqual(['suspend']);
  });

  it('finds none on a path of reads', () => {
    const reads = { nodes: playbook.nodes.slice(0, 2), edges: playbook.edges.slice(0, 1) };
    expect(liveWritesFrom(reads, 'start', actionsByType, new Set(), real)).toEqual([]);
  });

  it('leaves out writes that go to a lab twin: bound to a lab credential, or unbound in lab mode', () => {
    const lab: CallTargets = {
      slots: [...real.slots, { slot: 'okta_lab', connector: 'okta', credentialId: 'c-lab' }],
      credentials: [...real.credentials, { id: 'c-lab', name: 'Okta (lab)', connector: 'okta', fields: {}, secretFields: [], updatedAt: 0, lab: true }],
      labMode: false,
    };
    expect(liveWritesFrom(playbook, 'check', actionsByType, new Set(), lab).map((write) => write.id)).toEqual(['suspend', 'suspend_again']);
    expect(reachesLabTwin({ credential: 'okta_lab' }, lab)).toBe(true);
    expect(reachesLabTwin({ credential: 'unbound' }, { ...lab, labMode: true })).toBe(true);
    expect(reachesLabTwin({ credential: 'unbound' }, lab)).toBe(false);
    expect(reachesLabTwin({ credential: 'okta' }, { ...lab, labMode: true })).toBe(false);
    expect(reachesLabTwin({}, { ...lab, labMode: true })).toBe(false);
  });

  it('asks naming each write and its tool', () => {
    expect(liveWritesQuestion([{ id: 'block', name: 'Block IP', connector: 'PAN-OS' }, { id: 'ticket', name: 'Create issue', connector: 'Jira' }])).toBe(
      'This will run 2 live writes: Block IP (PAN-OS), Create issue (Jira). Run from here?',
    );
    expect(liveWritesQuestion([{ id: 'block', name: 'Block IP', connector: 'PAN-OS' }])).toBe('This will run 1 live write: Block IP (PAN-OS). Run from here?');
  });
});
