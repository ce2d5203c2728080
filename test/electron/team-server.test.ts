import { describe, expect, it } from 'vitest';
import {
  checkTeamServerUrl,
  createTeamWindow,
  isOnOrigin,
  MAX_RECENT_TEAM_SERVERS,
  rememberTeamServer,
  routeMenuCommand,
  TEAM_URL_FIELD,
  teamNavigation,
  teamPartition,
  teamWindowTitle,
} from '../../electron/team-server.ts';

describe('checkTeamServerUrl', () => {
  it('accepts https:// on any host, as its origin', () => {
    expect(checkTeamServerUrl('https://switchboard.example.com')).toEqual({ ok: true, origin: 'https://switchboard.example.com', host: 'switchboard.example.com' });
    expect(checkTeamServerUrl('  HTTPS://Switchboard.Example.COM:443/editor/index.html?x=1#top  ')).toEqual({
      ok: true,
      origin: 'https://switchboard.example.com',
      host: 'switchboard.example.com',
    });
    expect(checkTeamServerUrl('https://10.0.0.5:8443/')).toEqual({ ok: true, origin: 'https://10.0.0.5:8443', host: '10.0.0.5:8443' });
    expect(checkTeamServerUrl('https://[2001:db8::1]:8443')).toEqual({ ok: true, origin: 'https://[2001:db8::1]:8443', host: '[2001:db8::1]:8443' });
  });

  it('accepts http:// only on 127.0.0.1, ::1 and localhost', () => {
    expect(checkTeamServerUrl('http://127.0.0.1:7070/')).toMatchObject({ ok: true, origin: 'http://127.0.0.1:7070' });
    expect(checkTeamServerUrl('http://[::1]:7070')).toMatchObject({ ok: true, origin: 'http://[::1]:7070', host: '[::1]:7070' });
    expect(checkTeamServerUrl('http://LOCALHOST:7070/x')).toMatchObject({ ok: true, origin: 'http://localhost:7070' });
    expect(checkTeamServerUrl('http://localhost')).toMatchObject({ ok: true, origin: 'http://localhost' });
    for (const url of ['http://team.example.com', 'http://192.168.1.5:7070', 'http://127.0.0.2:7070', 'http://localhost.evil.example', 'http://[::ffff:127.0.0.1]:7070', 'http://0.0.0.0:7070']) {
      expect(checkTeamServerUrl(url), url).toMatchObject({ ok: false, code: 'TEAM_URL_INSECURE' });
    }
  });

  it('refuses every other scheme, a bare host, credentials and nonsense, in one line naming the field', () => {
    const cases: Array<[string, string]> = [
      ['', 'TEAM_URL_EMPTY'],
      ['   ', 'TEAM_URL_EMPTY'],
      ['team.example.com', 'TEAM_URL_SCHEME'],
      ['localhost:7070', 'TEAM_URL_SCHEME'],
      ['javascript:alert(1)', 'TEAM_URL_SCHEME'],
      ['file:///etc/passwd', 'TEAM_URL_SCHEME'],
      ['ftp://team.example.com', 'TEAM_URL_SCHEME'],
      ['wss://team.example.com', 'TEAM_URL_SCHEME'],
      ['app://switchboard/index.html', 'TEAM_URL_SCHEME'],
      ['https://', 'TEAM_URL_INVALID'],
      ['https://exa mple.com', 'TEAM_URL_INVALID'],
      [`https://team.example.com/${'a'.repeat(2_100)}`, 'TEAM_URL_INVALID'],
      ['https://alice:secret@team.example.com', 'TEAM_URL_CREDENTIALS'],
      ['https://alice@team.example.com', 'TEAM_URL_CREDENTIALS'],
    ];
    for (const [text, code] of cases) {
      const checked = checkTeamServerUrl(text);
      expect(checked, text).toMatchObject({ ok: false, code });
      if (checked.ok) continue;
      expect(checked.message.startsWith(`${code}: ${TEAM_URL_FIELD} `), checked.message).toBe(true);
      expect(checked.message).not.toMatch(/[\r\n]/);
      expect(checked.message).not.toContain('secret');
      expect(checked.message.length).toBeLessThan(300);
    }
  });
});

