import { describe, expect, it } from 'vitest';
import { PlaybookSchema } from '../../../engine/format/playbook.ts';
import type { Playbook } from '../../../engine/format/playbook.ts';
import { fromPlaybook, slugify, toPlaybook, uniqueId } from '../../../renderer/store/playbook-to-canvas.ts';
import { samplePlaybook } from '../catalogue-fixture.ts';

describe('playbook ↔ canvas', () => {
  it('round-trips a playbook exactly, key order included', () => {
    const playbook = samplePlaybook();
    const back = toPlaybook(fromPlaybook(playbook));
    expect(back).toEqual(playbook);
    expect(JSON.stringify(back)).toBe(JSON.stringify(playbook));
  });

  it('round-trips a schema-parsed playbook with defaults and no notes', () => {
    const playbook: Playbook = PlaybookSchema.parse({
      format: 'switchboard/playbook@1',
      id: 'bare',
      name: 'Bare',
      nodes: [{ id: 'a', type: 'trigger.manual@1', name: 'A' }],
      edges: [],
    });
    expect(toPlaybook(fromPlaybook(playbook))).toEqual(playbook);
  });

  it('puts notes under nodes, ports on edges, and sizes from the layout', () => {
    const graph = fromPlaybook(samplePlaybook());
    expect(graph.nodes.map((node) => `${node.type}:${node.id}`)).toEqual(['note:welcome', 'playbook:start', 'playbook:ip_report', 'playbook:route', 'playbook:unplaced']);
    expect(graph.nodes[0]).toMatchObject({ width: 200, height: 120, data: { text: 'Read me first', color: 'yellow' } });
    expect(graph.nodes[2]).toMatchObject({ width: 240, position: { x: 260, y: 0 } });
    expect(graph.edges[2]).toMatchObject({ id: 'e3', source: 'route', sourceHandle: 'malicious', target: 'unplaced' });
    expect(graph.playbook.nodes).toEqual([]);
    expect(graph.playbook.layout).toEqual({ ghost: { x: 1, y: 2 } });
  });

  it('places nodes without a layout entry below the others, and writes them once moved', () => {
    const graph = fromPlaybook(samplePlaybook());
    const unplaced = graph.nodes.find((node) => node.id === 'unplaced');
    expect(unplaced?.position.y).toBeGreaterThan(10);
    const moved = graph.nodes.map((node) => (node.id === 'unplaced' ? { ...node, position: { x: 5, y: 6 } } : node));
    expect(toPlaybook({ ...graph, nodes: moved }).layout['unplaced']).toEqual({ x: 5, y: 6 });
  });

  it('makes slugs that satisfy the node id rule, unique among taken ids', () => {
    expect(slugify('IP address report')).toBe('ip_address_report');
    expect(slugify('Block IP (address group)')).toBe('block_ip_address_group');
    expect(slugify('3rd check')).toBe('n_3rd_check');
    expect(slugify('Été — ça')).toBe('ete_ca');
    expect(slugify('!!!')).toBe('node');
    expect(uniqueId('check', new Set(['check', 'check_2']))).toBe('check_3');
    expect(uniqueId('check_2', new Set(['check', 'check_2']))).toBe('check_3');
  });
});
