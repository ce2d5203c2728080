// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JsonViewer } from '../../../renderer/panels/json-viewer.tsx';
import { useStore } from '../../../renderer/store/index.ts';
import { resetStore, settle } from './fixture.ts';

const output = {
  verdict: 'malicious',
  flagged_by: [{ engine_name: 'Kaspersky', category: 'malicious' }],
  headers: { 'content-type': 'application/json' },
  count: 3,
};

let writeText: ReturnType<typeof vi.fn>;

beforeEach(() => {
  resetStore();
  writeText = vi.fn(() => Promise.resolve());
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => vi.restoreAllMocks());

describe('JSON viewer', () => {
  it('copies a key’s path as an expression, array indexes and odd keys included', async () => {
    render(<JsonViewer value={output} label="Output of Lookup" basePath="nodes.lookup.output" openDepth={3} />);
    const tree = screen.getByRole('group', { name: 'Output of Lookup' });

    fireEvent.click(within(tree).getByRole('button', { name: 'Copy the path of flagged_by[0].engine_name' }));
    await settle();
    expect(writeText).toHaveBeenLastCalledWith('{{ nodes.lookup.output.flagged_by[0].engine_name }}');
    expect(useStore.getState().toast).toEqual({ kind: 'info', text: 'Copied {{ nodes.lookup.output.flagged_by[0].engine_name }} to the clipboard.' });

    fireEvent.click(within(tree).getByRole('button', { name: 'Copy the path of headers.`content-type`' }));
    await settle();
    expect(writeText).toHaveBeenLastCalledWith('{{ nodes.lookup.output.headers.`content-type` }}');
  });

  it('folds and unfolds containers, showing their size when folded', () => {
    render(<JsonViewer value={output} label="Output" basePath="nodes.lookup.output" openDepth={1} />);
    expect(screen.queryByRole('button', { name: /engine_name/ })).toBeNull();
    expect(screen.getByText('[1 item]')).toBeTruthy();
    const toggle = screen.getByRole('button', { name: 'Expand flagged_by' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getByRole('button', { name: 'Collapse flagged_by' }).getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Expand flagged_by[0]' }));
    expect(screen.getByRole('button', { name: 'Copy the path of flagged_by[0].engine_name' })).toBeTruthy();
  });

  it('shows plain keys, not copy buttons, when the value has no expression path', () => {
    render(<JsonViewer value={{ ip: '203.0.113.7' }} label="Resolved input" />);
    expect(screen.getByText('ip')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Copy the path/ })).toBeNull();
  });
});
