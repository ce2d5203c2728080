import type { StateCreator } from 'zustand';
import { rpc } from '../rpc/index.ts';
import type { AppState, WorkspaceSlice } from './types.ts';

/**
 * What the workspace holds beside the open playbook: the playbook list, stored credentials
 * (secrets only as "set"), run history and host facts. Every change goes through the host and
 * the lists are read back, so two windows on one workspace agree.
 */
export const createWorkspaceSlice: StateCreator<AppState, [], [], WorkspaceSlice> = (set, get, api) => {
  let unsubscribe: (() => void) | undefined;

  function slotsOfOpenPlaybook(): WorkspaceSlice['slots'] {
    const id = get().playbook?.id;
    return get().playbooks.find((playbook) => playbook.id === id)?.slots ?? [];
  }

  // `slots` follows the open playbook: read from the list, or from the host when the list lacks it.
  api.subscribe((state, previous) => {
    const id = state.playbook?.id;
    if (id === previous.playbook?.id) return;
    if (id === undefined || state.playbooks.some((playbook) => playbook.id === id)) set({ slots: slotsOfOpenPlaybook() });
    else get().refreshPlaybooks().catch(() => undefined);
  });

  return {
    host: undefined,
    playbooks: [],
    credentials: [],
    runs: [],
    lastRuns: [],
    slots: [],
    labMode: false,

    async loadHost() {
      const [host, { settings }] = await Promise.all([rpc.call('host.info', {}), rpc.call('settings.get', {})]);
      set({ host, labMode: settings.labMode });
    },

    async setLabMode(on) {
      const { settings } = await rpc.call('settings.save', { labMode: on });
      set({ labMode: settings.labMode });
    },

    initWorkspaceEvents() {
      if (unsubscribe === undefined) {
        const quiet = () => undefined;
        const offPlaybooks = rpc.on('playbooks.changed', () => void get().refreshPlaybooks().catch(quiet));
        const offCredentials = rpc.on('credentials.changed', () => void get().refreshCredentials().catch(quiet));
        unsubscribe = () => {
          offPlaybooks();
          offCredentials();
          unsubscribe = undefined;
        };
      }
      return unsubscribe;
    },

    async refreshPlaybooks() {
      const { playbooks } = await rpc.call('playbooks.list', {});
      set({ playbooks });
      set({ slots: slotsOfOpenPlaybook() });
    },

    async refreshCredentials() {
      const { credentials } = await rpc.call('credentials.list', {});
      set({ credentials });
    },

    async refreshRuns() {
      const { runs } = await rpc.call('runs.list', {});
      set({ runs });
    },

    async refreshLastRuns() {
      const { runs } = await rpc.call('runs.latest', {});
      set({ lastRuns: runs });
    },

    async createPlaybook(name) {
      const { playbook } = await rpc.call('playbooks.create', { name });
      await get().refreshPlaybooks();
      return playbook.id;
    },

    async renamePlaybook(id, name) {
      await rpc.call('playbooks.rename', { id, name });
      await get().refreshPlaybooks();
    },

    async duplicatePlaybook(id, name) {
      const { playbook } = await rpc.call('playbooks.duplicate', name === undefined ? { id } : { id, name });
      await get().refreshPlaybooks();
      return playbook.id;
    },

    async deletePlaybook(id) {
      await rpc.call('playbooks.delete', { id });
      await get().refreshPlaybooks();
    },

    async bindSlot(playbookId, slot, credentialId) {
      const { slots } = await rpc.call('playbooks.bind', { playbookId, slot, credentialId });
      set({ playbooks: get().playbooks.map((playbook) => (playbook.id === playbookId ? { ...playbook, slots } : playbook)) });
      if (playbookId === get().playbook?.id) set({ slots });
    },

    async saveCredential({ id, name, connector, values }) {
      const { credential } = await rpc.call('credentials.save', id === undefined ? { name, connector, values } : { id, name, connector, values });
      await get().refreshCredentials();
      return credential;
    },

    async deleteCredential(id) {
      await rpc.call('credentials.delete', { id });
      await get().refreshCredentials();
    },
  };
};
