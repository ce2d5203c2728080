import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createHost, type Host } from '../../host/host.ts';
import type { InboxEvent } from '../../host/triggers/contract.ts';
import { environmentKeyProvider } from '../../host/vault/key-provider.ts';
import { saveWorkspaceSettings } from '../../host/workspace/settings.ts';
import { startLab, type Lab } from '../../host/lab/lab.ts';
import { labVendors } from '../../host/lab/vendors.ts';
import { chainPlaybook } from './chain-playbook.ts';
import { waitFor } from './wait-for.ts';

/**
 * The 5-node lab playbook team mode is tested and measured with: a VirusTotal read, a Jira issue
 * created (a write that is not idempotent), a second VirusTotal read (what a test slows down to
 * kill a worker mid-call), and a summary.
 */
export const TEAM_LAB_PLAYBOOK = chainPlaybook(
  'team-lab',
  [
    { id: 'start', type: 'trigger.manual@1', params: { sample: { ip: '198.51.100.7', recheck: '198.51.100.7' } } },
    { id: 'reputation', type: 'virustotal.ip_report@1', params: { ip: '{{ trigger.ip }}' }, credential: 'virustotal' },
    { id: 'ticket', type: 'jira.create_issue@1', params: { project: 'SEC', issuetype: 'Incident', summary: 'Team run for {{ trigger.ip }}' }, credential: 'jira' },
    { id: 'recheck', type: 'virustotal.ip_report@1', params: { ip: '{{ trigger.recheck }}' }, credential: 'virustotal' },
    { id: 'done', type: 'core.set@1', params: { values: { ticket: '{{ nodes.ticket.output.key }}' } } },
  ],
  { credentials: { virustotal: { connector: 'virustotal' }, jira: { connector: 'jira' } } },
);

/** A playbook that waits for a person: trigger → approval → set. */
export const TEAM_APPROVAL_PLAYBOOK = chainPlaybook(
  'team-approval',
  [
    { id: 'start', type: 'trigger.manual@1', params: { sample: { ip: '198.51.100.8' } } },
    { id: 'ask', type: 'core.approval@1', params: { prompt: 'Block {{ trigger.ip }}?' } },
    { id: 'blocked', type: 'core.set@1', params: { values: { ip: '{{ trigger.ip }}' } } },
  ],
  {},
  [
    { from: 'start', port: 'out', to: 'ask' },
    { from: 'ask', port: 'approved', to: 'blocked' },
  ],
);

/** A team server host over a fresh database, the lab on, lab mode on, the given playbooks published. */
export interface TeamHost {
  host: Host;
  lab: Lab;
  /** The vault key in base64, as a worker is given it. */
  vaultKey: string;
  keyProvider: ReturnType<typeof environmentKeyProvider>;
  /** Records `count` manual events of a published playbook; the server queues them for the workers. */
  accept(playbookId: string, payloads: readonly unknown[]): Promise<InboxEvent[]>;
  /** Resolves with the events once none of them is accepted, queued or running any more. */
  settled(ids: readonly string[], timeoutMs?: number): Promise<InboxEvent[]>;
  close(): Promise<void>;
}

/** Starts a team server host (no HTTP) in `dir` on the database at `url`. */
export async function startTeamHost(url: string, dir: string, playbooks: ReadonlyArray<{ id: string }> = [TEAM_LAB_PLAYBOOK]): Promise<TeamHost> {
  const shipped = path.join(dir, 'shipped');
  fs.mkdirSync(shipped, { recursive: true });
  for (const playbook of playbooks) fs.writeFileSync(path.join(shipped, `${playbook.id}.playbook.json`), JSON.stringify(playbook));
  const lab = await startLab(labVendors);
  const vaultKey = crypto.randomBytes(32).toString('base64');
  const keyProvider = environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: vaultKey });
  const host = await createHost({ workspaceDir: path.join(dir, 'server'), database: url, lab, keyProvider, shippedDir: shipped, env: {} });
  await saveWorkspaceSettings(host.context.workspace.dir, { labMode: true });
  for (const playbook of playbooks) await host.context.triggers.publish(playbook.id);
  const inbox = host.context.triggers.inbox;
  return {
    host,
    lab,
    vaultKey,
    keyProvider,
    async accept(playbookId, payloads) {
      const revision = (await host.context.workspace.readPlaybook(playbookId)).revision;
      const accepted = await Promise.all(
        payloads.map((payload) => inbox.accept({ playbookId, revision, triggerNodeId: 'start', source: 'manual', receivedAt: Date.now(), payload })),
      );
      return accepted.map((a) => a.event);
    },
    async settled(ids, timeoutMs = 60_000) {
      return waitFor(
        async () => {
          const events = await Promise.all(ids.map((id) => inbox.get(id)));
          return events.every((e) => e !== undefined && (e.status === 'done' || e.status === 'failed' || e.status === 'rejected')) ? (events as InboxEvent[]) : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    async close() {
      await host.close();
      await lab.close();
    },
  };
}
