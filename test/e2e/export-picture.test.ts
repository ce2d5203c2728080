import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canvasNode, expectRunStatus, openPlaybook, runButton, selectNode, shippedPlaybook, waitForSettled } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const login = shippedPlaybook('suspicious-login');
/** Drawing a 22-node playbook copies every element's computed style: seconds, more on a busy machine. */
const DRAW_TIMEOUT_MS = 90_000;

/** Exports a picture through "Picture…" in the canvas tools and returns the downloaded file. */
async function exportPicture(page: Page, format: 'PNG' | 'SVG', what: 'whole' | 'selection'): Promise<{ fileName: string; bytes: Buffer }> {
  await page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'Picture…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export picture' });
  await dialog.getByRole('radio', { name: new RegExp(`^${format}`) }).check();
  await dialog.getByRole('radio', { name: what === 'whole' ? 'The whole playbook' : /^The selection \(/ }).check();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: DRAW_TIMEOUT_MS }), dialog.getByRole('button', { name: 'Save picture' }).click()]);
  await expect.poll(() => dialog.count()).toBe(0);
  return { fileName: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

/** A PNG's size from its IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('exporting the canvas as a picture', () => {
  it('saves SVG and PNG of the whole playbook with the run statuses, and a smaller PNG of the selection', async () => {
    const { page } = e2e;
    await openPlaybook(page, login.name);
    await runButton(page, 'Run').click();
    const statuses = await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');

    const svg = await exportPicture(page, 'SVG', 'whole');
    expect(svg.fileName).toMatch(/^suspicious-login-run-\d{8}-\d{6}-[0-9a-f]{6}\.svg$/);
    const text = svg.bytes.toString('utf8');
    // It parses as SVG, and holds every node's name and status, but none of the canvas's controls.
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length };
    }, text);
    expect(parsed).toEqual({ root: 'svg', errors: 0 });
    for (const node of login.nodes) expect(text).toContain(node.name.replace(/&/g, '&amp;'));
    const drawnStatuses = Object.fromEntries([...text.matchAll(/<div[^>]*data-status="([a-z-]+)"[^>]*data-node-id="([^"]+)"/g)].map((match) => [match[2], match[1]]));
    expect(drawnStatuses).toEqual(statuses);
    expect(text).not.toMatch(/react-flow__(minimap|controls|background|panel)/);

    const whole = await exportPicture(page, 'PNG', 'whole');
    expect(whole.fileName).toMatch(/^suspicious-login-run-\d{8}-\d{6}-[0-9a-f]{6}\.png$/);
    const wholeSize = pngSize(whole.bytes);
    expect(wholeSize.width).toBeGreaterThan(1_000);
    expect(wholeSize.width).toBeLessThanOrEqual(16_000);
    expect(wholeSize.height).toBeGreaterThan(200);
    expect(whole.bytes.length).toBeGreaterThan(20_000);

    const first = login.nodes[1]?.id ?? '';
    await selectNode(page, first);
    await expect.poll(() => canvasNode(page, first).evaluate((element) => element.closest('.react-flow__node')?.classList.contains('selected'))).toBe(true);
    const selection = await exportPicture(page, 'PNG', 'selection');
    expect(selection.fileName).toMatch(/^suspicious-login-selection-run-\d{8}-\d{6}-[0-9a-f]{6}\.png$/);
    const selectionSize = pngSize(selection.bytes);
    expect(selectionSize.width).toBeLessThan(wholeSize.width);
    expect(selectionSize.width * selectionSize.height).toBeLessThan((wholeSize.width * wholeSize.height) / 4);
  }, 3 * DRAW_TIMEOUT_MS);
});
