// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../../host/protocol/contract.ts';
import { RunPanel } from '../../../renderer/panels/run-panel.tsx';
import { SignInGate } from '../../../renderer/panels/sign-in.tsx';
import { UserBadge } from '../../../renderer/panels/user-badge.tsx';
import { RpcClient, rpc } from '../../../renderer/rpc/index.ts';
import { pageConnector } from '../../../renderer/rpc/page-connection.ts';
import { TOKEN_STORAGE_KEY } from '../../../renderer/rpc/page-token.ts';
import { TeamSession } from '../../../renderer/rpc/team-session.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

/** The team server's HTTP side as the page sees it: ana's password is `pa55`; every request is recorded. */
function teamServer() {
  const asked: Array<{ url: string; method: string; headers: Headers; body: unknown }> = [];
  const fetch = async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    asked.push({ url, method, headers: new Headers(init.headers), body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    if (url === '/api/session' && method === 'DELETE') return new Response(null, { status: 204 });
    if (url === '/api/session' && method === 'POST') {
      const { user, password } = JSON.parse(String(init.body)) as { user: string; password: string };
      if (user !== 'ana' || password !== 'pa55') return Response.json({ error: 'wrong user name or password' }, { status: 401 });
      return Response.json({ token: 'session-of-ana', user: { name: 'ana', role: 'analyst' }, expiresAt: Date.now() + 3_600_000 });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetch, asked };
}

/** The page's connection, recorded: which tokens it connected with and why it dropped. */
function pageWiring(server: ReturnType<typeof teamServer>) {
  const connected: string[] = [];
  const dropped: string[] = [];
  const session = new TeamSession();
  session.attach({ fetch: server.fetch, page: window, connect: (token) => connected.push(token), disconnect: (reason) => dropped.push(reason) });
  return { session, connected, dropped };
}

function signInWith(user: string, password: string, how: 'click' | 'enter' = 'click'): void {
  fireEvent.change(screen.getByLabelText('User name'), { target: { value: user } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  if (how === 'click') fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
  else fireEvent.submit(screen.getByLabelText('Password').closest('form') as HTMLFormElement);
}

const info: HostInfo = { version: '0.0.0', workspace: '/tmp/ws', vault: { protection: 'environment', detail: 'test' }, lab: { running: true, twins: [] } };
const may = (decide: boolean) => ({ edit: true, run: true, decide, admin: false });

beforeEach(() => {
  resetStore();
  window.sessionStorage.clear();
});

afterEach(() => {
  rpc.disconnect();
  window.sessionStorage.clear();
});

describe('the sign-in form of a team server', () => {
  it('asks for a user name and a password the browser may fill in, and shows nothing until the page needs it', () => {
    const { session } = pageWiring(teamServer());
    render(<SignInGate session={session} />);
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => session.requireSignIn());
    const form = screen.getByRole('dialog', { name: 'Sign in to Switchboard' });
    const password = within(form).getByLabelText('Password');
    expect(password.getAttribute('type')).toBe('password');
    expect(password.getAttribute('autocomplete')).toBe('current-password');
    expect(within(form).getByLabelText('User name').getAttribute('autocomplete')).toBe('username');
  });

  it('shows a refusal in one line, then signs in on Enter: the token is kept for the tab and the page connects with it', async () => {
    const server = teamServer();
    const { session, connected } = pageWiring(server);
    render(<SignInGate session={session} />);
    act(() => session.requireSignIn());

    signInWith('ana', 'wrong');
    await settle();
    expect(screen.getByRole('alert').textContent).toBe('Wrong user name or password.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(connected).toEqual([]);

    signInWith('ana', 'pa55', 'enter');
    await settle();
    expect(server.asked.filter((request) => request.method === 'POST').map((request) => request.body)).toEqual([
      { user: 'ana', password: 'wrong' },
      { user: 'ana', password: 'pa55' },
    ]);
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('session-of-ana');
    expect(connected).toEqual(['session-of-ana']);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(session.state).toEqual({ phase: 'signed-in', user: { name: 'ana', role: 'analyst' } });
  });
});

describe('the signed-in badge', () => {
  it('names the person and their role, and is absent off a team server', async () => {
    const { session } = pageWiring(teamServer());
    const { container } = render(<UserBadge session={session} />);
    expect(container.textContent).toBe('');
    act(() => session.requireSignIn());
    await act(() => session.signIn('ana', 'pa55'));
    expect(screen.getByRole('group', { name: 'Signed in' }).textContent).toContain('ana · analyst');
  });

  it('after a reload, names the person host.info names', () => {
    const { session } = pageWiring(teamServer());
    act(() => {
      session.resume('session-of-ana');
      useStore.setState({ host: { ...info, user: { name: 'ana', role: 'analyst', may: may(false) } } });
    });
    render(<UserBadge session={session} />);
    expect(screen.getByRole('group', { name: 'Signed in' }).textContent).toContain('ana · analyst');
  });

  it('signs out: the session is ended on the server, the token forgotten, the connection dropped, and the form is back', async () => {
    const server = teamServer();
    const { session, dropped } = pageWiring(server);
    render(
      <>
        <UserBadge session={session} />
        <SignInGate session={session} />
      </>,
    );
    act(() => session.requireSignIn());
    signInWith('ana', 'pa55');
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await settle();
    const signOut = server.asked.find((request) => request.method === 'DELETE');
    expect(signOut?.url).toBe('/api/session');
    expect(signOut?.headers.get('Authorization')).toBe('Bearer session-of-ana');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(dropped).toEqual(['signed out']);
    expect(screen.queryByRole('group', { name: 'Signed in' })).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Sign in to Switchboard' })).toBeTruthy();
  });
});

describe('a session the host refuses (4401)', () => {
  /** A socket the test opens and closes by hand. */
  class Socket {
    readyState = 0;
    onopen: (() => void) | null = null;
    onmessage: ((event: { data: string }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    send(): void {}
    close(code = 1000, reason = ''): void {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }
  }

  function refusedSocketPage(team: boolean) {
    const client = new RpcClient();
    const server = teamServer();
    const { session } = pageWiring(server);
    const sockets: Socket[] = [];
    const localRefusals: number[] = [];
    const connect = pageConnector({
      client,
      session,
      team: Promise.resolve(team),
      onLocalRefusal: () => localRefusals.push(1),
      url: 'ws://127.0.0.1:1/ws',
      createSocket: () => {
        const socket = new Socket();
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
    });
    return { client, session, sockets, localRefusals, connect };
  }

  it('on a team server, brings the form back with "Your session ended; sign in again." and forgets the token', async () => {
    const { client, session, sockets, connect } = refusedSocketPage(true);
    window.sessionStorage.setItem(TOKEN_STORAGE_KEY, 'session-of-ana');
    render(<SignInGate session={session} />);
    act(() => session.resume('session-of-ana'));
    connect('session-of-ana');
    await act(async () => {
      sockets[0]?.close(4401, 'the session expired');
      await settle();
    });
    expect(screen.getByRole('dialog', { name: 'Sign in to Switchboard' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Your session ended; sign in again.');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(client.state).toBe('closed');
    expect(sockets).toHaveLength(1);
  });

  it('on a local server, leaves the page to the token notice', async () => {
    const { session, sockets, localRefusals, connect } = refusedSocketPage(false);
    connect('editor-token');
    sockets[0]?.close(4401, 'wrong token');
    await settle();
    expect(localRefusals).toEqual([1]);
    expect(session.state).toEqual({ phase: 'off' });
  });
});

describe('approvals and the signed-in role', () => {
  beforeEach(() => {
    act(() => {
      const base = { runId: 'r1' };
      useStore.getState().receive({ ...base, seq: 1, at: 1_000, type: 'run.started', playbookId: 'triage', playbookName: 'Triage', revision: 3, mode: 'run', dryRun: false, trigger: {}, nodeIds: ['start', 'lookup', 'check'] });
      useStore.getState().receive({ ...base, seq: 2, at: 1_260, type: 'approval.requested', nodeId: 'check', prompt: 'Block bad.example?', expiresAt: 3_600_000 });
    });
  });

  it('disables Approve and Reject for an analyst, saying the approver role is needed', () => {
    act(() => useStore.setState({ host: { ...info, user: { name: 'ana', role: 'analyst', may: may(false) } } }));
    render(<RunPanel />);
    const approval = screen.getByRole('group', { name: 'Approval for Check' });
    for (const name of ['Approve', 'Reject']) {
      const button = within(approval).getByRole('button', { name }) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      expect(button.title).toBe('Needs the approver role');
    }
  });

  it('enables them for an approver, and on a host without people', () => {
    act(() => useStore.setState({ host: { ...info, user: { name: 'abe', role: 'approver', may: may(true) } } }));
    const { unmount } = render(<RunPanel />);
    expect((screen.getByRole('button', { name: 'Approve' }) as HTMLButtonElement).disabled).toBe(false);
    unmount();
    act(() => useStore.setState({ host: info }));
    render(<RunPanel />);
    expect((screen.getByRole('button', { name: 'Approve' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows a FORBIDDEN answer as the error notice', async () => {
    fakeHost({
      'runs.decide': () => {
        throw { code: 'FORBIDDEN', message: 'runs.decide needs the approver role; you are analyst' };
      },
    });
    render(<RunPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await settle();
    expect(useStore.getState().toast).toEqual({ kind: 'error', text: 'Could not record the approval: runs.decide needs the approver role; you are analyst.' });
  });
});
