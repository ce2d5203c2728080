// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../../renderer/panels/inspector.tsx';
import { SchedulePreview } from '../../../renderer/panels/schedule-preview.tsx';
import { rpc } from '../../../renderer/rpc/index.ts';
import { useStore } from '../../../renderer/store/index.ts';
import { fakeHost, resetStore, settle } from './fixture.ts';

afterEach(() => {
  cleanup();
  rpc.disconnect();
});

const PARIS_NINE = ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z', '2026-04-01T07:00:00.000Z'];

describe('the schedule trigger’s next fires', () => {
  it('asks the host to plan the params as edited and lists the five fires it answers', async () => {
    const host = fakeHost({
      'triggers.schedulePreview': () => ({ describe: '0 9 * * * (Europe/Paris)', nextFires: PARIS_NINE.map(Date.parse) }),
    });
    render(<SchedulePreview nodeId="tick" params={{ cron: '0 9 * * *', timezone: 'Europe/Paris' }} />);
    await settle();
    const section = screen.getByRole('region', { name: 'Next fires' });
    expect(within(section).getByText('0 9 * * * (Europe/Paris)').tagName).toBe('CODE');
    expect(within(section).getAllByRole('listitem').map((item) => item.querySelector('time')?.getAttribute('datetime'))).toEqual(PARIS_NINE);
    expect(host.sent.map((frame) => [frame.method, frame.params])).toEqual([['triggers.schedulePreview', { params: { cron: '0 9 * * *', timezone: 'Europe/Paris' } }]]);
  });

  it('asks again when the params change, and says what to fix when the host refuses them', async () => {
    const host = fakeHost({
      'triggers.schedulePreview': ({ params }) => {
        if (params.timezone === 'Paris') throw { code: 'INVALID_PARAMS', message: 'params.timezone: "Paris" is not an IANA time zone' };
        return { describe: 'every 300 s', nextFires: [300_000] };
      },
    });
    const view = render(<SchedulePreview nodeId="tick" params={{ intervalSeconds: 300 }} />);
    await settle();
    expect(screen.getByText('every 300 s')).toBeTruthy();
    view.rerender(<SchedulePreview nodeId="tick" params={{ cron: '0 9 * * *', timezone: 'Paris' }} />);
    await settle();
    expect(screen.queryByRole('list')).toBeNull();
    expect(screen.getByText('Next fires show once the schedule is valid (params.timezone: "Paris" is not an IANA time zone).')).toBeTruthy();
    expect(host.sent).toHaveLength(2);
  });

  it('shows in the inspector of a schedule trigger only', async () => {
    fakeHost({ 'triggers.schedulePreview': () => ({ describe: '@hourly (UTC)', nextFires: [3_600_000] }) });
    resetStore();
    const id = useStore.getState().addNode('trigger.schedule@1', { x: 0, y: 0 });
    useStore.getState().updateNode(id, { params: { cron: '@hourly' } });
    useStore.getState().select(id);
    render(<Inspector />);
    await settle();
    expect(within(screen.getByRole('region', { name: 'Next fires' })).getByText('@hourly (UTC)')).toBeTruthy();
    cleanup();
    useStore.getState().select('check');
    render(<Inspector />);
    expect(screen.queryByRole('region', { name: 'Next fires' })).toBeNull();
  });
});
