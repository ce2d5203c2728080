import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectRunStatus, openPlaybook, runButton, selectNode, shippedPlaybook, showPanel, waitForSettled } from './editor.ts';
import { useEditor } from './fixture.ts';

const e2e = useEditor();
const investigation = shippedPlaybook('incident-investigation');

/** Clicks a Save button of the report and returns the download's file name and text. */
async function save(page: Page, button: 'Save .md' | 'Save .html'): Promise<{ fileName: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  const file = await download.path();
  return { fileName: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

describe('reports', () => {
  it('shows the Incident investigation report rendered in the run panel and saves it as .md and .html', async () => {
    const { page } = e2e;
    const reportNode = investigation.nodes.find((node) => node.type === 'core.report@1');
    if (reportNode === undefined) throw new Error('incident-investigation has no report node');

    await openPlaybook(page, investigation.name);
    await runButton(page, 'Run').click();
    const statuses = await waitForSettled(page);
    await expectRunStatus(page, 'succeeded');
    expect(statuses[reportNode.id]).toBe('succeeded');

    await selectNode(page, reportNode.id);
    const panel = await showPanel(page, 'Run');
    const body = panel.getByTestId('report-body');
    await body.waitFor();
    await expect.poll(() => body.getByRole('heading', { level: 1 }).textContent()).toBe('Malware detected on WS-ALICE-01: invoice.pdf.exe');
    const link = body.getByRole('link', { name: /^TheHive case #\d+$/ });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/thehive\.corp\.example\/cases\/~\d+\/details$/);
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await body.getByRole('table').count()).toBeGreaterThanOrEqual(2);
    // Nothing but the renderer's own markup: no script, image, frame or inline handler came through.
    expect(await body.locator('script, img, iframe, object, embed, style, [onerror], [onload]').count()).toBe(0);

    const markdown = await save(page, 'Save .md');
    expect(markdown.fileName).toBe('investigation-malware-detected-on-ws-alice-01-invoice-pdf-exe.md');
    expect(markdown.text).toMatch(/^# Malware detected on WS-ALICE-01: invoice\.pdf\.exe\n/);
    expect(markdown.text).toContain('- **WS-ALICE-01** (');
    expect(markdown.text).toMatch(/\[TheHive case #\d+\]\(https:\/\/thehive\.corp\.example\/cases\/~\d+\/details\)/);

    const html = await save(page, 'Save .html');
    expect(html.fileName).toBe('investigation-malware-detected-on-ws-alice-01-invoice-pdf-exe.html');
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html.text).toContain('<title>Investigation: Malware detected on WS-ALICE-01: invoice.pdf.exe</title>');
    expect(html.text).toContain('<h1>Malware detected on WS-ALICE-01: invoice.pdf.exe</h1>');
    expect(html.text).toMatch(/<a href="https:\/\/thehive\.corp\.example\/cases\/~\d+\/details" rel="noopener noreferrer nofollow" target="_blank">TheHive case #\d+<\/a>/);
    expect(html.text).not.toContain('<script');
  });
});
