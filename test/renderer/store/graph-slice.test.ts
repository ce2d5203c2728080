import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeChange } from '@xyflow/react';
import { rpc } from '../../../renderer/rpc/index.ts';
import { createFakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import type { FakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { parseFragment } from '../../../renderer/store/fragment.ts';
import { setMoveScheduler } from '../../../renderer/store/move-batch.ts';
import { problemState } from '../../../renderer/store/problem-index.ts';
import type { CanvasNode } from '../../../renderer/store/types.ts';
import { createTestStore, samplePlaybook } from '../catalogue-fixture.ts';

type Store = ReturnType<typeof createTestStore>;

function ids(store: Store): string[] {
  return store.getState().nodes.map((node) => node.id);
}

function positionOf(store: Store, id: string) {
  return store.getState().nodes.find((node) => node.id === id)?.position;
}

function drag(store: Store, id: string, points: Array<{ x: number; y: number }>): void {
  for (const position of points) store.getState().applyNodeChanges([{ id, type: 'position', position, dragging: true }]);
  const last = points[points.length - 1];
  store.getState().applyNodeChanges([{ id, type: 'position', position: last, dragging: false } as NodeChange<CanvasNode>]);
}

let store: Store;
let transport: FakeTransport;
let saved: unknown[];

beforeEach(() => {
  saved = [];
  transport = createFakeTransport({
    'playbooks.validate': () => ({ problems: [] }),
    'playbooks.save': (params) => {
      saved.push(params);
      if (params.expectedRevision !== 3 && params.expectedRevision !== 4) throw { code: 'CONFLICT', message: 'Revision 9 is on disk.' };
      return { playbook: { ...(params.playbook as never), revision: (params.expectedRevision ?? 0) + 1 }, problems: [] };
    },
  });
  rpc.connect(transport);
  store = createTestStore();
  store.getState().loadPlaybook(samplePlaybook());
});

afterEach(() => rpc.disconnect());

describe('graph slice', () => {
  it('loads clean, with no history', () => {
    const state = store.getState();
    expect(state.dirty).toBe(false);
    expect(state.canUndo).toBe(false);
    expect(state.toPlaybook()).toEqual(samplePlaybook());
  });

  it('adds a node with a slug id from the action title, unique, selected, bound to a credential slot', () => {
    const first = store.getState().addNode('virustotal.url_report@1', { x: 10.4, y: 20.6 });
    const second = store.getState().addNode('virustotal.url_report@1', { x: 50, y: 50 });
    const okta = store.getState().addNode('okta.suspend_user@1', { x: 90, y: 90 });
    expect([first, second, okta]).toEqual(['url_report', 'url_report_2', 'suspend_user']);
    const playbook = store.getState().toPlaybook();
    expect(playbook?.nodes.find((node) => node.id === 'url_report')).toEqual({
      id: 'url_report',
      type: 'virustotal.url_report@1',
      name: 'URL report',
      params: {},
      credential: 'virustotal',
    });
    expect(playbook?.layout['url_report']).toEqual({ x: 10, y: 21 });
    expect(playbook?.credentials).toEqual({ virustotal: { connector: 'virustotal' }, okta: { connector: 'okta' } });
    expect(store.getState().selectedNodeId).toBe('suspend_user');
    expect(store.getState().nodes.filter((node) => node.selected).map((node) => node.id)).toEqual(['suspend_user']);
    expect(store.getState().dirty).toBe(true);
  });

  it('keeps the id when a node is renamed, and drops fields patched to undefined', () => {
    store.getState().updateNode('ip_report', { name: 'Check the IP', retry: undefined });
    const node = store.getState().toPlaybook()?.nodes.find((candidate) => candidate.name === 'Check the IP');
    expect(node?.id).toBe('ip_report');
    expect(node && 'retry' in node).toBe(false);
  });

  it('accepts only connections from a real output port, not into a trigger, no self-loop, no duplicate', () => {
    const state = store.getState();
    const at = (source: string, sourceHandle: string, target: string) => ({ source, sourceHandle, target, targetHandle: null });
    expect(state.connectionProblem(at('ip_report', 'error', 'unplaced'))).toBeUndefined();
    expect(state.connectionProblem(at('route', 'clean', 'unplaced'))).toBeUndefined();
    expect(state.connectionProblem(at('route', 'default', 'unplaced'))).toBeUndefined();
    expect(state.connectionProblem(at('route', 'suspicious', 'unplaced'))).toMatch(/no output port "suspicious"/);
    expect(state.connectionProblem(at('ip_report', 'true', 'unplaced'))).toMatch(/no output port/);
    expect(state.connectionProblem(at('ip_report', 'out', 'start'))).toMatch(/trigger/);
    expect(state.connectionProblem(at('ip_report', 'out', 'ip_report'))).toMatch(/itself/);
    expect(state.connectionProblem(at('start', 'out', 'ip_report'))).toMatch(/already connects/);
    expect(state.connectionProblem(at('welcome', 'out', 'ip_report'))).toMatch(/two playbook nodes/);
    expect(state.connect(at('ip_report', 'true', 'unplaced'))).toBe(false);
    expect(state.connect(at('ip_report', 'error', 'unplaced'))).toBe(true);
    expect(store.getState().toPlaybook()?.edges.at(-1)).toEqual({ id: 'e4', from: 'ip_report', port: 'error', to: 'unplaced' });
  });

  it('makes every edit one undo step, a whole drag included, and redoes them', () => {
    const start = store.getState().toPlaybook();
    store.getState().addNode('core.condition@1', { x: 0, y: 300 });
    const afterAdd = store.getState().toPlaybook();
    store.getState().connect({ source: 'ip_report', sourceHandle: 'error', target: 'condition', targetHandle: null });
    const afterConnect = store.getState().toPlaybook();
    drag(store, 'start', [{ x: 5, y: 5 }, { x: 50, y: 50 }, { x: 100.4, y: 99.6 }]);
    expect(positionOf(store, 'start')).toEqual({ x: 100, y: 100 });
    const afterDrag = store.getState().toPlaybook();
    store.getState().updateNode('route', { params: { value: 1, cases: ['a'] } });
    const afterUpdate = store.getState().toPlaybook();
    store.getState().select('condition');
    store.getState().deleteSelection();
    expect(ids(store)).not.toContain('condition');
    expect(store.getState().edges.some((edge) => edge.target === 'condition')).toBe(false);

    store.getState().undo();
    expect(store.getState().toPlaybook()).toEqual(afterUpdate);
    store.getState().undo();
    expect(store.getState().toPlaybook()).toEqual(afterDrag);
    store.getState().undo();
    expect(store.getState().toPlaybook()).toEqual(afterConnect);
    expect(positionOf(store, 'start')).toEqual({ x: 0, y: 0 });
    store.getState().undo();
    expect(store.getState().toPlaybook()).toEqual(afterAdd);
    store.getState().undo();
    expect(store.getState().toPlaybook()).toEqual(start);
    expect(store.getState().canUndo).toBe(false);
    expect(store.getState().dirty).toBe(false);

    store.getState().redo();
    store.getState().redo();
    store.getState().redo();
    expect(store.getState().toPlaybook()).toEqual(afterDrag);
    expect(store.getState().canRedo).toBe(true);
    store.getState().addNote({ x: 0, y: 0 }, 'new branch');
    expect(store.getState().canRedo).toBe(false);
  });

  it('batches drag moves into one update', () => {
    const frames: Array<() => void> = [];
    setMoveScheduler((flush) => frames.push(flush));
    const before = store.getState().nodes;
    for (const x of [10, 20, 30]) store.getState().applyNodeChanges([{ id: 'start', type: 'position', position: { x, y: 0 }, dragging: true }]);
    expect(store.getState().nodes).toBe(before);
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(positionOf(store, 'start')).toEqual({ x: 30, y: 0 });
    store.getState().applyNodeChanges([{ id: 'start', type: 'position', position: { x: 40, y: 0 }, dragging: true }]);
    store.getState().applyNodeChanges([{ id: 'start', type: 'position', position: { x: 50, y: 0 }, dragging: false }]);
    expect(positionOf(store, 'start')).toEqual({ x: 50, y: 0 });
    store.getState().undo();
    expect(positionOf(store, 'start')).toEqual({ x: 0, y: 0 });
    setMoveScheduler(undefined);
  });

  it('does not record selection, measuring or drag frames as steps', () => {
    store.getState().applyNodeChanges([{ id: 'start', type: 'select', selected: true }]);
    store.getState().applyNodeChanges([{ id: 'start', type: 'dimensions', dimensions: { width: 200, height: 80 } }]);
    store.getState().applyNodeChanges([{ id: 'start', type: 'position', position: { x: 9, y: 9 }, dragging: true }]);
    expect(store.getState().canUndo).toBe(false);
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().selectedNodeId).toBe('start');
  });

  it('keeps node data objects when nodes move, so other nodes do not re-render', () => {
    const before = store.getState().nodes;
    drag(store, 'start', [{ x: 30, y: 30 }]);
    const after = store.getState().nodes;
    for (const [index, node] of after.entries()) {
      expect(node.data).toBe(before[index]?.data);
      if (node.id !== 'start') expect(node).toBe(before[index]);
    }
  });

  it('copies the selection as a fragment and pastes it with fresh ids, offset, as one step', () => {
    store.getState().applyNodeChanges([
      { id: 'ip_report', type: 'select', selected: true },
      { id: 'route', type: 'select', selected: true },
    ]);
    const text = store.getState().copySelection();
    const fragment = parseFragment(text ?? '');
    expect(fragment?.switchboard).toBe('fragment@1');
    expect(fragment?.nodes.map((node) => node.id)).toEqual(['ip_report', 'route']);
    expect(fragment?.edges).toEqual([{ id: 'e2', from: 'ip_report', port: 'out', to: 'route' }]);
    expect(fragment?.layout['route']).toEqual({ x: 520.5, y: 10 });

    const pasted = store.getState().paste(text);
    expect(pasted).toEqual(['ip_report_2', 'route_2']);
    const playbook = store.getState().toPlaybook();
    expect(playbook?.edges.at(-1)).toEqual({ id: 'e4', from: 'ip_report_2', port: 'out', to: 'route_2' });
    expect(playbook?.layout['ip_report_2']).toEqual({ x: 300, y: 40, width: 240 });
    expect(playbook?.nodes.find((node) => node.id === 'route_2')?.params).toEqual(samplePlaybook().nodes[2]?.params);
    expect(store.getState().nodes.filter((node) => node.selected).map((node) => node.id)).toEqual(['ip_report_2', 'route_2']);

    const again = store.getState().paste('not a fragment');
    expect(again).toEqual(['ip_report_3', 'route_3']);
    expect(store.getState().toPlaybook()?.layout['ip_report_3']).toEqual({ x: 340, y: 80, width: 240 });
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().toPlaybook()).toEqual(samplePlaybook());
  });

  it('saves with the expected revision, tracks dirty across undo, and reports a conflict as a sentence', async () => {
    store.getState().addNote({ x: 1, y: 1 }, 'x');
    expect(store.getState().dirty).toBe(true);
    await store.getState().save();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ expectedRevision: 3, playbook: { id: 'triage' } });
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().playbook?.revision).toBe(4);
    store.getState().undo();
    expect(store.getState().dirty).toBe(true);
    expect(store.getState().playbook?.revision).toBe(4);
    store.getState().redo();
    expect(store.getState().dirty).toBe(false);

    store.getState().loadPlaybook({ ...samplePlaybook(), revision: 7 });
    store.getState().addNote({ x: 1, y: 1 }, 'y');
    await store.getState().save();
    expect(store.getState().dirty).toBe(true);
    expect(store.getState().saveError).toMatch(/^The playbook was not saved: it changed on disk/);
  });

  it('lays out as one undo step', () => {
    store.getState().applyLayout({ start: { x: 0, y: 500 }, ip_report: { x: 300, y: 500 } });
    expect(positionOf(store, 'ip_report')).toEqual({ x: 300, y: 500 });
    store.getState().undo();
    expect(positionOf(store, 'ip_report')).toEqual({ x: 260, y: 0 });
  });

  it('indexes problems by node: by id, by path and by edge', () => {
    store.getState().loadPlaybook(samplePlaybook(), [
      { severity: 'error', code: 'A', message: 'a', nodeId: 'route' },
      { severity: 'error', code: 'B', message: 'b', path: 'nodes[1].params.ip' },
      { severity: 'warning', code: 'C', message: 'c', edgeId: 'e1' },
    ]);
    const byNode = store.getState().problemsByNode;
    expect(Object.fromEntries(Object.entries(byNode).map(([id, list]) => [id, list.map((p) => p.code)]))).toEqual({ route: ['A'], ip_report: ['B'], start: ['C'] });

    const again = problemState([...store.getState().problems], store.getState().nodes, store.getState().edges, byNode);
    expect(again.problemsByNode).toBe(byNode);
    const changed = problemState([{ severity: 'error', code: 'A', message: 'a', nodeId: 'route' }], store.getState().nodes, store.getState().edges, byNode);
    expect(changed.problemsByNode['route']).toBe(byNode['route']);
    expect(changed.problemsByNode['start']).toBeUndefined();
  });
});

