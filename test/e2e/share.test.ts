import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  canvasNodeIds,
  connect,
  createPlaybook,
  dragFromPalette,
  edge,
  expectSaved,
  expectTitle,
  saveState,
  searchPalette,
  selectNode,
  shippedPlaybook,
  showPanel,
  unique,
} from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

/** Picks a file with the Import button's file picker. */
async function importWithPicker(page: Page, name: string, content: string | Buffer): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('complementary', { name: 'Side panel' }).getByRole('button', { name: 'Import', exact: true }).click()]);
  await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) });
}

/** Drops a file onto the canvas, as from a file manager. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ fileName, body }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([body], fileName, { type: 'application/json' }));
      return transfer;
    },
    { fileName: name, body: text },
  );
  const canvas = page.getByTestId('canvas');
  await canvas.dispatchEvent('dragover', { dataTransfer });
  await canvas.dispatchEvent('drop', { dataTransfer });
}

describe('sharing playbooks', () => {
  it('exports a playbook without its secret and imports it back, asking to bind its slot', async () => {
    const { page, server } = e2e;
    const name = unique('E2E share');
    const canary = `canary-${randomUUID()}`;
    const credentialName = unique('VT canary');

    // A playbook with one VirusTotal node: dropping it adds the `virustotal` credential slot.
    await createPlaybook(page, name);
    await searchPalette(page, 'ip address report');
    const report = await dragFromPalette(page, 'Add VirusTotal: IP address report', 'start', { x: 300, y: 80 });
    await connect(page, 'start', 'out', report);
    await edge(page, 'start', report).waitFor();
    await selectNode(page, report);
    let inspector = await showPanel(page, 'Inspector');
    const ip = inspector.getByRole('combobox', { name: 'IP address', exact: true });
    await ip.fill('185.220.101.45');
    await ip.press('Enter');
    await page.keyboard.press('Control+s');
    await expectSaved(page);

    // A credential holding the canary as its secret; the form never shows it again.
    const credentials = await showPanel(page, 'Credentials');
    await credentials.getByRole('combobox', { name: 'Connector of the new credential' }).selectOption({ label: 'VirusTotal' });
    await credentials.getByRole('button', { name: 'New credential', exact: true }).click();
    const form = credentials.getByRole('form', { name: 'New VirusTotal credential' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(credentialName);
    await form.getByLabel('API key', { exact: true }).fill(canary);
    await form.getByRole('button', { name: 'Save credential' }).click();
    const stored = credentials.getByRole('list', { name: 'Stored credentials' });
    await stored.getByText(credentialName, { exact: true }).waitFor();
    await credentials.getByRole('button', { name: `Edit ${credentialName}`, exact: true }).click();
    const edit = credentials.getByRole('form', { name: `Edit ${credentialName}` });
    const secret = edit.getByLabel('API key', { exact: true });
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toBe('•••• set');
    expect(await page.content()).not.toContain(canary);
    await edit.getByRole('button', { name: 'Cancel', exact: true }).click();

    // Bind the playbook's slot to it, in the node's inspector.
    await selectNode(page, report);
    inspector = await showPanel(page, 'Inspector');
    expect(await inspector.getByRole('combobox', { name: 'Credential slot' }).inputValue()).toBe('virustotal');
    const binding = inspector.getByRole('combobox', { name: 'Credential for slot virustotal' });
    await binding.selectOption({ label: credentialName });
    await expect.poll(() => binding.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe(credentialName);

    // Export: the file names the slot and its connector, never the secret nor the binding.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    const fileName = download.suggestedFilename();
    expect(fileName).toMatch(/\.playbook\.json$/);
    const exported = await download.path();
    const text = fs.readFileSync(exported, 'utf8');
    expect(text).not.toContain(canary);
    expect(text).not.toContain(credentialName);
    const file = JSON.parse(text) as { name: string; credentials: Record<string, { connector: string }>; nodes: Array<{ id: string; credential?: string }> };
    expect(file.name).toBe(name);
    expect(file.credentials.virustotal?.connector).toBe('virustotal');
    expect(file.nodes.find((node) => node.id === report)?.credential).toBe('virustotal');
    // Nor is the canary anywhere in the workspace in clear (the vault is encrypted at rest).
    expect(filesContaining(server.workspace, canary)).toEqual([]);

    // Import the file back: it is valid, so the dialog asks for a name and the slot's credential.
    await importWithPicker(page, fileName, text);
    const dialog = page.getByRole('dialog', { name: `Import ${name}` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${fileName} is valid: 2 nodes.`);
    expect(await dialog.getByRole('radio', { name: 'as a new playbook' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('textbox', { name: 'Name' }).inputValue()).toBe(`${name} (imported)`);
    await dialog.getByRole('heading', { name: 'Credentials it needs' }).waitFor();
    const slot = dialog.getByRole('combobox', { name: 'Slot virustotal (VirusTotal)' });
    const choices = await slot.locator('option').allTextContents();
    expect(choices).toContain('Leave unbound');
    expect(choices).toContain(credentialName);
    await slot.selectOption({ label: credentialName });
    await dialog.getByRole('button', { name: 'Save and open' }).click();

    // It opens as a new playbook, its slot bound on this machine.
    await expectTitle(page, `${name} (imported)`);
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await canvasNodeIds(page)).toEqual(['start', report].sort());
    await edge(page, 'start', report).waitFor();
    await selectNode(page, report);
    inspector = await showPanel(page, 'Inspector');
    const importedBinding = inspector.getByRole('combobox', { name: 'Credential for slot virustotal' });
    await expect.poll(() => importedBinding.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe(credentialName);
    const playbooks = await showPanel(page, 'Playbooks');
    await playbooks.getByRole('button', { name: `Open ${name}`, exact: true }).waitFor();
  });

  it('lists the problems of a broken file as sentences and leaves the open playbook alone', async () => {
    const { page } = e2e;
    const name = unique('E2E keep');
    await createPlaybook(page, name);
    await searchPalette(page, 'set values');
    const added = await dragFromPalette(page, 'Add Core: Set values', 'start', { x: 300, y: 80 });
    const nodes = await canvasNodeIds(page);
    expect(nodes).toEqual(['start', added].sort());
    await expect.poll(() => saveState(page).textContent()).toBe('Unsaved changes');

    const expectUntouched = async () => {
      await expectTitle(page, name);
      expect(await canvasNodeIds(page)).toEqual(nodes);
      expect(await saveState(page).textContent()).toBe('Unsaved changes');
    };
    const problemSentences = async (fileName: string): Promise<string[]> => {
      const dialog = page.getByRole('dialog', { name: `${fileName} cannot be imported` });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('Your open playbook is unchanged.');
      const messages = await dialog.getByRole('list', { name: `Problems in ${fileName}` }).locator('.problem-message').allTextContents();
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message).toMatch(/^[A-Z].*[.!?]$/);
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      return messages;
    };

    // A file that is not JSON at all (cut short), picked with Import.
    await importWithPicker(page, 'truncated.playbook.json', '{ "format": "switchboard/playbook@1", "id": "cut", "nodes": [');
    const syntax = await problemSentences('truncated.playbook.json');
    expect(syntax.join(' ')).toMatch(/Line \d+, column \d+/);
    await expectUntouched();

    // A well-formed file whose graph is wrong (an edge to a node that does not exist), dropped on the canvas.
    const shipped = shippedPlaybook('suspicious-login');
    const broken = { ...shipped, id: 'broken-graph', name: 'Broken graph', edges: [...shipped.edges, { id: 'e_ghost', from: 'alert', port: 'out', to: 'ghost' }] };
    await dropFile(page, 'broken-graph.playbook.json', JSON.stringify(broken, null, 2));
    const graph = await problemSentences('broken-graph.playbook.json');
    expect(graph.some((message) => message.includes('ghost') && message.includes('does not exist'))).toBe(true);
    await expectUntouched();
    const playbooks = await showPanel(page, 'Playbooks');
    expect(await playbooks.getByRole('button', { name: 'Open Broken graph', exact: true }).count()).toBe(0);
  });
});
