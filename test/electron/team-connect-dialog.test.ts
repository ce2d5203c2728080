import { describe, expect, it } from 'vitest';
import { CONNECT_FORM_ACTION, connectDialogHtml, connectDialogUrl, createConnectDialog, readConnectSubmission } from '../../electron/team-connect-dialog.ts';

/** The URL a GET submission of the form navigates to, as the browser builds it. */
function submitted(fields: Record<string, string>): string {
  return `${CONNECT_FORM_ACTION}?${new URLSearchParams(fields).toString()}`;
}

describe('the submission', () => {
  it('is read from the form’s navigation: the typed URL, a recent one, or cancel', () => {
    expect(readConnectSubmission(submitted({ url: 'https://team.example.com/a b', action: 'connect' }))).toEqual({ kind: 'connect', text: 'https://team.example.com/a b' });
    expect(readConnectSubmission(submitted({ url: '' }))).toEqual({ kind: 'connect', text: '' });
    expect(readConnectSubmission(submitted({ url: 'typed', recent: 'https://t1.example' }))).toEqual({ kind: 'connect', text: 'https://t1.example' });
    expect(readConnectSubmission(submitted({ url: 'https://team.example.com', action: 'cancel' }))).toEqual({ kind: 'cancel' });
    expect(readConnectSubmission(CONNECT_FORM_ACTION)).toEqual({ kind: 'connect', text: '' });
  });

  it('is nothing when the navigation goes anywhere else', () => {
    for (const url of ['https://team.example.com/?url=https://x', 'http://connect.switchboard.invalid/?url=x', 'https://connect.switchboard.invalid.evil.example/?url=x', 'app://switchboard/', 'not a url']) {
      expect(readConnectSubmission(url), url).toBeUndefined();
    }
  });
});

describe('the page', () => {
  it('has no script and a policy that lets the form go only to its own address', () => {
    const html = connectDialogHtml({ recent: ['https://t1.example'], value: '' });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain('form-action https://connect.switchboard.invalid');
    expect(policy).toContain("base-uri 'none'");
    expect(policy).not.toContain('script-src');
    expect(html).toContain(`<form method="get" action="${CONNECT_FORM_ACTION}">`);
  });

  it('escapes what it shows: the value, the error and the recent servers', () => {
    const hostile = '"><script>alert(1)</script><a href=\'x';
    const html = connectDialogHtml({ recent: [hostile], value: hostile, error: `TEAM_URL_SCHEME: Team server URL must start with https:// (got ${hostile})` });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain(hostile);
    expect(html).not.toContain("<a href='x");
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });

  it('prefills the field, shows the refusal as an alert, and lists the recent servers', () => {
    const html = connectDialogHtml({ recent: ['https://t1.example', 'http://127.0.0.1:7070'], value: 'http://team.example', error: 'TEAM_URL_INSECURE: Team server URL must be https://' });
    expect(html).toContain('value="http://team.example"');
    expect(html).toContain('<p id="error" class="error" role="alert">TEAM_URL_INSECURE: Team server URL must be https://</p>');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('<button type="submit" name="recent" value="https://t1.example"');
    expect(html).toContain('<button type="submit" name="recent" value="http://127.0.0.1:7070"');
    const plain = connectDialogHtml({ recent: [], value: '' });
    expect(plain).not.toContain('role="alert"');
    expect(plain).not.toContain('Recent servers');
    expect(plain).toContain('<label for="url">Team server URL</label>');
  });

  it('makes Connect the first submit button, so Enter in the field connects rather than picking a recent server', () => {
    const html = connectDialogHtml({ recent: ['https://t1.example'], value: '' });
    const buttons = [...html.matchAll(/<button type="submit" name="([a-z]+)" value="([^"]*)"/g)].map((match) => `${match[1]}=${match[2]}`);
    expect(buttons).toEqual(['action=connect', 'action=cancel', 'recent=https://t1.example']);
  });

  it('loads as a data: URL holding exactly the page', () => {
    const view = { recent: ['https://t1.example'], value: 'https://x.example/?a=1&b=%20' };
    const url = connectDialogUrl(view);
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(url.slice('data:text/html;charset=utf-8,'.length))).toBe(connectDialogHtml(view));
    expect(url).not.toMatch(/[\s#"]/);
  });
});

describe('the dialog window', () => {
  const made: Array<Record<string, unknown>> = [];
  class Recording {
    constructor(options: object) {
      made.push(options as Record<string, unknown>);
    }
  }

  it('has no preload and is isolated, sandboxed and without Node; modal over the local window', () => {
    const parent = {} as never;
    createConnectDialog(Recording, { parent, recent: 0, devTools: false, dark: false });
    const options = made.at(-1) ?? {};
    expect(options).toMatchObject({ parent, modal: true, show: false, resizable: false, title: 'Connect to Team Server' });
    const preferences = options.webPreferences as Record<string, unknown>;
    expect(preferences).not.toHaveProperty('preload');
    expect(preferences).not.toHaveProperty('partition');
    expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
  });

  it('has no parent when there is no local window, and grows with the recent list', () => {
    createConnectDialog(Recording, { recent: 0, devTools: true, dark: false });
    const alone = made.at(-1) ?? {};
    expect(alone).not.toHaveProperty('parent');
    expect(alone).not.toHaveProperty('modal');
    createConnectDialog(Recording, { recent: 3, devTools: true, dark: false });
    expect((made.at(-1)?.height as number) > (alone.height as number)).toBe(true);
  });
});