describe('undo and redo keep the selection and the Inspector in step', () => {
  function selectedFlags(): string[] {
    return store.getState().nodes.filter((node) => node.selected === true).map((node) => node.id);
  }

  it('undoing a rename selects the renamed node, even after clicking away, and the Inspector shows it', () => {
    store.getState().select('ip_report');
    store.getState().updateNode('ip_report', { name: 'Reputation' });
    store.getState().select(undefined);
    store.getState().undo();
    expect(store.getState().toPlaybook()?.nodes[1]?.name).toBe('IP report');
    expect(selectedFlags()).toEqual(['ip_report']);
    expect(store.getState().selectedNodeId).toBe('ip_report');
    store.getState().redo();
    expect(store.getState().toPlaybook()?.nodes[1]?.name).toBe('Reputation');
    expect(selectedFlags()).toEqual(['ip_report']);
    expect(store.getState().selectedNodeId).toBe('ip_report');
  });

  it('undoing a delete selects the node it brings back; redoing it leaves nothing selected', () => {
    store.getState().select('route');
    store.getState().deleteSelection();
    expect(store.getState().selectedNodeId).toBeUndefined();
    store.getState().undo();
    expect(selectedFlags()).toEqual(['route']);
    expect(store.getState().selectedNodeId).toBe('route');
    store.getState().redo();
    expect(ids(store)).not.toContain('route');
    expect(selectedFlags()).toEqual([]);
    expect(store.getState().selectedNodeId).toBeUndefined();
  });

  it('undoing a move or a new edge keeps the current selection', () => {
    store.getState().select('start');
    drag(store, 'route', [{ x: 600, y: 40 }]);
    store.getState().select('start');
    store.getState().undo();
    expect(positionOf(store, 'route')).toEqual({ x: 520.5, y: 10 });
    expect(selectedFlags()).toEqual(['start']);
    expect(store.getState().selectedNodeId).toBe('start');
  });
});
