import fs from 'node:fs';
import path from 'node:path';
import type { LabVendor } from '../lab/lab.ts';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { NodeRegistry } from '../../engine/node-type.ts';
import type { StoredCredential, Vault } from '../vault/vault.ts';
import { writeFileInside } from './atomic-file.ts';
import { idOfFileName, playbookFileName } from './playbook-text.ts';
import { jsonText, workspacePaths, type Workspace } from './workspace.ts';

/** The settings file format; its presence marks a workspace that was set up (and seeded). */
export const WORKSPACE_FORMAT = 'switchboard/workspace@1';

/**
 * Whether a workspace folder is new: no settings, no playbooks, no vault. A folder holding only
 * `runs/` (the CLI journals there too) still counts as new.
 */
export function isNewWorkspace(dir: string): boolean {
  const paths = workspacePaths(dir);
  if (fs.existsSync(paths.settings) || fs.existsSync(paths.vault)) return false;
  const names = fs.existsSync(paths.playbooks) ? fs.readdirSync(paths.playbooks) : [];
  return !names.some((name) => idOfFileName(name) !== undefined);
}

/** The id of the lab credential seeded for a connector. */
export function labCredentialId(connectorId: string): string {
  return `lab-${connectorId.replace(/_/g, '-')}`;
}

/**
 * The webhook secret a new workspace holds for its shipped webhook triggers ("Lab webhook secret"),
 * the one README's signed `curl` example uses, so that example starts Suspicious login on a fresh
 * workspace. It is public: bind your own before a real SIEM sends alerts.
 */
export const LAB_WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** What seeding did, for a log line. */
export interface SeedReport {
  playbooks: string[];
  credentials: string[];
}

/**
 * Fills a new workspace so it runs at once: a copy of every shipped playbook, one lab credential
 * per lab connector ("Lab VirusTotal") and the lab webhook secret, bound to each shipped
 * playbook's slots of that connector.
 * Writes `settings.json` last, so a crash mid-way leaves a folder that is not marked set up.
 */
export async function seedWorkspace(
  workspace: Workspace,
  vault: Vault,
  sources: { shippedDir: string; labVendors: readonly LabVendor[]; registry: NodeRegistry },
): Promise<SeedReport> {
  const report: SeedReport = { playbooks: [], credentials: [] };
  const slotsById = new Map<string, Record<string, { connector: string }>>();
  const names = fs.existsSync(sources.shippedDir) ? fs.readdirSync(sources.shippedDir).sort() : [];
  for (const name of names) {
    const id = idOfFileName(name);
    if (id === undefined) continue;
    const text = await fs.promises.readFile(path.join(sources.shippedDir, name), 'utf8');
    await writeFileInside(workspace.dir, path.join(workspace.playbooksDir, playbookFileName(id)), text);
    slotsById.set(id, loadPlaybook(text, sources.registry).playbook?.credentials ?? {});
    report.playbooks.push(id);
  }

  const labIds = new Map<string, string>();
  for (const vendor of sources.labVendors) {
    if (vendor.connector.credentials === undefined) continue;
    const credential: StoredCredential = {
      id: labCredentialId(vendor.connector.id),
      name: `Lab ${vendor.connector.name}`,
      connector: vendor.connector.id,
      lab: true,
      updatedAt: Date.now(),
      values: { ...vendor.credentials },
    };
    if (vault.get(credential.id) === undefined) await vault.put(credential);
    labIds.set(vendor.connector.id, credential.id);
    report.credentials.push(credential.id);
  }

  const webhookSecret: StoredCredential = {
    id: labCredentialId('webhook'),
    name: 'Lab webhook secret',
    connector: 'webhook',
    lab: true,
    updatedAt: Date.now(),
    values: { secret: LAB_WEBHOOK_SECRET },
  };
  if (vault.get(webhookSecret.id) === undefined) await vault.put(webhookSecret);
  labIds.set('webhook', webhookSecret.id);
  report.credentials.push(webhookSecret.id);

  for (const [playbookId, slots] of slotsById) {
    for (const [slot, { connector }] of Object.entries(slots)) {
      const credentialId = labIds.get(connector);
      if (credentialId !== undefined) await workspace.bind(playbookId, slot, credentialId);
    }
  }
  await writeFileInside(workspace.dir, workspacePaths(workspace.dir).settings, jsonText({ format: WORKSPACE_FORMAT, createdAt: new Date().toISOString() }));
  return report;
}

/** Marks an existing folder as a set-up workspace, without seeding it. */
export async function markWorkspace(dir: string): Promise<void> {
  const file = workspacePaths(dir).settings;
  if (!fs.existsSync(file)) await writeFileInside(dir, file, jsonText({ format: WORKSPACE_FORMAT, createdAt: new Date().toISOString() }));
}
