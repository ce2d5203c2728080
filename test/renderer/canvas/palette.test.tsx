// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NODE_DRAG_TYPE, Palette } from '../../../renderer/canvas/palette.tsx';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

function itemNames(): string[] {
  return screen.queryAllByRole('button', { name: /^Add / }).map((item) => item.getAttribute('aria-label') ?? '');
}

beforeEach(() => {
  useStore.setState({ catalogue, actionsByType: indexCatalogue(catalogue), catalogueStatus: 'ready' });
  useStore.getState().loadPlaybook(samplePlaybook());
  render(
    <ReactFlowProvider>
      <Palette />
    </ReactFlowProvider>,
  );
});

afterEach(cleanup);

describe('palette', () => {
  it('lists every action and core node, grouped by category, triggers first', () => {
    const headings = screen.getAllByRole('heading').map((heading) => heading.textContent);
    expect(headings).toEqual(['Triggers', 'Flow control', 'Threat intelligence', 'Identity']);
    expect(itemNames()).toEqual([
      'Add Core: Manual trigger',
      'Add Core: Condition',
      'Add Core: Switch',
      'Add VirusTotal: IP address report',
      'Add VirusTotal: URL report',
      'Add Okta: Suspend user',
    ]);
    const intel = screen.getByRole('region', { name: 'Threat intelligence' });
    expect(within(intel).getAllByRole('button')).toHaveLength(2);
  });

  it('filters by title, vendor, category and description as you type', () => {
    const search = screen.getByRole('searchbox', { name: 'Search nodes' });
    fireEvent.change(search, { target: { value: 'virustotal' } });
    expect(itemNames()).toEqual(['Add VirusTotal: IP address report', 'Add VirusTotal: URL report']);
    fireEvent.change(search, { target: { value: 'ip REPORT' } });
    expect(itemNames()).toEqual(['Add VirusTotal: IP address report']);
    fireEvent.change(search, { target: { value: 'account' } });
    expect(itemNames()).toEqual(['Add Okta: Suspend user']);
    expect(screen.getAllByRole('heading').map((heading) => heading.textContent)).toEqual(['Identity']);
    fireEvent.change(search, { target: { value: 'threat' } });
    expect(itemNames()).toEqual(['Add VirusTotal: IP address report', 'Add VirusTotal: URL report']);
    fireEvent.change(search, { target: { value: 'nothing like this' } });
    expect(itemNames()).toEqual([]);
    expect(screen.getByText('No node matches “nothing like this”.')).toBeTruthy();
  });

  it('adds a node when an item is clicked or activated with the keyboard', () => {
    fireEvent.click(screen.getByRole('button', { name: 'Add VirusTotal: URL report' }));
    const added = useStore.getState().nodes.at(-1);
    expect(added?.id).toBe('url_report');
    expect(added?.type === 'playbook' && added.data.node.type).toBe('virustotal.url_report@1');
    expect(useStore.getState().selectedNodeId).toBe('url_report');

    fireEvent.keyDown(screen.getByRole('button', { name: 'Add Core: Condition' }), { key: 'Enter' });
    expect(useStore.getState().nodes.at(-1)?.id).toBe('condition');
    const [first, second] = useStore.getState().nodes.slice(-2);
    expect(first?.position).not.toEqual(second?.position);
  });

  it('carries the node type when dragged', () => {
    const data = new Map<string, string>();
    const dataTransfer = { setData: (type: string, value: string) => data.set(type, value), effectAllowed: 'none' };
    fireEvent.dragStart(screen.getByRole('button', { name: 'Add Okta: Suspend user' }), { dataTransfer });
    expect(data.get(NODE_DRAG_TYPE)).toBe('okta.suspend_user@1');
  });
});