describe('the recent team servers', () => {
  it('put the newest first, once each, at most eight, leaving the old list alone', () => {
    let recent: string[] = [];
    for (let i = 0; i < 10; i++) recent = rememberTeamServer(recent, `https://t${i}.example`);
    expect(recent).toHaveLength(MAX_RECENT_TEAM_SERVERS);
    expect(recent[0]).toBe('https://t9.example');
    const before = [...recent];
    const again = rememberTeamServer(recent, 'https://t5.example');
    expect(again[0]).toBe('https://t5.example');
    expect(again.filter((entry) => entry === 'https://t5.example')).toHaveLength(1);
    expect(again).toHaveLength(MAX_RECENT_TEAM_SERVERS);
    expect(recent).toEqual(before);
  });
});

describe('a team window', () => {
  it('has a persistent partition of its own per origin, never the default session', () => {
    const partition = teamPartition('https://team.example.com');
    expect(partition).toMatch(/^persist:team-[0-9a-f]{16}$/);
    expect(teamPartition('https://team.example.com')).toBe(partition);
    expect(teamPartition('https://team.example.com:8443')).not.toBe(partition);
    expect(teamPartition('http://localhost:7070')).not.toBe(teamPartition('http://127.0.0.1:7070'));
  });

  it('is titled after the host', () => {
    expect(teamWindowTitle('team.example.com:8443')).toBe('Switchboard — team.example.com:8443');
  });

  it('is made with no preload, isolated, sandboxed, without Node, with web security on, in its partition', () => {
    const made: Array<Record<string, unknown>> = [];
    class Recording {
      constructor(options: object) {
        made.push(options as Record<string, unknown>);
      }
    }
    const window = createTeamWindow(Recording, { origin: 'https://team.example.com', host: 'team.example.com', devTools: false, dark: true });
    expect(window).toBeInstanceOf(Recording);
    const options = made[0] ?? {};
    const preferences = options.webPreferences as Record<string, unknown>;
    expect(preferences).not.toHaveProperty('preload');
    expect(preferences).toEqual({
      partition: teamPartition('https://team.example.com'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: false,
    });
    expect(options).toMatchObject({ title: 'Switchboard — team.example.com', show: false, backgroundColor: '#16181d' });
  });

  it('stays on its origin; an allowlisted link goes to the system browser; everything else is refused', () => {
    const origin = 'https://team.example.com';
    const docs = (url: string) => url.startsWith('https://docs.virustotal.com/');
    expect(teamNavigation('https://team.example.com/', origin, docs)).toBe('allow');
    expect(teamNavigation('https://team.example.com/runs?id=1#x', origin, docs)).toBe('allow');
    expect(teamNavigation('https://docs.virustotal.com/reference', origin, docs)).toBe('external');
    for (const url of ['https://team.example.com:8443/', 'http://team.example.com/', 'https://evil.example/', 'https://team.example.com.evil.example/', 'app://switchboard/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      expect(teamNavigation(url, origin, docs), url).toBe('refuse');
    }
    expect(isOnOrigin('http://[::1]:7070/x', 'http://[::1]:7070')).toBe(true);
  });
});

describe('menu commands', () => {
  it('go to the local page from its window, and never from a team window', () => {
    expect(routeMenuCommand('run.run', 'local')).toBe('send');
    expect(routeMenuCommand('edit.undo', 'local')).toBe('send');
    for (const command of ['run.run', 'run.dry-run', 'run.step', 'run.stop', 'file.save', 'file.new', 'file.import', 'file.export', 'help.shortcuts']) {
      expect(routeMenuCommand(command, 'team'), command).toBe('drop');
    }
    expect(routeMenuCommand('edit.undo', 'team')).toBe('undo');
    expect(routeMenuCommand('edit.redo', 'team')).toBe('redo');
  });
});
