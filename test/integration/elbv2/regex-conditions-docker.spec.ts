// Regex conditions (AWS, Oct 2025) through the real `berth up`: host, path and header RE2 patterns
// route requests to a real echo container; a look-around in berth.yaml stops `berth up` with the
// rule's file position.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker, runId, startContainer, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { berthBin, berthUp, type BerthUp } from './berth-up.js';

function get(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describeDocker('regex conditions', () => {
  const label = `t.regex.${runId}`;
  let berth: BerthUp;
  let echo: TestContainer;
  let port: number;

  beforeAll(async () => {
    echo = await startContainer({ labels: { [label]: 'users' } });
    await echo.serving();
    port = await freePort();
    berth = await berthUp(
      [
        'loadBalancers:',
        '  - name: api',
        '    listeners:',
        `      - port: ${port}`,
        '        protocol: HTTP',
        '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: no route } }',
        '        rules:',
        '          - priority: 10',
        `            conditions: { hostHeaderRegex: ['^api-[0-9]+\\.app\\.localhost$'], pathPatternRegex: ['^/v[0-9]+/users/[0-9]+$'] }`,
        '            action: { forward: users }',
        '          - priority: 20',
        `            conditions: { httpHeader: [{ name: X-Build, regexValues: ['^[0-9a-f]{7}$'] }] }`,
        '            action: { fixedResponse: { statusCode: 200, messageBody: build header } }',
        'targetGroups:',
        '  - name: users',
        '    protocol: HTTP',
        '    healthCheck: { enabled: false }',
        `    targets: { docker: { labels: { ${label}: users }, containerPort: 8081 } }`,
        '',
      ].join('\n'),
    );
    await eventually(async () => expect((await get(port, '/v1/users/7', 'api-1.app.localhost')).status).toBe(200), { timeoutMs: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await berth?.stop();
  });

  it('forwards only what the host and path regexes both match', async () => {
    const hit = await get(port, '/v2/users/42', 'api-12.app.localhost');
    expect(hit.status).toBe(200);
    expect(JSON.parse(hit.body)).toMatchObject({ name: echo.name, path: '/v2/users/42' });
    expect(await get(port, '/v2/users/42', 'api-x.app.localhost')).toEqual({ status: 404, body: 'no route' });
    expect(await get(port, '/v2/users/42/orders', 'api-12.app.localhost')).toEqual({ status: 404, body: 'no route' });
  });

  it('matches a header by regex', async () => {
    expect(await get(port, '/', 'other.localhost', { 'x-build': 'abc1234' })).toEqual({ status: 200, body: 'build header' });
    expect(await get(port, '/', 'other.localhost', { 'x-build': 'abc12345' })).toEqual({ status: 404, body: 'no route' });
  });

  it('refuses a look-around with the rule’s position: berth up starts nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-regex-'));
    const file = join(dir, 'berth.yaml');
    writeFileSync(
      file,
      [
        'loadBalancers:',
        '  - name: api',
        '    listeners:',
        '      - port: 1',
        '        protocol: HTTP',
        '        defaultAction: { fixedResponse: { statusCode: 404 } }',
        '        rules:',
        `          - { priority: 1, conditions: { pathPatternRegex: ['^/(?!admin)'] }, action: { fixedResponse: { statusCode: 200 } } }`,
        '',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [berthBin, 'up', '-c', file], { encoding: 'utf8', env: { ...process.env, BERTH_DATA_DIR: join(dir, 'data') }, timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:8:61  loadBalancers[0].listeners[0].rules[0].conditions.pathPatternRegex[0]  look-arounds`);
  }, 90_000);
});
