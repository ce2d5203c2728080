import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, reconnectDelay, type Database } from '../../../../host/team/db/database.ts';
import { describeWithPostgres, useTestDatabase } from '../../../support/postgres.ts';
import { waitFor } from '../../../support/wait-for.ts';

it('waits longer after each failed reconnection, from 100 ms up to 5 s', () => {
  expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map(reconnectDelay)).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
});

it('gives up on a host that accepts the connection but never answers, in one line', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    await expect(openDatabase(`postgres://someone:hunter2@127.0.0.1:${port}/nowhere`, { connectTimeoutMs: 200 })).rejects.toThrow(
      new RegExp(`^cannot reach postgres://someone:\\*\\*\\*@127\\.0\\.0\\.1:${port}/nowhere: [^\\n]*timeout[^\\n]*$`),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

describeWithPostgres('the LISTEN connection', () => {
  const url = useTestDatabase();
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  /** Ends this test database's LISTEN connections from outside, as a restart or `pg_terminate_backend` does. */
  const dropListenConnection = async (): Promise<number> => {
    const name = new URL(url()).pathname.slice(1);
    const rows = await db!.query<{ pid: number }>(
      "WITH p AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE '%-listen') SELECT pid FROM p WHERE pg_terminate_backend(pid)",
      [name],
    );
    return rows.length;
  };

  it('reconnects after its connection is terminated, listens on every channel again and says announcements may have been missed', async () => {
    db = await openDatabase(url(), { applicationName: 'sb-test' });
    const heard: string[] = [];
    let caughtUp = 0;
    await db.listen('sb_test_a', (payload) => heard.push(`a:${payload}`), { onReconnect: () => caughtUp++ });
    await db.listen('sb_test_b', (payload) => heard.push(`b:${payload}`));
    await db.query("SELECT pg_notify('sb_test_a', 'before')");
    await waitFor(() => (heard.includes('a:before') ? true : undefined));

    expect(await dropListenConnection()).toBe(1);
    await waitFor(() => (caughtUp === 1 ? true : undefined));
    await db.query("SELECT pg_notify('sb_test_a', 'after'), pg_notify('sb_test_b', 'after')");
    await waitFor(() => (heard.includes('a:after') && heard.includes('b:after') ? true : undefined));
    expect(heard).toEqual(['a:before', 'a:after', 'b:after']);
  });

  it('keeps reconnecting when new connections are terminated too, and listens on channels added since', async () => {
    db = await openDatabase(url(), { applicationName: 'sb-test' });
    const heard: string[] = [];
    let caughtUp = 0;
    const unlisten = await db.listen('sb_test_a', (payload) => heard.push(payload), { onReconnect: () => caughtUp++ });
    // Many drops in a row: each new connection is terminated at once, until the probe stops doing so.
    for (let drops = 0; drops < 3; ) {
      drops += await dropListenConnection();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await db.listen('sb_test_late', (payload) => heard.push(`late:${payload}`));
    await waitFor(() => (caughtUp >= 1 ? true : undefined));
    await waitFor(async () => {
      await db!.query("SELECT pg_notify('sb_test_late', 'x')");
      return heard.includes('late:x') ? true : undefined;
    });
    await unlisten();
    await db.query("SELECT pg_notify('sb_test_a', 'unheard'), pg_notify('sb_test_late', 'y')");
    await waitFor(() => (heard.includes('late:y') ? true : undefined));
    expect(heard).not.toContain('unheard');
  });
});
