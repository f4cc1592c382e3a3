// @vitest-environment jsdom
// Network listeners (TCP, TLS, UDP) across the dashboard: the overview's listeners, sni rules in words
// and TCP/UDP groups; the TCP / TLS / UDP traffic tab with its own columns and close reasons that are
// not all failures; metrics without status or response time; and rule and group forms for them.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { GroupMetricsView } from '../../../shared/contract/index.js';
import { OverviewScreen } from '../../../renderer/views/overview/overview-view.js';
import { TrafficScreen } from '../../../renderer/views/traffic/traffic-view.js';
import { MetricsScreen } from '../../../renderer/views/metrics/metrics-view.js';
import { EditScreen } from '../../../renderer/views/edit/edit-view.js';
import { FakeClient } from './fake-client.js';
import { networkState, record } from './fixtures.js';
import { renderScreen } from './render.js';

beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 560 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 900 });
});
afterEach(cleanup);

const saved = (c: FakeClient) => c.callsOf('editConfig').map((i) => (i as { ops: { op: string; path: (string | number)[]; value?: unknown }[] }).ops);

describe('overview of a network load balancer', () => {
  it('shows its listeners with their tcp:// and udp:// URLs to copy, the sni rule in words, and TCP/UDP groups with health', async () => {
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', networkState()));
    const edge = await screen.findByRole('region', { name: 'load balancer edge' });
    expect(within(edge).getByText('network (L4)')).toBeTruthy();
    const tcp = within(edge).getByTestId('listener-edge-5432/TCP');
    expect(within(tcp).getByTestId('listener-url').textContent).toContain('tcp://127.0.0.1:5432');
    // Not a link: a browser cannot open tcp://.
    expect(within(tcp).queryByRole('link')).toBeNull();
    expect(within(tcp).getByRole('button', { name: 'copy tcp://127.0.0.1:5432' })).toBeTruthy();
    const rows = within(tcp).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows[0]).toBe('10TLS name (SNI) is "a.localhost"forward to tls-app');
    expect(rows[1]).toBe('defaultno rule above matchedforward to db');
    expect(within(tcp).getByTestId('group-db').textContent).toContain('TCP · 1/1 healthy');
    expect(within(tcp).getByTestId('target-pg-1:49170').textContent).toMatch(/healthy.*pg-1.*127\.0\.0\.1:49170.*postgres:16/);
    expect(within(tcp).getByTestId('group-tls-app').textContent).toContain('connections are reset until a matching container starts');
    expect(within(tcp).getByTestId('group-tls-app').textContent).not.toContain('503');

    const udp = within(edge).getByTestId('listener-edge-5353/UDP');
    expect(within(udp).getByTestId('listener-url').textContent).toContain('udp://127.0.0.1:5353');
    expect(within(udp).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual(['defaultevery flowforward to dns']);
    const dns = within(udp).getByTestId('group-dns');
    // Health checks off is not "0/1 healthy".
    expect(dns.textContent).toContain('UDP · 1 target, health checks off');
    expect(dns.textContent).not.toContain('0/1');
    expect(within(dns).getByTestId('target-dns-1:49180').textContent).toContain('Target.HealthCheckDisabled');
  });

  it('keeps HTTP listeners as links', async () => {
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', networkState()));
    const web = await screen.findByTestId('listener-web-8080/HTTP');
    expect(within(web).getByRole('link').getAttribute('href')).toBe('http://127.0.0.1:8080/');
  });
});

