// @vitest-environment jsdom
// Live traffic: loading, empty (with a curl line), error, and data — rows coloured by status,
// filters, keyboard navigation, the detail pane with the rule in words, follow/pause, HAR export.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { TrafficScreen } from '../../../renderer/views/traffic/traffic-view.js';
import { FakeClient } from './fake-client.js';
import { engineState, record } from './fixtures.js';
import { renderScreen } from './render.js';

beforeAll(() => {
  // jsdom lays nothing out: give the virtualised list a viewport to fill.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 560 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 900 });
  Element.prototype.scrollTo = function (this: Element, opts?: ScrollToOptions | number) {
    if (typeof opts === 'object') this.scrollTop = opts.top ?? this.scrollTop;
  } as Element['scrollTo'];
});
afterEach(cleanup);

const records = [
  record({ id: 1, path: '/ok', status: 200 }),
  record({ id: 2, path: '/moved', status: 301, rule: 'default', target: undefined, targetGroup: undefined }),
  record({ id: 3, path: '/boom', status: 502, error: 'target-connect-failed' }),
  record({ id: 4, kind: 'tcp', method: undefined, host: undefined, path: undefined, status: undefined, listener: '5432/TCP', rule: undefined, targetGroup: 'db', target: 'pg:5432', bytesIn: 900, bytesOut: 1200 }),
];

function client() {
  return new FakeClient().answer('getState', engineState()).answer('getTraffic', { records, capacity: 10_000 }).answer('getRequest', ({ id }) => ({ ...records.find((r) => r.id === id)!, requestHeaders: { 'user-agent': 'curl/8.5.0' } }));
}

describe('traffic', () => {
  it('loading', () => {
    renderScreen(<TrafficScreen />, new FakeClient().answer('getState', 'pending').answer('getTraffic', 'pending'));
    expect(screen.getByRole('status').textContent).toContain('Loading traffic');
  });

  it('empty: says how to make some', async () => {
    renderScreen(<TrafficScreen />, new FakeClient().answer('getState', engineState()).answer('getTraffic', { records: [], capacity: 10_000 }));
    expect((await screen.findByTestId('traffic-empty')).textContent).toContain('curl -i http://127.0.0.1:8080/');
  });

  it('error: history failed, live traffic still shows', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('getTraffic', new Error('HTTP 500'));
    renderScreen(<TrafficScreen />, c);
    expect((await screen.findByRole('alert')).textContent).toContain('Recent traffic could not be loaded');
    act(() => c.emit('traffic', { records: [record({ id: 50, path: '/live' })], dropped: 0 }));
    expect((await screen.findAllByTestId('traffic-row'))[0]!.textContent).toContain('/live');
  });

  it('data: rows coloured by status, L4 connections in their tab, filters by status and text', async () => {
    renderScreen(<TrafficScreen />, client());
    const rows = await screen.findAllByTestId('traffic-row');
    // Newest first.
    expect(rows.map((r) => r.className.replace('traffic-row ', ''))).toEqual(['', 'status-5', 'status-3', 'status-2']);
    expect(rows[0]!.textContent).toContain('TCP');
    fireEvent.click(screen.getByRole('tab', { name: 'TCP / TLS / UDP' }));
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(1);
    fireEvent.click(screen.getByRole('tab', { name: 'All' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'status' }), { target: { value: '5xx' } });
    expect(screen.getAllByTestId('traffic-row').map((r) => r.textContent)).toEqual([expect.stringContaining('/boom')]);
    fireEvent.change(screen.getByRole('combobox', { name: 'status' }), { target: { value: '' } });
    fireEvent.change(screen.getByRole('searchbox', { name: 'search' }), { target: { value: 'moved' } });
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(1);
  });

  it('keyboard: arrows select rows and open the detail with the rule in words; Escape closes it', async () => {
    renderScreen(<TrafficScreen />, client());
    const grid = await screen.findByRole('grid', { name: 'traffic' });
    fireEvent.keyDown(grid, { key: 'End' });
    const detail = await screen.findByTestId('traffic-detail');
    expect(detail.textContent).toContain('GET /ok');
    expect(screen.getByTestId('detail-rule').textContent).toBe('Rule 10 matched: host is "app.localhost" → forward to app.');
    await waitFor(() => expect(detail.textContent).toContain('curl/8.5.0'));
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(screen.getByTestId('detail-rule').textContent).toMatch(/default action.*respond 404/);
    expect(screen.getByRole('button', { name: /Paused/ })).toBeTruthy();
    fireEvent.keyDown(grid, { key: 'Escape' });
    expect(screen.queryByTestId('traffic-detail')).toBeNull();
  });

  it('paused, new rows wait until following again', async () => {
    const c = client();
    renderScreen(<TrafficScreen />, c);
    await screen.findAllByTestId('traffic-row');
    fireEvent.click(screen.getByRole('button', { name: /Following/ }));
    act(() => c.emit('traffic', { records: [record({ id: 9, path: '/later' })], dropped: 0 }));
    expect(await screen.findByRole('button', { name: /Paused · 1 new/ })).toBeTruthy();
    expect(screen.queryByText('/later')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /Paused/ }));
    expect(await screen.findByText('/later')).toBeTruthy();
  });

  it('exports what the filters show as HAR', async () => {
    const c = client().answer('exportTraffic', { text: '{"log":{}}', contentType: 'application/json' });
    URL.createObjectURL = vi.fn(() => 'blob:har');
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderScreen(<TrafficScreen />, c);
    await screen.findAllByTestId('traffic-row');
    fireEvent.change(screen.getByRole('combobox', { name: 'status' }), { target: { value: '5xx' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export HAR' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(c.callsOf('exportTraffic')[0]).toMatchObject({ format: 'har', statusClass: '5xx', keepSecrets: false });
    // Credentials stay out of the file unless the box is ticked.
    fireEvent.click(screen.getByRole('checkbox', { name: /keep credentials/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Export HAR' }));
    await waitFor(() => expect(c.callsOf('exportTraffic')).toHaveLength(2));
    expect(c.callsOf('exportTraffic')[1]).toMatchObject({ format: 'har', keepSecrets: true });
  });
});
