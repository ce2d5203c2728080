import { describe, expect, it } from 'vitest';
import {
  canvasNode,
  canvasNodeIds,
  connect,
  createPlaybook,
  dragFromPalette,
  dragNode,
  edge,
  expectRunStatus,
  expectSaved,
  expectStatus,
  nextFrame,
  nodePosition,
  openPlaybook,
  paletteItem,
  runButton,
  saveState,
  searchPalette,
  selectNode,
  showPanel,
  unique,
  waitForSettled,
} from './editor.ts';
import { useEditor, waitForEditor } from './fixture.ts';

const e2e = useEditor();

/** The lab's AbuseIPDB / VirusTotal scenario knows this Tor exit node. */
const LAB_IP = '185.220.101.45';
const VT_IP_REPORT = 'Add VirusTotal: IP address report';

describe('building a playbook on the canvas', () => {
  it('drags from the palette, connects, configures, saves, survives a reload and runs on the lab', async () => {
    const { page } = e2e;
    const name = unique('E2E build');
    await createPlaybook(page, name);

    // The palette's search box narrows the list to what matches.
    expect(await paletteItem(page, 'Add Core: Condition').count()).toBe(1);
    await searchPalette(page, 'ip address report');
    await paletteItem(page, VT_IP_REPORT).waitFor();
    await expect.poll(() => paletteItem(page, 'Add Core: Condition').count()).toBe(0);
    await expect.poll(() => paletteItem(page, 'Add Slack: Post message').count()).toBe(0);

    // Drag it onto the canvas, right of the trigger, and wire the trigger's out port into it.
    const report = await dragFromPalette(page, VT_IP_REPORT, 'start', { x: 300, y: 80 });
    expect(await canvasNode(page, report).textContent()).toContain('VirusTotal');
    expect(await canvasNode(page, report).textContent()).toContain('IP address report');
    await connect(page, 'start', 'out', report);
    await edge(page, 'start', report).waitFor();
    // The same connection again is refused while dragging: still one edge.
    await connect(page, 'start', 'out', report);
    await nextFrame(page);
    expect(await page.getByTestId('canvas').locator('.react-flow__edge').count()).toBe(1);

    // Configure its ip parameter in the inspector.
    await selectNode(page, report);
    const inspector = await showPanel(page, 'Inspector');
    const ip = inspector.getByRole('combobox', { name: 'IP address', exact: true });
    await ip.fill(LAB_IP);
    await ip.press('Enter');
    await expect.poll(() => saveState(page).textContent()).toBe('Unsaved changes');

    // Ctrl+S saves.
    await page.keyboard.press('Control+s');
    await expectSaved(page);

    // A reload reads it back from the workspace on disk.
    await page.reload();
    await waitForEditor(page);
    await openPlaybook(page, name);
    expect(await canvasNodeIds(page)).toEqual(['start', report].sort());
    await edge(page, 'start', report).waitFor();
    await selectNode(page, report);
    const reloaded = await showPanel(page, 'Inspector');
    await expect.poll(() => reloaded.getByRole('combobox', { name: 'IP address', exact: true }).inputValue()).toBe(LAB_IP);
    expect(await saveState(page).textContent()).toBe('Saved');

    // Its VirusTotal slot is not bound, so it runs on the lab only in lab mode: turn it on, then
    // every node settles, the report shows the lab's answer for the IP, and the node is marked LAB.
    const lab = runButton(page, 'Lab');
    await lab.click();
    await expect.poll(() => lab.getAttribute('aria-pressed')).toBe('true');
    await runButton(page, 'Run').click();
    const statuses = await waitForSettled(page);
    expect(statuses).toEqual({ start: 'succeeded', [report]: 'succeeded' });
    await expectRunStatus(page, 'succeeded');
    await expect.poll(() => canvasNode(page, report).getAttribute('data-lab')).toBe('true');
    await selectNode(page, report);
    const output = page.getByRole('group', { name: 'Output of IP address report' });
    await output.waitFor();
    expect(await output.textContent()).toContain('attributes');
    // Lab mode is remembered by the workspace: leave it off for the next tests.
    await lab.click();
    await expect.poll(() => lab.getAttribute('aria-pressed')).toBe('false');
  });

  it('undoes and redoes a move and a delete from the keyboard and the toolbar', async () => {
    const { page } = e2e;
    await createPlaybook(page, unique('E2E undo'));
    const tools = page.getByRole('toolbar', { name: 'Canvas tools' });
    const undo = tools.getByRole('button', { name: 'Undo', exact: true });
    const redo = tools.getByRole('button', { name: 'Redo', exact: true });
    expect(await undo.isDisabled()).toBe(true);
    expect(await redo.isDisabled()).toBe(true);

    await searchPalette(page, 'set values');
    const added = await dragFromPalette(page, 'Add Core: Set values', 'start', { x: 300, y: 120 });
    const placed = await nodePosition(page, added);
    expect(await undo.isEnabled()).toBe(true);

    // Move it, then delete it.
    await dragNode(page, added, 120, 90);
    await expect.poll(async () => (await nodePosition(page, added)).x).toBeGreaterThan(placed.x + 50);
    const moved = await nodePosition(page, added);
    expect(moved.y).toBeGreaterThan(placed.y + 30);
    await selectNode(page, added);
    await page.keyboard.press('Delete');
    await expect.poll(() => canvasNodeIds(page)).toEqual(['start']);

    // Ctrl+Z brings it back where it was moved to, a second Ctrl+Z puts it back where it was dropped.
    await page.keyboard.press('Control+z');
    await expect.poll(() => canvasNodeIds(page)).toEqual([added, 'start'].sort());
    expect(await nodePosition(page, added)).toEqual(moved);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodePosition(page, added)).toEqual(placed);
    expect(await redo.isEnabled()).toBe(true);

    // Ctrl+Shift+Z re-applies the move, Ctrl+Y the delete.
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodePosition(page, added)).toEqual(moved);
    await page.keyboard.press('Control+y');
    await expect.poll(() => canvasNodeIds(page)).toEqual(['start']);
    expect(await redo.isDisabled()).toBe(true);

    // The toolbar's buttons do the same.
    await undo.click();
    await expect.poll(() => canvasNodeIds(page)).toEqual([added, 'start'].sort());
    expect(await nodePosition(page, added)).toEqual(moved);
    await redo.click();
    await expect.poll(() => canvasNodeIds(page)).toEqual(['start']);
    await undo.click();
    await undo.click();
    await undo.click();
    await expect.poll(() => canvasNodeIds(page)).toEqual(['start']);
    expect(await undo.isDisabled()).toBe(true);
    await expectStatus(page, 'start', 'idle');
    // Back at the state it was opened in: nothing to save.
    await expect.poll(() => saveState(page).textContent()).toBe('Saved');
  });
});