describe('TCP / TLS / UDP traffic', () => {
  const records = [
    record({ id: 1, path: '/ok', status: 200 }),
    record({ id: 2, kind: 'tcp', method: undefined, host: undefined, path: undefined, status: undefined, loadBalancer: 'edge', listener: '5432/TCP', rule: 'default', targetGroup: 'db', target: 'pg-1:49170', client: '127.0.0.1', bytesIn: 1800, bytesOut: 2_500_000, durationMs: 412.4, connectMs: 0.8 }),
    record({ id: 3, kind: 'udp', method: undefined, host: undefined, path: undefined, status: undefined, loadBalancer: 'edge', listener: '5353/UDP', rule: undefined, targetGroup: 'dns', target: 'dns-1:49180', client: '127.0.0.1', bytesIn: 60, bytesOut: 60, packetsIn: 3, packetsOut: 3, durationMs: 120_004, error: 'idle-timeout' }),
    record({ id: 4, kind: 'tcp', method: undefined, host: undefined, path: undefined, status: undefined, loadBalancer: 'edge', listener: '5432/TCP', rule: 'default', targetGroup: 'db', target: undefined, client: '127.0.0.1', bytesIn: 0, bytesOut: 0, durationMs: 2.1, error: 'target-refused' }),
  ];
  const client = () => new FakeClient().answer('getState', networkState()).answer('getTraffic', { records, capacity: 10_000 }).answer('getRequest', ({ id }) => records.find((r) => r.id === id)!);
  const cells = (row: HTMLElement) => within(row).getAllByRole('gridcell').map((c) => c.textContent);

  it('lists connections and flows with client, bytes and packets each way, duration, target and how they ended', async () => {
    renderScreen(<TrafficScreen />, client());
    await screen.findAllByTestId('traffic-row');
    fireEvent.click(screen.getByRole('tab', { name: 'TCP / TLS / UDP' }));
    const rows = screen.getAllByTestId('traffic-row');
    expect(rows).toHaveLength(3);
    const [refused, flow, connection] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(cells(connection).slice(1)).toEqual(['TCP', '127.0.0.1', '1.8 kB / 2.5 MB', '', '412', 'pg-1:49170', 'closed']);
    expect(cells(flow).slice(1)).toEqual(['UDP', '127.0.0.1', '60 B / 60 B', '3 / 3', '120004', 'dns-1:49180', 'idle-timeout']);
    expect(cells(refused).slice(1)).toEqual(['TCP', '127.0.0.1', '0 B / 0 B', '', '2.1', '—', 'target-refused']);
    // A flow that went idle ended normally; only the refused connection is a failure.
    expect(connection.className).not.toContain('status-err');
    expect(flow.className).not.toContain('status-err');
    expect(refused.className).toContain('status-err');
    fireEvent.change(screen.getByRole('combobox', { name: 'status' }), { target: { value: 'error' } });
    expect(screen.getAllByTestId('traffic-row').map((r) => r.textContent)).toEqual([expect.stringContaining('target-refused')]);
  });

  it('says why a flow ended and where it went, without HTTP-only notes', async () => {
    renderScreen(<TrafficScreen />, client());
    await screen.findAllByTestId('traffic-row');
    fireEvent.click(screen.getByRole('tab', { name: 'TCP / TLS / UDP' }));
    fireEvent.click(screen.getAllByTestId('traffic-row')[1]!);
    const detail = await screen.findByTestId('traffic-detail');
    expect(detail.textContent).toContain('UDP flow');
    expect(detail.textContent).toContain("ended byidle-timeout: idle for longer than the listener's idle timeout");
    expect(detail.textContent).toContain('packets in / out3 / 3');
    expect(detail.textContent).not.toContain('status');
    expect(detail.textContent).not.toContain('No headers kept');
    expect(detail.textContent).not.toContain('No rule decided');
    expect(screen.getByTestId('detail-rule').textContent).toBe('The listener has no rules: every flow goes to its default action, forward to dns.');
    fireEvent.keyDown(screen.getByRole('grid', { name: 'traffic' }), { key: 'ArrowUp' });
    await waitFor(() => expect(screen.getByTestId('traffic-detail').textContent).toContain('No target: the target refused the connection.'));
  });

  it('the All tab shows connections in the request columns without calling an idle flow an error', async () => {
    renderScreen(<TrafficScreen />, client());
    const rows = await screen.findAllByTestId('traffic-row');
    expect(cells(rows[1]!)).toEqual(expect.arrayContaining(['UDP', '5353/UDP · 60 B in / 60 B out', '—']));
    expect(cells(rows[0]!)).toEqual(expect.arrayContaining(['err', 'target-refused']));
  });

  it('says how to make network traffic when the tab has none', async () => {
    renderScreen(<TrafficScreen />, new FakeClient().answer('getState', networkState()).answer('getTraffic', { records: [records[0]!], capacity: 10_000 }));
    await screen.findAllByTestId('traffic-row');
    fireEvent.click(screen.getByRole('tab', { name: 'TCP / TLS / UDP' }));
    expect(screen.getByTestId('traffic-empty-l4').textContent).toContain('tcp://127.0.0.1:5432');
  });
});

