// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectCommand } from '../../../renderer/canvas/connect-dialog.tsx';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

/** The Connect… command inside a stand-in canvas, with a text field in it (as a note's editor is). */
beforeEach(() => {
  useStore.setState({ catalogue, actionsByType: indexCatalogue(catalogue), catalogueStatus: 'ready' });
  useStore.getState().loadPlaybook(samplePlaybook());
  render(
    <div className="sb-canvas" data-testid="canvas">
      <button type="button">a node</button>
      <textarea aria-label="note text" />
      <ConnectCommand />
    </div>,
  );
});

afterEach(cleanup);

const dialog = () => screen.queryByRole('dialog');

describe('Connect…', () => {
  it('is disabled until a playbook node is selected', () => {
    expect(screen.getByRole('button', { name: 'Connect…' }).hasAttribute('disabled')).toBe(true);
    act(() => useStore.getState().select('ip_report'));
    expect(screen.getByRole('button', { name: 'Connect…' }).hasAttribute('disabled')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Connect…' }));
    expect(screen.getByRole('dialog', { name: 'Connect IP report' })).toBeTruthy();
  });

  it('opens with C on the canvas, not while typing in a text field', () => {
    act(() => useStore.getState().select('ip_report'));
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'note text' }), { key: 'c' });
    expect(dialog()).toBeNull();
    fireEvent.keyDown(screen.getByRole('button', { name: 'a node' }), { key: 'c', ctrlKey: true });
    expect(dialog()).toBeNull();
    fireEvent.keyDown(screen.getByRole('button', { name: 'a node' }), { key: 'c' });
    expect(dialog()).not.toBeNull();
  });

  it('connects the picked target with Enter as one undo step', () => {
    act(() => useStore.getState().select('ip_report'));
    fireEvent.keyDown(screen.getByRole('button', { name: 'a node' }), { key: 'c' });
    const list = screen.getByRole('listbox');
    expect([...list.querySelectorAll('option')].map((option) => `${option.parentElement?.getAttribute('label')}: ${option.textContent}`)).toEqual([
      'From out: No layout',
      'From error: Route',
      'From error: No layout',
    ]);
    fireEvent.change(list, { target: { value: '1' } });
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(dialog()).toBeNull();
    const added = useStore.getState().toPlaybook()?.edges.at(-1);
    expect(added).toMatchObject({ from: 'ip_report', port: 'error', to: 'route' });
    useStore.getState().undo();
    expect(useStore.getState().toPlaybook()?.edges.some((edge) => edge.from === 'ip_report' && edge.port === 'error')).toBe(false);
  });
});
