import { describe, expect, it } from 'vitest';
import { httpPoll, httpPollTriggerInput, MAX_ITEMS_PER_POLL } from '../../../nodes/core/http-poll-trigger.ts';
import { decideBatch, parseCursor, pollWindow } from '../../../host/triggers/pollers/poll-cursor.ts';

const params = (extra: Record<string, unknown> = {}) =>
  httpPollTriggerInput.parse({ url: 'https://api.example.com/v1/alerts?team=soc', cursorParam: 'since', items: 'data.alerts', cursor: 'next', ...extra });
const output = (body: unknown) => ({ status: 200, headers: {}, body });
const window = { from: Date.parse('2026-11-27T08:00:00.000Z'), to: Date.parse('2026-11-27T08:10:00.000Z') };

describe('core.http_poll_trigger@1', () => {
  it('refuses params that cannot work, naming the field', () => {
    const issues = (extra: Record<string, unknown>) => httpPollTriggerInput.safeParse({ url: 'https://api.example.com/', ...extra }).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ url: 'file:///etc/passwd' })).toEqual(['url']);
    expect(issues({ intervalSeconds: 5 })).toEqual(['intervalSeconds']);
    expect(issues({ items: 'data.[' })).toEqual(['items']);
    expect(issues({ cursor: '$max(' })).toEqual(['cursor']);
    expect(issues({})).toBeUndefined();
  });

  it('sends the committed cursor in cursorParam, initialCursor before there is one, and the window start without a cursor expression', () => {
    expect(httpPoll.input(params(), { ...window, cursor: 'tok-42' })).toMatchObject({ method: 'GET', url: 'https://api.example.com/v1/alerts?team=soc', query: { since: 'tok-42' } });
    expect(httpPoll.input(params({ initialCursor: '0' }), window)).toMatchObject({ query: { since: '0' } });
    expect(httpPoll.input(params(), window)).toMatchObject({ query: { since: '2026-11-27T08:00:00.000Z' } });
    expect(httpPoll.input(params({ cursor: undefined }), { ...window, cursor: 'stale' })).toMatchObject({ query: { since: '2026-11-27T08:00:00.000Z' } });
    expect(httpPoll.input(params({ cursorParam: undefined }), window)).not.toHaveProperty('query');
  });

  it('reads items, keys and the next cursor with JSONata over the body', async () => {
    const body = { data: { alerts: [{ id: 7, meta: { uid: 'a-7' } }, { id: 8, meta: { uid: 'a-8' } }] }, next: 'tok-43' };
    expect(await httpPoll.items(output(body), params())).toEqual([
      { key: '7', payload: body.data.alerts[0] },
      { key: '8', payload: body.data.alerts[1] },
    ]);
    expect((await httpPoll.items(output(body), params({ dedupeField: 'meta.uid' }))).map((i) => i.key)).toEqual(['a-7', 'a-8']);
    expect(await httpPoll.items(output({ data: { alerts: { id: 'only' } } }), params())).toEqual([{ key: 'only', payload: { id: 'only' } }]);
    expect(await httpPoll.items(output({ data: {} }), params())).toEqual([]);
    expect(await httpPoll.cursor!(output(body), params(), undefined)).toBe('tok-43');
    expect(await httpPoll.cursor!(output({}), params(), 'tok-42')).toBeUndefined();
    expect(await httpPoll.cursor!(output(body), params({ cursor: '$max(data.alerts.id)' }), undefined)).toBe('8');
  });

  it('fails the poll with a one-line message rather than dropping items', async () => {
    await expect(httpPoll.items(output({ data: { alerts: [{ id: 1 }, { name: 'x' }] } }), params())).rejects.toThrow(
      'params.dedupeField "id" gives no value for item 1 of params.items',
    );
    await expect(httpPoll.items(output({ data: { alerts: [{ id: { a: 1 } }] } }), params())).rejects.toThrow('params.dedupeField must give text or a number, not an object');
    await expect(httpPoll.cursor!(output({ next: [1, 2] }), params(), undefined)).rejects.toThrow('params.cursor must give text or a number, not a list');
    const many = Array.from({ length: MAX_ITEMS_PER_POLL + 1 }, (_, id) => ({ id }));
    await expect(httpPoll.items(output({ data: { alerts: many } }), params())).rejects.toThrow(`more than ${MAX_ITEMS_PER_POLL} per poll`);
  });

  it('describes the endpoint without its query (which may hold a key)', () => {
    expect(httpPoll.describe(params({ url: 'https://api.example.com/v1/alerts?api_key=s3cret' }))).toBe('GET https://api.example.com/v1/alerts every 60 s, look-back 600 s');
  });
});

describe('the poll cursor keeps the trigger’s own value', () => {
  it('commits a new value, keeps the previous one when a poll gives none, and reads it back for the next window', () => {
    const first = decideBatch(undefined, [], 1_000, 0, 'tok-1');
    expect(first.cursor.value).toBe('tok-1');
    const second = decideBatch(first.cursor, [], 2_000, 0, undefined);
    expect(second.cursor.value).toBe('tok-1');
    const stored = parseCursor(JSON.stringify(second.cursor));
    expect(pollWindow(stored, 3_000, 0)).toEqual({ from: 2_000, to: 3_000, cursor: 'tok-1' });
    expect(pollWindow(parseCursor(JSON.stringify({ at: 1, seen: {} })), 3_000, 0)).toEqual({ from: 1, to: 3_000 });
  });
});