describe('metrics of network target groups', () => {
  const series = Array.from({ length: 60 }, (_, i) => ({ at: 1_700_000_000_000 + i * 1000, requests: i % 2, p50: 0, p99: 0, errors5xx: 0 }));
  const view = (over: Partial<GroupMetricsView>): GroupMetricsView => ({ targetGroup: 'db', requests: 30, requestsPerSecond: 0.5, p50: 0, p95: 0, p99: 0, status2xx: 0, status3xx: 0, status4xx: 0, status5xx: 0, errors: 0, series, ...over });

  it('counts connections and flows per second, with no status, latency or NaN', async () => {
    const c = new FakeClient()
      .answer('getState', networkState())
      .answer('getMetrics', [view({ inFlight: 2 }), view({ target: 'pg-1:49170', inFlight: 2 }), view({ targetGroup: 'dns', requests: 4, requestsPerSecond: 0.1, errors: 4 }), view({ targetGroup: 'dns', target: 'dns-1:49180', requests: 4, requestsPerSecond: 0.1, errors: 4 })]);
    renderScreen(<MetricsScreen />, c);
    const db = await screen.findByTestId('metrics-db');
    await waitFor(() => expect(db.textContent).toContain('0.5connections/s'));
    expect(db.textContent).toContain('30connections');
    expect(db.textContent).toContain('2open now');
    expect(within(db).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual(['pg-1:49170300.52']);
    const dns = screen.getByTestId('metrics-dns');
    expect(dns.textContent).toContain('0.1flows/s');
    expect(within(dns).getByRole('figure', { name: 'flows per second' })).toBeTruthy();
    for (const panel of [db, dns]) {
      expect(panel.textContent).not.toMatch(/NaN|undefined|5xx|p99|latency|\bms\b/);
      expect(within(panel).queryByRole('figure', { name: 'latency (ms)' })).toBeNull();
    }
  });
});

describe('editing network listeners', () => {
  it('a TCP listener takes sni rules only, forwarding to the groups it may reach', async () => {
    const c = new FakeClient().answer('getState', networkState()).answer('editConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.change(await screen.findByRole('combobox', { name: 'listener' }), { target: { value: '1' } });
    expect(screen.getByTestId('edit-rule-10').textContent).toContain('TLS name (SNI) is "a.localhost"');
    fireEvent.click(screen.getByRole('button', { name: '+ Add rule' }));
    expect(screen.queryByRole('textbox', { name: 'host header' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'path pattern' })).toBeNull();
    expect(screen.getAllByRole('radio').map((r) => r.textContent)).toEqual(['forward']);
    const options = within(screen.getByRole('combobox', { name: 'target group 1' })).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['choose a target group', 'db', 'tls-app']);
    fireEvent.change(screen.getByRole('textbox', { name: 'TLS name (SNI)' }), { target: { value: 'localhost' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    expect(within(screen.getByRole('group', { name: 'TLS name (SNI)' })).getByRole('alert').textContent).toContain('must contain a "."');
    fireEvent.change(screen.getByRole('textbox', { name: 'TLS name (SNI)' }), { target: { value: 'b.localhost, *.b.localhost' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'target group 1' }), { target: { value: 'tls-app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await waitFor(() => expect(saved(c)).toHaveLength(1));
    // One rule added after the one the file has; nothing else of berth.yaml is sent.
    const edge = networkState().fileConfig!.loadBalancers.findIndex((lb) => lb.name === 'edge');
    expect(saved(c)[0]).toEqual([{ op: 'add', path: ['loadBalancers', edge, 'listeners', 0, 'rules', 1], value: { priority: 20, conditions: { sni: ['b.localhost', '*.b.localhost'] }, action: { forward: 'tls-app' } } }]);
  });

  it('a UDP listener has no rules to add, and says where its flows go', async () => {
    renderScreen(<EditScreen />, new FakeClient().answer('getState', networkState()));
    fireEvent.change(await screen.findByRole('combobox', { name: 'listener' }), { target: { value: '2' } });
    expect(screen.queryByRole('button', { name: '+ Add rule' })).toBeNull();
    expect(screen.getByTestId('no-rules-here').textContent).toBe('UDP listeners have no rules: every flow goes to the default action.');
  });

  it('a new UDP group selects UDP ports and offers source-IP stickiness only', async () => {
    const c = new FakeClient().answer('getState', networkState()).answer('editConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('tab', { name: 'Target groups' }));
    fireEvent.click(screen.getByRole('button', { name: '+ Add target group' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'name' }), { target: { value: 'syslog' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'protocol' }), { target: { value: 'UDP' } });
    expect(within(screen.getByRole('combobox', { name: 'stickiness type' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['source_ip']);
    // A TCP health check has no path and no success codes.
    expect(screen.queryByRole('textbox', { name: 'path' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'success codes' })).toBeNull();
    fireEvent.change(screen.getByRole('textbox', { name: 'container labels' }), { target: { value: 'app=syslog' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'container port' }), { target: { value: '514' } });
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    });
    await waitFor(() => expect(saved(c)).toHaveLength(1));
    const groups = networkState().fileConfig!.targetGroups.length;
    expect(saved(c)[0]).toEqual([{ op: 'add', path: ['targetGroups', groups], value: { name: 'syslog', protocol: 'UDP', targets: { docker: { labels: { app: 'syslog' }, containerPort: 514, protocol: 'udp' } } } }]);
  });
});
