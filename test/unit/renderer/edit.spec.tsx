// @vitest-environment jsdom
// Edit: loading, error, empty (zero-config: no file to save to), data; rule forms validated by the
// shared schema with errors beside their fields, saves through updateConfig in concise form, engine
// problems shown inline, reordering by priority swap, target-group forms.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EditScreen } from '../../../renderer/views/edit/edit-view.js';
import { FakeClient } from './fake-client.js';
import { configSchema } from '../../../shared/model/index.js';
import { demoConfig, engineState } from './fixtures.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

const saved = (c: FakeClient) => c.callsOf('updateConfig').map((i) => (i as { config: unknown }).config);

describe('edit', () => {
  it('loading and error', async () => {
    renderScreen(<EditScreen />, new FakeClient().answer('getState', 'pending'));
    expect(screen.getByRole('status')).toBeTruthy();
    cleanup();
    renderScreen(<EditScreen />, new FakeClient().answer('getState', new Error('refused')));
    expect((await screen.findByRole('alert')).textContent).toContain('refused');
  });

  it('zero-config: explains that a berth.yaml is needed', async () => {
    const { configFile: _file, ...state } = engineState({ mode: 'zero-config' });
    renderScreen(<EditScreen />, new FakeClient().answer('getState', state));
    expect((await screen.findByTestId('edit-zero-config')).textContent).toContain('berth up -c berth.yaml');
  });

  it('shows schema errors beside the field and sends nothing', async () => {
    const c = new FakeClient().answer('getState', engineState());
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 10' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'host header' }), { target: { value: 'localhost' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'priority' }), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    const host = screen.getByRole('group', { name: 'host header' });
    expect(within(host).getByRole('alert').textContent).toContain('a host name must contain a "."');
    expect(within(screen.getByRole('group', { name: 'priority' })).getByRole('alert').textContent).toBe('must be at least 1');
    expect(saved(c)).toEqual([]);
  });

  it('saves an edited rule through updateConfig in the concise form berth.yaml uses', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('updateConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 20' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'path pattern' }), { target: { value: '/v2/*, /v3/*' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'target group 1' }), { target: { value: 'app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await screen.findByText(/Saved to \/home\/dev\/shop\/berth.yaml/);
    expect(saved(c)).toEqual([
      {
        loadBalancers: [
          {
            name: 'web',
            listeners: [
              {
                port: 8080,
                protocol: 'HTTP',
                defaultAction: { fixedResponse: { statusCode: 404, messageBody: 'no route' } },
                rules: [
                  { priority: 20, conditions: { pathPattern: ['/v2/*', '/v3/*'] }, action: { forward: 'app' } },
                  { priority: 10, conditions: { hostHeader: ['app.localhost'] }, action: { forward: 'app' } },
                ],
              },
            ],
          },
        ],
        targetGroups: [
          { name: 'app', protocol: 'HTTP', targets: { docker: { labels: { app: 'web' }, containerPort: 8081 } } },
          { name: 'api', protocol: 'HTTP', targets: { static: ['127.0.0.1:3000'] } },
        ],
      },
    ]);
  });

  it("edits berth.yaml's own config: label routes and a rule switched off at runtime are neither shown nor saved", async () => {
    const running = structuredClone(demoConfig);
    running.targetGroups!.push({ name: 'blog-8081', protocol: 'HTTP', targets: { docker: { containerName: 'blog', containerPort: 8081 } } });
    const rules = running.loadBalancers![0]!.listeners![0]!.rules!;
    rules.push({ priority: 1000, conditions: { hostHeader: ['blog.localhost'] }, action: { forward: 'blog-8081' } });
    rules.find((r) => r.priority === 10)!.enabled = false;
    const state = { ...engineState({}, running), fileConfig: configSchema.parse(demoConfig) };
    const c = new FakeClient().answer('getState', state).answer('updateConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 20' }));
    expect(screen.queryByRole('button', { name: 'edit rule 1000' })).toBeNull();
    expect(screen.getByText(/Routes that come from container labels/)).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: 'path pattern' }), { target: { value: '/v2/*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await screen.findByText(/Saved to \/home\/dev\/shop\/berth.yaml/);
    const written = JSON.stringify(saved(c)[0]);
    expect(written).not.toContain('blog');
    expect(written).not.toContain('enabled');
    expect(written).toContain('/v2/*');
  });

  it('shows the problems the engine finds beside the fields they concern', async () => {
    const c = new FakeClient()
      .answer('getState', engineState())
      .answer('updateConfig', { ok: false, problems: [{ path: 'loadBalancers[0].listeners[0].rules[0].conditions.pathPattern[0]', line: 12, column: 30, message: 'the engine says no' }] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 20' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    const path = screen.getByRole('group', { name: 'path pattern' });
    await waitFor(() => expect(within(path).getByRole('alert').textContent).toBe('the engine says no (berth.yaml line 12)'));
  });

  it('refuses a duplicate priority from the cross-object checks, in the page', async () => {
    const c = new FakeClient().answer('getState', engineState());
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: '+ Add rule' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'priority' }), { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await waitFor(() => expect(within(screen.getByRole('group', { name: 'priority' })).getByRole('alert').textContent).toContain('priority 10 is already used'));
    expect(saved(c)).toEqual([]);
  });

  it('moves a rule up by swapping priorities with the one above', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('updateConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'move rule 20 up' }));
    await waitFor(() => expect(saved(c)).toHaveLength(1));
    const rules = (saved(c)[0] as { loadBalancers: { listeners: { rules: { priority: number; conditions: unknown }[] }[] }[] }).loadBalancers[0]!.listeners[0]!.rules;
    expect(rules.map((r) => [r.priority, Object.keys(r.conditions as object)[0]])).toEqual([
      [10, 'pathPattern'],
      [20, 'hostHeader'],
    ]);
  });

  it('adds a target group from its form', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('updateConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('tab', { name: 'Target groups' }));
    expect(screen.getByTestId('edit-group-app').textContent).toContain('app=web port 8081');
    fireEvent.click(screen.getByRole('button', { name: '+ Add target group' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'name' }), { target: { value: 'worker' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'container labels' }), { target: { value: 'role=worker' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'container port' }), { target: { value: '9000' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'timeout s' }), { target: { value: '40' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    expect(within(screen.getByRole('group', { name: 'timeout s' })).getByRole('alert').textContent).toContain('must be shorter than the interval');
    fireEvent.change(screen.getByRole('textbox', { name: 'timeout s' }), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await waitFor(() => expect(saved(c)).toHaveLength(1));
    expect((saved(c)[0] as { targetGroups: unknown[] }).targetGroups[2]).toEqual({ name: 'worker', protocol: 'HTTP', targets: { docker: { labels: { role: 'worker' }, containerPort: 9000 } } });
  });
});
