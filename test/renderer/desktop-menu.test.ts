// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runMenuCommand } from '../../renderer/desktop-menu.ts';
import { useStore } from '../../renderer/store/index.ts';

/** Replaces the store actions a menu command may call with spies, so each test sees what it asked for. */
function spyActions() {
  const actions = {
    undo: vi.fn(),
    redo: vi.fn(),
    save: vi.fn(async () => undefined),
    setTheme: vi.fn(),
    startRun: vi.fn(async () => undefined),
    control: vi.fn(async () => undefined),
    notify: vi.fn(),
    createPlaybook: vi.fn(async () => 'untitled_playbook'),
    openPlaybook: vi.fn(async () => undefined),
  };
  useStore.setState({ ...actions, run: undefined, view: 'editor' });
  return actions;
}

describe('desktop menu commands', () => {
  beforeEach(() => {
    (document.activeElement as HTMLElement | null)?.blur();
  });

  it('undoes and redoes on the canvas when no text field has focus', async () => {
    const actions = spyActions();
    await runMenuCommand('edit.undo');
    await runMenuCommand('edit.redo');
    expect(actions.undo).toHaveBeenCalledOnce();
    expect(actions.redo).toHaveBeenCalledOnce();
  });

  it('leaves Undo to a focused text field', async () => {
    const actions = spyActions();
    const execCommand = vi.fn(() => true);
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    const input = document.createElement('input');
    document.body.append(input);
    input.focus();
    await runMenuCommand('edit.undo');
    expect(actions.undo).not.toHaveBeenCalled();
    expect(execCommand).toHaveBeenCalledWith('undo');
    input.remove();
  });

  it('starts runs from the Run menu, and steps a paused run instead of starting another', async () => {
    const actions = spyActions();
    await runMenuCommand('run.dry-run');
    expect(actions.startRun).toHaveBeenCalledWith({ mode: 'run', dryRun: true });
    await runMenuCommand('run.step');
    expect(actions.startRun).toHaveBeenLastCalledWith({ mode: 'step', dryRun: false });
    useStore.setState({ run: { status: 'paused' } as never });
    await runMenuCommand('run.step');
    expect(actions.control).toHaveBeenCalledWith('step');
    await runMenuCommand('run.stop');
    expect(actions.control).toHaveBeenLastCalledWith('stop');
  });

  it('at home, where no playbook is shown, leaves saving, undo and runs alone but still creates a playbook', async () => {
    const actions = spyActions();
    useStore.setState({ view: 'home' });
    for (const command of ['file.save', 'edit.undo', 'edit.redo', 'run.run', 'run.dry-run', 'run.step', 'run.stop'] as const) await runMenuCommand(command);
    expect(actions.save).not.toHaveBeenCalled();
    expect(actions.undo).not.toHaveBeenCalled();
    expect(actions.redo).not.toHaveBeenCalled();
    expect(actions.startRun).not.toHaveBeenCalled();
    expect(actions.control).not.toHaveBeenCalled();
    await runMenuCommand('file.new');
    expect(actions.openPlaybook).toHaveBeenCalledWith('untitled_playbook');
  });

  it('creates and opens a new playbook, saves, and switches theme', async () => {
    const actions = spyActions();
    await runMenuCommand('file.new');
    expect(actions.openPlaybook).toHaveBeenCalledWith('untitled_playbook');
    await runMenuCommand('file.save');
    expect(actions.save).toHaveBeenCalledOnce();
    await runMenuCommand('view.theme-dark');
    expect(actions.setTheme).toHaveBeenCalledWith('dark');
  });
});
