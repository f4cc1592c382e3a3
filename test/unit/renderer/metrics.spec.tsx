// @vitest-environment jsdom
// Metrics: loading, error, empty (how to make traffic), data per target group and per target, and
// the health transitions that the charts mark.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import type { GroupMetricsView } from '../../../shared/contract/index.js';
import { MetricsScreen } from '../../../renderer/views/metrics/metrics-view.js';
import { FakeClient } from './fake-client.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

const series = (n: number) => Array.from({ length: 60 }, (_, i) => ({ at: 1_700_000_000_000 + i * 1000, requests: n, p50: 2, p99: 9, errors5xx: i === 30 ? 1 : 0 }));
const view = (over: Partial<GroupMetricsView>): GroupMetricsView => ({ targetGroup: 'app', requests: 600, requestsPerSecond: 10, p50: 2.1, p95: 7, p99: 9.4, status2xx: 599, status3xx: 0, status4xx: 0, status5xx: 1, errors: 0, series: series(10), ...over });

describe('metrics', () => {
  it('loading', () => {
    renderScreen(<MetricsScreen />, new FakeClient().answer('getMetrics', 'pending'));
    expect(screen.getByRole('status').textContent).toContain('Loading metrics');
  });

  it('error', async () => {
    renderScreen(<MetricsScreen />, new FakeClient().answer('getMetrics', new Error('Berth stopped')));
    expect((await screen.findByRole('alert')).textContent).toContain('Berth stopped');
  });

  it('empty: explains how to get figures', async () => {
    renderScreen(<MetricsScreen />, new FakeClient().answer('getMetrics', []));
    expect((await screen.findByTestId('metrics-empty')).textContent).toContain('curl');
  });

  it('data: figures per group and per target, 5xx counted, health transitions listed', async () => {
    const c = new FakeClient().answer('getMetrics', [view({ inFlight: 3 }), view({ target: 'web-1:49153', requests: 400, requestsPerSecond: 6.7, inFlight: 2 }), view({ target: 'web-2:49154', requests: 200, requestsPerSecond: 3.3, status5xx: 1 })]);
    renderScreen(<MetricsScreen />, c);
    const panel = await screen.findByTestId('metrics-app');
    expect(panel.textContent).toContain('10.0requests/s');
    expect(panel.textContent).toContain('9.4 msp99');
    expect(panel.textContent).toContain('15xx');
    expect(panel.textContent).toContain('3in flight');
    const rows = within(panel).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows).toEqual([expect.stringMatching(/^web-1:49153400/), expect.stringMatching(/^web-2:49154200/)]);
    expect(within(panel).getByRole('figure', { name: 'requests per second' })).toBeTruthy();
    act(() => c.emit('health', { targetGroup: 'app', target: 'web-2:49154', from: 'healthy', to: 'unhealthy', reason: 'Target.Timeout' }));
    await screen.findByText(/web-2:49154 healthy → unhealthy \(Target\.Timeout\)/);
    expect(c.callsOf('getMetrics')[0]).toEqual({ windowSeconds: 300 });
  });
});
