// @vitest-environment jsdom
// Edit: loading, error, empty (zero-config: no file to save to), data; rule forms validated by the
// shared schema with errors beside their fields, saves as editConfig operations on the edited object
// only (concise form, with the revision), engine problems shown inline, reordering by priority swap,
// target-group forms, a refused stale save offering a reload, a broken file's banner and problems,
// and the history with its restore buttons.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EditScreen } from '../../../renderer/views/edit/edit-view.js';
import { FakeClient } from './fake-client.js';
import { configSchema } from '../../../shared/model/index.js';
import { demoConfig, engineState, REVISION } from './fixtures.js';
import { BerthError } from '../../../shared/errors.js';
import { App } from '../../../renderer/app.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

type Op = { op: string; path: (string | number)[]; value?: unknown };
const saved = (c: FakeClient) => c.callsOf('editConfig').map((i) => (i as { ops: Op[] }).ops);

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

  it('saves an edited rule as one operation on that rule, in the concise form berth.yaml uses, with the revision', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('editConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 20' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'path pattern' }), { target: { value: '/v2/*, /v3/*' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'target group 1' }), { target: { value: 'app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await screen.findByText(/Saved to \/home\/dev\/shop\/berth.yaml/);
    expect(c.callsOf('editConfig')).toEqual([
      {
        revision: REVISION,
        source: 'dashboard',
        ops: [{ op: 'set', path: ['loadBalancers', 0, 'listeners', 0, 'rules', 0], value: { priority: 20, conditions: { pathPattern: ['/v2/*', '/v3/*'] }, action: { forward: 'app' } } }],
      },
    ]);
  });

  it('a save whose listener then cannot start says which listener and why, instead of "Saved"', async () => {
    const failedListeners = [{ loadBalancer: 'web', listener: '8080/HTTP', message: 'listener 8080/HTTP of load balancer "web" cannot listen: 127.0.0.1:8080 is already in use by another program or listener' }];
    const c = new FakeClient().answer('getState', engineState()).answer('editConfig', { ok: true, problems: [], failedListeners });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 20' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'path pattern' }), { target: { value: '/v2/*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    expect((await screen.findByText(/Saved, but not running/)).textContent).toBe(`Saved, but not running: ${failedListeners[0]!.message}`);
    expect(screen.queryByText(/Saved to \/home/)).toBeNull();
    expect(saved(c)).toHaveLength(1);
  });

  it("edits berth.yaml's own config: label routes and a rule switched off at runtime are neither shown nor saved", async () => {
    const running = structuredClone(demoConfig);
    running.targetGroups!.push({ name: 'blog-8081', protocol: 'HTTP', targets: { docker: { containerName: 'blog', containerPort: 8081 } } });
    const rules = running.loadBalancers![0]!.listeners![0]!.rules!;
    rules.push({ priority: 1000, conditions: { hostHeader: ['blog.localhost'] }, action: { forward: 'blog-8081' } });
    rules.find((r) => r.priority === 10)!.enabled = false;
    const state = { ...engineState({}, running), fileConfig: configSchema.parse(demoConfig) };
    const c = new FakeClient().answer('getState', state).answer('editConfig', { ok: true, problems: [] });
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
      .answer('editConfig', { ok: false, problems: [{ path: 'loadBalancers[0].listeners[0].rules[0].conditions.pathPattern[0]', line: 12, column: 30, message: 'the engine says no' }] });
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
    const c = new FakeClient().answer('getState', engineState()).answer('editConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'move rule 20 up' }));
    await waitFor(() => expect(saved(c)).toHaveLength(1));
    // Rule 20 (first in the file) takes priority 10 and rule 10 takes 20: two values change, nothing else.
    expect(saved(c)[0]).toEqual([
      { op: 'set', path: ['loadBalancers', 0, 'listeners', 0, 'rules', 0, 'priority'], value: 10 },
      { op: 'set', path: ['loadBalancers', 0, 'listeners', 0, 'rules', 1, 'priority'], value: 20 },
    ]);
  });

  it('adds a target group from its form', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('editConfig', { ok: true, problems: [] });
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
    expect(saved(c)[0]).toEqual([{ op: 'add', path: ['targetGroups', 2], value: { name: 'worker', protocol: 'HTTP', targets: { docker: { labels: { role: 'worker' }, containerPort: 9000 } } } }]);
  });

  it('a save refused because berth.yaml changed on disk says so and offers a reload; the next save uses the new revision', async () => {
    const c = new FakeClient().answer('getState', engineState()).answer('editConfig', new BerthError('CONFLICT', '/home/dev/shop/berth.yaml changed since revision 0123456789abcdef (now fedcba9876543210; changed: target group spare added): reload it and make the edit again'));
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'edit rule 20' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    const conflict = await screen.findByTestId('edit-conflict');
    expect(conflict.textContent).toContain('changed: target group spare added');
    c.answer('getState', engineState({ revision: 'fedcba9876543210' })).answer('editConfig', { ok: true, problems: [] });
    fireEvent.click(within(conflict).getByRole('button', { name: 'Reload berth.yaml' }));
    await waitFor(() => expect(screen.queryByTestId('edit-conflict')).toBeNull());
    await screen.findByText('rev fedcba98');
    fireEvent.click(screen.getByRole('button', { name: 'Save to berth.yaml' }));
    await screen.findByText(/Saved to/);
    expect((c.callsOf('editConfig') as { revision: string }[]).map((i) => i.revision)).toEqual([REVISION, 'fedcba9876543210']);
  });

  it('a broken berth.yaml: a banner on every screen, and its problems at FILE:LINE:COL in the Edit view', async () => {
    const broken = engineState({
      configFileState: { revision: REVISION, status: 'invalid', loadedAt: 0, problems: [{ file: '/home/dev/shop/berth.yaml', line: 5, column: 15, path: 'loadBalancers[0].listeners[0].port', message: 'a port is 1–65535, got 99999' }] },
    });
    location.hash = '#/overview';
    renderScreen(<App transport="http" />, new FakeClient().answer('getState', broken).answer('getMetrics', []).answer('getTraffic', { records: [], capacity: 10 }));
    const banner = await screen.findByTestId('config-banner');
    expect(banner.textContent).toContain('/home/dev/shop/berth.yaml has 1 problem.');
    expect(banner.textContent).toContain('keeps running the last good version (revision 01234567)');
    expect(banner.textContent).toContain('/home/dev/shop/berth.yaml:5:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 99999');
    fireEvent.click(within(banner).getByRole('link', { name: 'Show the problems' }));
    const problems = await screen.findByTestId('config-problems');
    expect(problems.textContent).toContain('/home/dev/shop/berth.yaml:5:15');
    expect(screen.getByTestId('config-banner')).toBeTruthy();
  });

  it('lists the kept versions and restores one against the running revision', async () => {
    const entries = [
      { n: 1, at: 1_700_000_300_000, source: 'dashboard' as const, summary: 'web 8080/HTTP rule 20 changed', revision: REVISION },
      { n: 2, at: 1_700_000_200_000, source: 'hand edit' as const, summary: 'target group api added', revision: 'aaaaaaaaaaaaaaaa' },
    ];
    const c = new FakeClient().answer('getState', engineState()).answer('getConfigHistory', { entries }).answer('restoreConfig', { ok: true, problems: [] });
    renderScreen(<EditScreen />, c);
    fireEvent.click(await screen.findByRole('tab', { name: 'History' }));
    const table = await screen.findByTestId('config-history');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([expect.stringContaining('dashboardweb 8080/HTTP rule 20 changedrunning'), expect.stringContaining('hand edittarget group api addedRestore')]);
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(c.callsOf('restoreConfig')).toEqual([{ n: 2, revision: REVISION }]));
  });
});
