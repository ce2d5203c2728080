// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rpc } from '../../../renderer/rpc/index.ts';
import { initialView } from '../../../renderer/store/ui-slice.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, samplePlaybook } from '../panels/fixture.ts';

describe('the view a page load starts on', () => {
  it('is the editor for a playbook link and home for the plain address', () => {
    expect(initialView('?playbook=suspicious-login')).toBe('editor');
    expect(initialView('?playbook=suspicious-login&lang=en')).toBe('editor');
    expect(initialView('')).toBe('home');
    expect(initialView('?token=abc')).toBe('home');
  });
});

describe('switching views', () => {
  beforeEach(() => {
    fakeHost({ 'playbooks.get': ({ id }) => ({ playbook: { ...samplePlaybook(), id }, problems: [], slots: [] }) });
    resetStore();
  });

  afterEach(() => rpc.disconnect());

  it('shows the editor whenever a playbook is loaded (open, create, import, a run from history)', async () => {
    useStore.getState().setView('home');
    await useStore.getState().openPlaybook('phishing');
    expect(useStore.getState().view).toBe('editor');
    useStore.getState().setView('home');
    useStore.getState().loadPlaybook({ ...samplePlaybook(), id: 'imported' });
    expect(useStore.getState().view).toBe('editor');
  });

  it('stays home while nothing is loaded', () => {
    useStore.getState().setView('home');
    useStore.getState().setTheme('dark');
    useStore.getState().notify('info', 'hello');
    expect(useStore.getState().view).toBe('home');
  });
});
