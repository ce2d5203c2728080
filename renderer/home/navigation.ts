import { guardUnsaved } from '../panels/playbooks-panel.tsx';
import { sentence } from '../panels/format.ts';
import { useStore } from '../store/index.ts';

/**
 * Moves between home and the editor. Leaving a playbook with unsaved changes asks first (the
 * same guard as opening another one); opening from home reads the saved file again unless the
 * open playbook is that one, unchanged.
 */

/** Shows home, after the unsaved-changes guard; false when the user kept the editor. */
export async function goHome(): Promise<boolean> {
  const state = useStore.getState();
  if (state.view === 'home') return true;
  if (!(await guardUnsaved('Going to the playbook list'))) return false;
  useStore.getState().setView('home');
  return true;
}

/** Opens a playbook from home (or from the address) in the editor; false when it did not. */
export async function openFromHome(id: string): Promise<boolean> {
  const state = useStore.getState();
  if (state.playbook?.id === id && !state.dirty) {
    state.setView('editor');
    return true;
  }
  if (!(await guardUnsaved('Opening another playbook'))) return false;
  try {
    await state.openPlaybook(id);
    return true;
  } catch (error) {
    state.notify('error', `The playbook could not be opened: ${sentence(error)}`);
    return false;
  }
}
