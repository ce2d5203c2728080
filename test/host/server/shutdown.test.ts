import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJournal } from '../../../engine/journal/journal-format.ts';
import { TINY } from '../../support/chain-playbook.ts';
import { connect, startTestServer, tempDir, writeShipped } from '../protocol/harness.ts';

describe('stopping the server', () => {
  it('stops a paused run, closes its journal and every socket', async () => {
    const shipped = writeShipped(tempDir(), [TINY]);
    const workspace = tempDir();
    const server = await startTestServer({ shipped, workspace });
    const client = await connect(server);
    const { runId } = await client.call('runs.start', { playbookId: 'tiny', mode: 'step' });
    await client.waitForEvent((e) => e.runId === runId && e.type === 'run.paused');
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    await server.close();
    expect(await closed).toBe(1001);
    const journal = decodeJournal(fs.readFileSync(path.join(workspace, 'runs', `${runId}.jsonl`), 'utf8'));
    expect(journal.events.at(-1)).toMatchObject({ type: 'run.finished', status: 'cancelled' });
    expect(fs.existsSync(path.join(workspace, 'runs', `${runId}.lock`))).toBe(false);
    await server.close();
    fs.rmSync(shipped, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  });
});
