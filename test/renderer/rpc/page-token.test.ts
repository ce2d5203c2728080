// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { takePageToken, TOKEN_STORAGE_KEY } from '../../../renderer/rpc/page-token.ts';

const TOKEN = 'AbC_12-xyz';

/** Puts the page at `path` on its origin, with a history entry of its own. */
function visit(path: string): void {
  window.history.replaceState(null, '', path);
}

afterEach(() => {
  window.sessionStorage.clear();
  visit('/');
});

describe('the page token', () => {
  it('takes ?token= from the first load, keeps it in session storage and removes it from the address, keeping the rest', () => {
    visit(`/?token=${TOKEN}&playbook=triage`);
    const before = window.history.length;
    expect(takePageToken(window)).toBe(TOKEN);
    expect(window.location.href).not.toContain(TOKEN);
    expect(window.location.search).toBe('?playbook=triage');
    expect(window.history.length).toBe(before);
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(TOKEN);
  });

  it('reads it back from session storage on a reload, whose address has no token', () => {
    visit(`/?token=${TOKEN}`);
    takePageToken(window);
    visit('/?playbook=triage');
    expect(takePageToken(window)).toBe(TOKEN);
  });

  it('has none on a page opened without it, and takes no malformed one', () => {
    visit('/');
    expect(takePageToken(window)).toBeUndefined();
    visit('/?token=a%20b;c');
    expect(takePageToken(window)).toBeUndefined();
    expect(window.location.search).toBe('');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('lets a newer URL replace the token an earlier start left in the tab', () => {
    visit('/?token=old-token');
    takePageToken(window);
    visit(`/?token=${TOKEN}`);
    expect(takePageToken(window)).toBe(TOKEN);
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(TOKEN);
  });
});
