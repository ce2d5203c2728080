import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/http-server.ts';
import { useEditor, waitForEditor } from './fixture.ts';

const e2e = useEditor();

/** The notice a page shows when it has no token the host accepts. */
function tokenNotice(page: Page) {
  return page.getByRole('alert', { name: /token/ });
}

describe('the editor token', () => {
  it('leaves the address bar, survives a reload, and never reaches another server on 127.0.0.1', async () => {
    const { page, context, server } = e2e;
    // useEditor opened the URL serve printed, and the editor connected with it.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(page.url()).not.toContain(server.token);

    await page.reload();
    await waitForEditor(page);
    expect(page.url()).not.toContain(server.token);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await context.cookies()).toEqual([]);
    // Cross-origin isolated (COOP and COEP): no other origin's window or resource shares its process.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    const other = await startTestServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>another local service</title>');
    });
    try {
      const tab = await context.newPage();
      await tab.goto(`${other.url}/`);
      expect(await tab.evaluate((url) => fetch(url, { credentials: 'include' }).then((response) => response.status), `${other.url}/api`)).toBe(200);
      expect(other.requests.map((request) => request.url)).toEqual(expect.arrayContaining(['/', '/api']));
      for (const request of other.requests) expect(request.headers.cookie, request.url).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('opens in a new tab from the printed URL; a page without the token, or with a stale one, says which URL to open', async () => {
    const { context, server } = e2e;
    const second = await context.newPage();
    await second.goto(server.url);
    await waitForEditor(second);
    expect(second.url()).not.toContain(server.token);

    const bare = await context.newPage();
    await bare.goto(`http://127.0.0.1:${server.port}/`);
    await expect.poll(() => tokenNotice(bare).textContent()).toMatch(/open the URL that switchboard serve printed/i);
    expect(await bare.locator('.react-flow').count()).toBe(0);

    const stale = await context.newPage();
    await stale.goto(`http://127.0.0.1:${server.port}/?token=from-an-earlier-start`);
    await expect.poll(() => tokenNotice(stale).textContent()).toMatch(/refused.*open the URL that switchboard serve printed/i);
    expect(stale.url()).not.toContain('from-an-earlier-start');
  });
});
