// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlaybookNode } from '../../../engine/format/playbook.ts';
import type { CatalogueEntry } from '../../../host/protocol/catalogue.ts';
import { Inspector } from '../../../renderer/panels/inspector.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore } from './fixture.ts';

function nodeOf(id: string): PlaybookNode {
  const node = useStore.getState().nodes.find((candidate) => candidate.id === id);
  if (node?.type !== 'playbook') throw new Error(`no node ${id}`);
  return node.data.node;
}

/** The templates the open suggestion list offers, in order; [] when it is closed. */
function suggestions(): Array<string | undefined> {
  const list = screen.queryByRole('listbox', { name: 'Expression suggestions' });
  return list === null ? [] : within(list).getAllByRole('option').map((option) => option.querySelector('code')?.textContent ?? undefined);
}

beforeEach(() => {
  fakeHost();
  resetStore([{ severity: 'error', code: 'PARAM_INVALID', message: 'url must be an absolute URL.', nodeId: 'check', path: 'nodes[2].params.url' }]);
  useStore.getState().select('check');
});

afterEach(() => rpc.disconnect());

describe('inspector form from the action JSON Schema', () => {
  it('marks required fields visibly and for assistive technology, and shows help from descriptions', () => {
    render(<Inspector />);
    const url = screen.getByLabelText('url');
    expect(url.getAttribute('aria-required')).toBe('true');
    const urlField = url.closest('.field') as HTMLElement;
    expect(within(urlField).getByTitle('Required').textContent).toBe('*');
    expect(screen.getByText('The URL to look up.').id).toBe(url.getAttribute('aria-describedby')?.split(' ')[0]);

    const threshold = screen.getByLabelText('threshold');
    expect(threshold.getAttribute('aria-required')).not.toBe('true');
    expect(within(threshold.closest('.field') as HTMLElement).queryByTitle('Required')).toBeNull();
  });

  it('shows the node’s validation problems inline, under their field', () => {
    render(<Inspector />);
    const urlField = screen.getByLabelText('url').closest('.field') as HTMLElement;
    expect(within(urlField).getByRole('alert').textContent).toBe('url must be an absolute URL.');
  });

  it('edits an enum with a select, a number with a number field, a boolean with a checkbox and an object as JSON', () => {
    render(<Inspector />);
    const method = screen.getByLabelText('method') as HTMLSelectElement;
    expect(method.tagName).toBe('SELECT');
    expect([...method.options].map((option) => option.textContent)).toEqual(['Default (GET)', 'GET', 'POST']);
    fireEvent.change(method, { target: { value: '1' } });
    expect(nodeOf('check').params.method).toBe('POST');

    const threshold = screen.getByLabelText('threshold');
    fireEvent.change(threshold, { target: { value: '500' } });
    fireEvent.blur(threshold);
    expect(screen.getByText('threshold must be at most 100.')).toBeTruthy();
    expect(nodeOf('check').params.threshold).toBeUndefined();
    fireEvent.change(threshold, { target: { value: '4' } });
    fireEvent.blur(threshold);
    expect(nodeOf('check').params.threshold).toBe(4);

    fireEvent.click(screen.getByLabelText('verbose'));
    expect(nodeOf('check').params.verbose).toBe(true);

    const headers = screen.getByLabelText('headers');
    expect(headers.tagName).toBe('TEXTAREA');
    fireEvent.change(headers, { target: { value: '{"accept": ' } });
    fireEvent.blur(headers);
    expect(screen.getByText(/^The value of headers is not valid JSON: .+\.$/)).toBeTruthy();
    fireEvent.change(headers, { target: { value: '{"accept": "application/json"}' } });
    fireEvent.blur(headers);
    expect(nodeOf('check').params.headers).toEqual({ accept: 'application/json' });
  });

  it('completes upstream outputs from the action example when there is no run', () => {
    render(<Inspector />);
    const url = screen.getByLabelText('url');
    fireEvent.focus(url);
    fireEvent.change(url, { target: { value: '{{ nodes.look' } });
    const list = screen.getByRole('listbox', { name: 'Expression suggestions' });
    const options = within(list).getAllByRole('option').map((option) => option.querySelector('code')?.textContent);
    expect(options).toContain('{{ nodes.lookup.output.verdict }}');
    expect(options).toContain('{{ nodes.lookup.output.engines[0].name }}');
    expect(options.every((text) => text?.includes('nodes.lookup'))).toBe(true);
    expect(url.getAttribute('aria-expanded')).toBe('true');

    const verdict = within(list).getAllByRole('option').find((option) => option.querySelector('code')?.textContent === '{{ nodes.lookup.output.verdict }}');
    fireEvent.click(verdict as HTMLElement);
    expect(nodeOf('check').params.url).toBe('{{ nodes.lookup.output.verdict }}');
    expect(suggestions()).toEqual([]);
  });

  it('completes from the last run’s outputs and the trigger, filtered as you type, with the keyboard', () => {
    useStore.setState({
      runId: 'r1',
      run: {
        runId: 'r1',
        playbookId: 'triage',
        playbookName: 'Triage',
        revision: 3,
        mode: 'run',
        dryRun: false,
        status: 'succeeded',
        trigger: { alert: { id: 'A-9', host: 'ws-12' } },
        startedAt: 1,
        nodes: { lookup: { status: 'succeeded', attempt: 1, output: { score: 97 } } },
        approvals: {},
        lastSeq: 9,
      },
    });
    render(<Inspector />);
    const url = screen.getByLabelText('url');
    fireEvent.change(url, { target: { value: 'host is {{ trig' } });
    expect(suggestions()).toEqual(['{{ trigger }}', '{{ trigger.alert }}', '{{ trigger.alert.id }}', '{{ trigger.alert.host }}']);

    fireEvent.change(url, { target: { value: '{{ score' } });
    const first = within(screen.getByRole('listbox', { name: 'Expression suggestions' })).getAllByRole('option')[0];
    expect(first?.textContent).toContain('{{ nodes.lookup.output.score }}');
    expect(first?.textContent).toContain('Lookup (last run)');

    fireEvent.change(url, { target: { value: 'host is {{ trigger.alert.h' } });
    fireEvent.keyDown(url, { key: 'Enter' });
    expect(nodeOf('check').params.url).toBe('host is {{ trigger.alert.host }}');
  });

  it('turns a number or JSON field into an expression when {{ is typed, its list open, no fx needed', () => {
    render(<Inspector />);
    const threshold = screen.getByLabelText('threshold');
    fireEvent.change(threshold, { target: { value: '{{', selectionStart: 2 } });
    const expression = screen.getByLabelText('threshold');
    expect(expression.getAttribute('role')).toBe('combobox');
    expect(expression.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(expression);
    expect(suggestions()).toContain('{{ nodes.lookup.output.verdict }}');
    fireEvent.keyDown(expression, { key: 'ArrowDown' });
    fireEvent.keyDown(expression, { key: 'Escape' });
    expect(suggestions()).toEqual([]);
    fireEvent.change(expression, { target: { value: '{{ nodes.lookup.output.eng', selectionStart: 26 } });
    fireEvent.keyDown(expression, { key: 'Tab' });
    expect(nodeOf('check').params.threshold).toBe('{{ nodes.lookup.output.engines }}');

    const headers = screen.getByLabelText('headers');
    fireEvent.change(headers, { target: { value: '{{', selectionStart: 2 } });
    expect(screen.getByLabelText('headers').getAttribute('aria-expanded')).toBe('true');
  });

  it('offers the playbook’s slots of the node’s connector and adds a new one', () => {
    render(<Inspector />);
    const slot = screen.getByLabelText('Credential slot') as HTMLSelectElement;
    expect([...slot.options].map((option) => option.textContent)).toEqual(['None', 'virustotal', 'New VirusTotal slot…']);
    fireEvent.change(slot, { target: { value: 'virustotal' } });
    expect(nodeOf('check').credential).toBe('virustotal');
    fireEvent.change(slot, { target: { value: '\u0000new' } });
    expect(nodeOf('check').credential).toBe('virustotal_2');
    expect(useStore.getState().playbook?.credentials.virustotal_2).toEqual({ connector: 'virustotal' });
  });

  it('edits retry, timeout, join, breakpoint and pins', () => {
    render(<Inspector />);
    const attempts = screen.getByLabelText('Retry: maxAttempts');
    fireEvent.change(attempts, { target: { value: '3' } });
    fireEvent.blur(attempts);
    const delay = screen.getByLabelText('Retry: delayMs');
    fireEvent.change(delay, { target: { value: '250' } });
    fireEvent.blur(delay);
    const timeout = screen.getByLabelText('timeoutMs');
    fireEvent.change(timeout, { target: { value: '5000' } });
    fireEvent.blur(timeout);
    fireEvent.change(screen.getByLabelText('join'), { target: { value: 'all' } });
    fireEvent.click(screen.getByLabelText('Breakpoint (pause before it runs)'));
    expect(nodeOf('check')).toMatchObject({ retry: { maxAttempts: 3, delayMs: 250 }, timeoutMs: 5000, join: 'all', breakpoint: true });

    const pin = screen.getByLabelText('Output to use');
    fireEvent.change(pin, { target: { value: '{"verdict": "benign"}' } });
    fireEvent.blur(pin);
    expect(useStore.getState().pins.check).toEqual({ output: { verdict: 'benign' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unpin' }));
    expect(useStore.getState().pins.check).toBeUndefined();
  });

  it('shows the node’s effective retry policy: the defaults, then its own settings over them', () => {
    render(<Inspector />);
    const policy = screen.getByRole('note', { name: 'What a failure does' });
    expect(policy.textContent).toContain('3 attempts in all, backoff from 500 ms (full jitter), at most 30 s apart (defaults)');
    expect(policy.textContent).toContain('A vendor’s Retry-After is waited in full, never shortened');
    expect(policy.textContent).toContain('4xx answers other than 408 and 429 are never retried');
    expect(policy.textContent).not.toMatch(/idempotent/i);
    act(() => useStore.getState().updateNode('check', { retry: { maxAttempts: 1 } }));
    expect(policy.textContent).toContain('1 attempt, no retry (set here)');
    act(() => useStore.getState().updateNode('check', { retry: { maxAttempts: 5, delayMs: 250, maxDelayMs: 4000 } }));
    expect(policy.textContent).toContain('5 attempts in all, backoff from 250 ms (full jitter), at most 4 s apart (set here)');
  });

  it('says whether a write is idempotent, and what happens when its outcome is unknown', () => {
    const edr = {
      id: 'edr',
      name: 'EDR',
      category: 'edr',
      description: '',
      docsUrl: 'https://edr.example/docs',
      version: 1,
      credentials: null,
      actions: [
        { id: 'contain', type: 'edr.contain@1', kind: 'action', title: 'Contain host', description: 'Isolates a host.', effect: 'write', idempotent: false, input: { type: 'object' }, example: {}, ports: ['out', 'error'] },
        { id: 'tag', type: 'edr.tag@1', kind: 'action', title: 'Tag host', description: 'Tags a host.', effect: 'write', idempotent: true, input: { type: 'object' }, example: {}, ports: ['out', 'error'] },
      ],
    } satisfies CatalogueEntry;
    const connectors = [...useStore.getState().catalogue, edr];
    act(() => useStore.setState({ catalogue: connectors, actionsByType: indexCatalogue(connectors) }));
    const contain = useStore.getState().addNode('edr.contain@1', { x: 0, y: 200 });
    act(() => useStore.getState().select(contain));
    const { unmount } = render(<Inspector />);
    const policy = screen.getByRole('note', { name: 'What a failure does' });
    expect(policy.textContent).toContain('Not idempotent: a request whose outcome is unknown (the connection dropped after it was sent) is not retried');
    expect(policy.textContent).toContain('a resumed run asks whether to send it again (same idempotency key), mark it done or fail it');
    unmount();

    const tag = useStore.getState().addNode('edr.tag@1', { x: 0, y: 400 });
    act(() => useStore.getState().select(tag));
    render(<Inspector />);
    expect(screen.getByRole('note', { name: 'What a failure does' }).textContent).toContain('Idempotent write: sending it twice acts once, so it is retried and resent like a read');
  });

  it('lists every problem, each a click away from its node', () => {
    act(() => useStore.getState().select(undefined));
    render(<Inspector />);
    const problems = screen.getByRole('list', { name: 'Problems' });
    fireEvent.click(within(problems).getByRole('button', { name: 'url must be an absolute URL. Go to Check.' }));
    expect(useStore.getState().selectedNodeId).toBe('check');
    expect(useStore.getState().reveal?.nodeId).toBe('check');
    expect(screen.getByRole('heading', { name: 'Check' })).toBeTruthy();
  });
});
