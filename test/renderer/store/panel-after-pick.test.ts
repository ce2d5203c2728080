import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rpc } from '../../../renderer/rpc/index.ts';
import { createFakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { panelAfterPick } from '../../../renderer/store/panel-after-pick.ts';
import type { AppState } from '../../../renderer/store/types.ts';
import { createTestStore, samplePlaybook } from '../catalogue-fixture.ts';

type Panel = AppState['panel'];
const OTHER_PANELS: Panel[] = ['history', 'triggers', 'credentials', 'playbooks'];

let store: ReturnType<typeof createTestStore>;

beforeEach(() => {
  rpc.connect(createFakeTransport({ 'playbooks.validate': () => ({ problems: [] }) }));
  store = createTestStore();
  store.getState().loadPlaybook(samplePlaybook());
});

afterEach(() => rpc.disconnect());

function click(id: string): void {
  const previous = store.getState().selectedNodeId;
  store.getState().applyNodeChanges([
    ...(previous === undefined || previous === id ? [] : [{ id: previous, type: 'select' as const, selected: false }]),
    { id, type: 'select', selected: true },
  ]);
}

describe('which side panel a picked node opens', () => {
  it('is the Inspector for a new node, whatever panel is open', () => {
    for (const panel of [...OTHER_PANELS, 'run', 'inspector'] as Panel[]) expect(panelAfterPick(panel, 'added')).toBe('inspector');
  });

  it('is the Inspector for a clicked node, except that the Run panel stays: it shows that node in the run', () => {
    for (const panel of OTHER_PANELS) expect(panelAfterPick(panel, 'clicked')).toBe('inspector');
    expect(panelAfterPick('run', 'clicked')).toBe('run');
  });
});

describe('the Inspector follows the node the user picks', () => {
  it('shows a node dropped or added from the palette, switching from any other panel', () => {
    for (const panel of [...OTHER_PANELS, 'run'] as Panel[]) {
      store.getState().setPanel(panel);
      const id = store.getState().addNode('virustotal.url_report@1', { x: 0, y: 0 });
      expect(store.getState().panel).toBe('inspector');
      expect(store.getState().selectedNodeId).toBe(id);
    }
  });

  it('shows a node clicked on the canvas, switching from the Triggers, Credentials, History or Playbooks panel', () => {
    for (const [index, panel] of OTHER_PANELS.entries()) {
      store.getState().setPanel(panel);
      const id = index % 2 === 0 ? 'ip_report' : 'route';
      click(id);
      expect(store.getState().panel).toBe('inspector');
      expect(store.getState().selectedNodeId).toBe(id);
    }
  });

  it('keeps the Run panel on a click, where the clicked node’s input and output show', () => {
    store.getState().setPanel('run');
    click('route');
    expect(store.getState().panel).toBe('run');
    expect(store.getState().selectedNodeId).toBe('route');
  });

  it('leaves the panel alone when nothing is picked: a deselection, a note, a drag', () => {
    click('ip_report');
    store.getState().setPanel('credentials');
    store.getState().applyNodeChanges([{ id: 'ip_report', type: 'select', selected: false }]);
    expect(store.getState().panel).toBe('credentials');

    store.getState().applyNodeChanges([{ id: 'welcome', type: 'select', selected: true }]);
    expect(store.getState().panel).toBe('credentials');

    store.getState().applyNodeChanges([{ id: 'route', type: 'position', position: { x: 5, y: 5 }, dragging: false }]);
    expect(store.getState().panel).toBe('credentials');
  });

  it('leaves the panel alone when another panel selects a node to reveal it', () => {
    store.getState().setPanel('run');
    store.getState().select('route', { reveal: true });
    expect(store.getState().panel).toBe('run');
  });
});
