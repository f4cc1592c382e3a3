// @vitest-environment jsdom
// Route tester: the idle hint, busy while asking, the matching rule with why each rule above it did
// not match, a URL no listener takes, and an error from the engine.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import type { ExplainResult } from '../../../shared/contract/index.js';
import { RouteTesterScreen } from '../../../renderer/views/tester/route-tester-view.js';
import { FakeClient } from './fake-client.js';
import { engineState } from './fixtures.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

const matched20: ExplainResult = {
  loadBalancer: 'web',
  listener: '8080/HTTP',
  explanation: {
    matched: { label: '20', priority: 20, action: { forward: { targetGroups: [{ name: 'api', weight: 1 }] } } },
    rules: [
      { priority: 10, outcome: 'failed', failures: [{ condition: 'hostHeader', reason: '"localhost" does not match "app.localhost"', message: 'hostHeader: "localhost" does not match "app.localhost"' }] },
      { priority: 15, outcome: 'disabled', failures: [] },
      { priority: 20, outcome: 'matched', failures: [] },
    ],
  },
};

async function submit(client: FakeClient, url: string) {
  renderScreen(<RouteTesterScreen />, client);
  fireEvent.change(screen.getByRole('textbox', { name: 'url' }), { target: { value: url } });
  fireEvent.change(screen.getByRole('textbox', { name: 'headers' }), { target: { value: 'X-Env: beta' } });
  fireEvent.click(screen.getByRole('button', { name: 'Test route' }));
}

describe('route tester', () => {
  it('idle: explains what to do', () => {
    renderScreen(<RouteTesterScreen />, new FakeClient().answer('getState', 'pending'));
    expect(screen.getByText(/Enter a URL that a listener serves/)).toBeTruthy();
  });

  it('busy while the engine answers', async () => {
    await submit(new FakeClient().answer('getState', 'pending').answer('explain', 'pending'), 'http://localhost:8080/');
    expect((screen.getByRole('button', { name: 'Testing…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('names the matching rule and why each rule above did not match', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('explain', matched20);
    await submit(c, 'http://localhost:8080/api/users');
    expect((await screen.findByTestId('matched-rule')).textContent).toBe('rule 20');
    expect(screen.getByTestId('route-result').textContent).toContain('forward to api');
    expect(screen.getByTestId('verdict-10').textContent).toContain('no matchhostHeader: "localhost" does not match "app.localhost"');
    expect(screen.getByTestId('verdict-15').textContent).toContain('switched off');
    expect(c.callsOf('explain')).toEqual([{ method: 'GET', url: 'http://localhost:8080/api/users', headers: { 'X-Env': 'beta' }, sourceIp: '127.0.0.1' }]);
  });

  it('says when no listener takes the URL (empty result)', async () => {
    await submit(new FakeClient().answer('getState', engineState()).answer('explain', { reason: 'no application listener on HTTP port 9999' }), 'http://localhost:9999/');
    expect((await screen.findByTestId('route-result')).textContent).toBe('no application listener on HTTP port 9999');
  });

  it('shows the engine refusing the input', async () => {
    await submit(new FakeClient().answer('getState', engineState()).answer('explain', new Error('not a URL: nope')), 'nope');
    expect((await screen.findByRole('alert')).textContent).toBe('not a URL: nope');
  });

  it('starts from a URL the config serves', async () => {
    renderScreen(<RouteTesterScreen />, new FakeClient().answer('getState', engineState()));
    await screen.findByRole('textbox', { name: 'url' });
  });
});
