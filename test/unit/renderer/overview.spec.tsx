// @vitest-environment jsdom
// The overview answers "where does my request go?": loading, error, empty and data states, the
// listener switch, and problems shown on the object they concern.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { OverviewScreen } from '../../../renderer/views/overview/overview-view.js';
import { FakeClient } from './fake-client.js';
import { engineState } from './fixtures.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

describe('overview', () => {
  it('says it is loading until the first state arrives', () => {
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', 'pending'));
    expect(screen.getByRole('status').textContent).toMatch(/Loading Berth's state/);
  });

  it('shows why it has nothing when Berth does not answer', async () => {
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', new Error('connect ECONNREFUSED 127.0.0.1:41234')));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Berth did not answer.*ECONNREFUSED.*berth up/s);
  });

  it('teaches the next step when there is no load balancer', async () => {
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', engineState({ loadBalancers: [] }, { loadBalancers: [], targetGroups: [] })));
    const empty = await screen.findByTestId('overview-empty');
    expect(empty.textContent).toContain('berth.yaml');
    expect(empty.textContent).toContain('defaultAction');
  });

  it('zero-config without containers: shows the URL a container will get', async () => {
    const config = { loadBalancers: [{ name: 'zero-config', listeners: [{ port: 8080, protocol: 'HTTP' as const, defaultAction: { fixedResponse: { statusCode: 404, contentType: 'text/html' as const, messageBody: '<!doctype html><p>no routes</p>' } } }] }], targetGroups: [] };
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', engineState({ mode: 'zero-config', loadBalancers: [] }, config)));
    expect((await screen.findByTestId('no-rules')).textContent).toContain('curl http://web.localhost:8080/');
  });

  it('shows listeners, rules in priority order in words, groups and targets with health reasons', async () => {
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', engineState()));
    const listener = await screen.findByTestId('listener-web-8080/HTTP');
    expect(within(listener).getByRole('link').getAttribute('href')).toBe('http://127.0.0.1:8080/');
    const rows = within(listener).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows[0]).toMatch(/^10host is "app.localhost"forward to app$/);
    expect(rows[1]).toMatch(/^20path is "\/api\/\*"forward to api$/);
    expect(rows[2]).toMatch(/defaultno rule above matchedrespond 404 "no route"/);
    const app = within(listener).getByTestId('group-app');
    expect(app.textContent).toContain('1/2 healthy');
    expect(within(app).getByTestId('target-web-2:49154').textContent).toMatch(/unhealthy.*web-2.*127\.0\.0\.1:49154.*shop\/web:dev.*Target\.ResponseCodeMismatch: Health checks failed/);
  });

  it('tags Docker targets stale while Docker is unreachable, and leaves static ones alone', async () => {
    const base = engineState();
    const state = engineState({
      discovery: { ...base.discovery, connected: false, stale: true, error: 'connect ENOENT /var/run/docker.sock' },
      targetGroups: base.targetGroups.map((g) => ({ ...g, targets: g.targets.map((t) => (t.source === 'docker' ? { ...t, stale: true } : t)) })),
    });
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', state));
    const listener = await screen.findByTestId('listener-web-8080/HTTP');
    const web1 = within(listener).getByTestId('target-web-1:49153');
    expect(within(web1).getByText('stale').getAttribute('title')).toMatch(/Docker is unreachable/);
    expect(within(listener).getByTestId('target-127.0.0.1:3000').textContent).not.toContain('stale');
  });

  it('turns a listener off through setListenerEnabled, and shows a refusal on that listener', async () => {
    const client = new FakeClient().answer('getState', engineState()).answer('setListenerEnabled', new Error('port 8080 is in use'));
    renderScreen(<OverviewScreen />, client);
    fireEvent.click(await screen.findByRole('switch', { name: 'listener 8080/HTTP on web' }));
    expect(client.callsOf('setListenerEnabled')).toEqual([{ loadBalancer: 'web', listener: '8080/HTTP', enabled: false }]);
    const listener = screen.getByTestId('listener-web-8080/HTTP');
    await waitFor(() => expect(listener.textContent).toContain('port 8080 is in use'));
  });

  it('puts listener errors on the listener and label problems at the top', async () => {
    const state = engineState({
      loadBalancers: [{ name: 'web', type: 'application', listeners: [{ loadBalancer: 'web', id: '8080/HTTP', address: '127.0.0.1', port: 8080, protocol: 'HTTP', enabled: true, status: 'error', error: 'listen EADDRINUSE 127.0.0.1:8080' }] }],
      problems: [
        { source: 'listener', message: 'listen EADDRINUSE 127.0.0.1:8080', where: 'web 8080/HTTP' },
        { source: 'labels', message: 'dev.berth.port: "x" is not a port number', where: 'web-1' },
      ],
    });
    renderScreen(<OverviewScreen />, new FakeClient().answer('getState', state));
    const listener = await screen.findByTestId('listener-web-8080/HTTP');
    expect(within(listener).getByText('listen EADDRINUSE 127.0.0.1:8080')).toBeTruthy();
    expect(screen.getAllByText(/EADDRINUSE/)).toHaveLength(1);
    expect(screen.getByText(/labels of web-1/).parentElement!.textContent).toContain('is not a port number');
  });

  it('refetches the snapshot only when an event announces a newer version', async () => {
    const client = new FakeClient().answer('getState', engineState({ version: 3 }));
    renderScreen(<OverviewScreen />, client);
    await screen.findByTestId('overview');
    client.emit('state', { version: 3 });
    client.emit('state', { version: 2 });
    expect(client.callsOf('getState')).toHaveLength(1);
    client.answer('getState', engineState({ version: 4, paused: true }));
    client.emit('state', { version: 4 });
    expect(await screen.findByText(/All traffic is paused/)).toBeTruthy();
  });
});
