// The ALB acceptance on the real Docker engine: containers with ephemeral host ports are discovered,
// put in target groups, and requests are routed to them as an AWS ALB would.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import WebSocket from 'ws';
import { configSchema, type BerthConfigInput } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const app = (name: string) => ({ [`t.app.${runId}`]: name });

describeDocker('ALB listeners route to real containers', () => {
  let engine: BerthEngine;
  let port: number;
  const containers: Record<string, TestContainer[]> = {};

  const get = async (path: string, host = 'api.demo.localhost', headers: Record<string, string> = {}) => {
    const res = await request(`http://127.0.0.1:${port}${path}`, { headers: { host, ...headers } });
    const text = await res.body.text();
    let json: { name?: string; headers?: Record<string, string> } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // not an echo answer
    }
    return { status: res.statusCode, headers: res.headers, text, name: json.name, echoed: json.headers };
  };

  beforeAll(async () => {
    port = await freePort();
    const [users1, users2, auth1, canary1, web1, ...pool] = await Promise.all([
      startContainer({ labels: app('users') }),
      startContainer({ labels: app('users') }),
      startContainer({ labels: app('auth') }),
      startContainer({ labels: app('canary') }),
      startContainer({ labels: app('web') }),
      ...['a', 'a', 'b', 'b', 'b'].map((instance) => startContainer({ labels: { ...app('pool'), [`t.instance.${runId}`]: instance } })),
    ]);
    Object.assign(containers, { users: [users1!, users2!], auth: [auth1!], canary: [canary1!], web: [web1!], pool });
    const selector = (name: string) => ({ docker: { labels: app(name), containerPort: 8081 } });
    const input: BerthConfigInput = {
      loadBalancers: [
        {
          name: 'web',
          listeners: [
            {
              port,
              protocol: 'HTTP',
              defaultAction: { fixedResponse: { statusCode: 404, contentType: 'text/plain', messageBody: 'no route' } },
              rules: [
                { priority: 5, conditions: { hostHeader: ['www.demo.localhost'] }, action: { forward: 'web' } },
                { priority: 10, conditions: { hostHeader: ['api.demo.localhost'], pathPattern: ['/api/users*'] }, action: { forward: 'users' } },
                { priority: 20, conditions: { pathPattern: ['/api/auth*'] }, action: { forward: 'auth' } },
                { priority: 30, conditions: { pathPattern: ['/pool*'] }, action: { forward: 'pool' } },
                { priority: 40, conditions: { pathPattern: ['/canary*'] }, action: { forward: { targetGroups: [{ name: 'users', weight: 80 }, { name: 'canary', weight: 20 }] } } },
                { priority: 50, conditions: { httpHeader: [{ name: 'X-Env', values: ['beta'] }] }, action: { forward: 'canary' } },
                { priority: 60, conditions: { httpRequestMethod: ['DELETE'] }, action: { fixedResponse: { statusCode: 405, contentType: 'text/plain', messageBody: 'no deletes' } } },
                { priority: 70, conditions: { queryString: [{ key: 'version', value: '2' }] }, action: { forward: 'canary' } },
                { priority: 80, conditions: { sourceIp: ['10.0.0.0/8'] }, action: { forward: 'canary' } },
                { priority: 90, conditions: { pathPattern: ['/old/*'] }, action: { redirect: { path: '/new/#{path}', statusCode: 'HTTP_301' } } },
                { priority: 95, conditions: { pathPattern: ['/empty*'] }, action: { forward: 'empty' } },
              ],
            },
          ],
        },
      ],
      targetGroups: ['users', 'auth', 'canary', 'web', 'pool'].map((name) => ({ name, protocol: 'HTTP' as const, deregistrationDelaySeconds: 5, healthCheck: { path: '/health' }, targets: selector(name) })).concat([{ name: 'empty', protocol: 'HTTP', deregistrationDelaySeconds: 5, healthCheck: { path: '/health' }, targets: selector('nobody') }]),
    };
    engine = new BerthEngine({ config: configSchema.parse(input), dataDir: '/tmp', dockerHost: testDockerHost(), healthCheckIntervalMs: 200 });
    await engine.start();
    await eventually(() => {
      const groups = engine.getState().targetGroups;
      const healthy = (g: string) => groups.find((x) => x.name === g)!.targets.filter((t) => t.health === 'healthy').length;
      expect([healthy('users'), healthy('auth'), healthy('canary'), healthy('web'), healthy('pool')]).toEqual([2, 1, 1, 1, 5]);
    }, { timeoutMs: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
  });

  it('registers each container under its ephemeral host port', () => {
    const users = engine.getState().targetGroups.find((g) => g.name === 'users')!;
    expect(users.targets.map((t) => t.port).sort()).toEqual(containers.users!.map((c) => c.hostPort()).sort());
    expect(users.targets.every((t) => t.host === '127.0.0.1' && t.source === 'docker')).toBe(true);
  });

  it('routes by host and by path, in priority order, with the default action last', async () => {
    expect((await get('/', 'www.demo.localhost')).name).toBe(containers.web![0]!.name);
    expect(containers.users!.map((c) => c.name)).toContain((await get('/api/users/42')).name);
    expect((await get('/api/auth/login', 'any.demo.localhost')).name).toBe(containers.auth![0]!.name);
    // /api/users on another host is not rule 10 (host), and no other rule takes it.
    const miss = await get('/api/users/1', 'other.demo.localhost');
    expect([miss.status, miss.text]).toEqual([404, 'no route']);
  });

  it('matches header, method, query-string and source-ip conditions', async () => {
    expect((await get('/x', 'x.demo.localhost', { 'x-env': 'BETA' })).name).toBe(containers.canary![0]!.name);
    const del = await request(`http://127.0.0.1:${port}/x`, { method: 'DELETE', headers: { host: 'x.demo.localhost' } });
    expect([del.statusCode, await del.body.text()]).toEqual([405, 'no deletes']);
    expect((await get('/x?version=2', 'x.demo.localhost')).name).toBe(containers.canary![0]!.name);
    expect((await get('/x?version=3', 'x.demo.localhost')).status).toBe(404);
    // Our source is 127.0.0.1, outside 10.0.0.0/8: rule 80 does not match.
    expect((await get('/y', 'y.demo.localhost')).status).toBe(404);
  });

  it('redirects with placeholders', async () => {
    const res = await get('/old/page?x=1', 'api.demo.localhost');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`http://api.demo.localhost:${port}/new/old/page?x=1`);
  });

  it('adds the forwarding headers AWS adds', async () => {
    const res = await get('/api/users/1', 'api.demo.localhost', { 'x-forwarded-for': '127.0.0.4' });
    expect(res.echoed?.['x-forwarded-for']).toBe('127.0.0.4, 127.0.0.1');
    expect(res.echoed?.['x-forwarded-proto']).toBe('http');
    expect(res.echoed?.['x-forwarded-port']).toBe(String(port));
    expect(res.echoed?.['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('spreads round robin evenly over 5 targets: 2/5 and 3/5 per instance', async () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const { name } = await get('/pool', 'x.demo.localhost');
      counts.set(name!, (counts.get(name!) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([200, 200, 200, 200, 200]);
    const perInstance = (names: TestContainer[]) => names.reduce((n, c) => n + (counts.get(c.name) ?? 0), 0);
    expect(perInstance(containers.pool!.slice(0, 2))).toBe(400);
    expect(perInstance(containers.pool!.slice(2))).toBe(600);
  });

  it('splits a weighted forward 80/20 within ±5 %', async () => {
    let canary = 0;
    for (let i = 0; i < 1000; i++) if ((await get('/canary', 'x.demo.localhost')).name === containers.canary![0]!.name) canary++;
    expect(canary).toBeGreaterThanOrEqual(150);
    expect(canary).toBeLessThanOrEqual(250);
  });

  it('answers 503 for a group with no registered targets, 502 for a refused connection', async () => {
    const res = await get('/empty', 'x.demo.localhost');
    expect(res.status).toBe(503);
    expect(res.headers['x-berth-error']).toBeDefined();
  });

  it('proxies 1,000 WebSocket echo messages', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/users/ws`, { headers: { host: 'api.demo.localhost' } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const received: string[] = [];
    const done = new Promise<void>((resolve) => ws.on('message', (m) => received.push(String(m)) === 1000 && resolve()));
    for (let i = 0; i < 1000; i++) ws.send(`message ${i}`);
    await done;
    ws.close();
    expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => `message ${i}`));
  });

  it('takes a target out when its health check fails, fails open when all fail, and takes it back', async () => {
    const [a, b] = containers.users!;
    const health = (c: TestContainer, what: 'fail' | 'ok') => request(c.url(`/__health/${what}`), { method: 'POST' }).then((r) => r.body.dump());
    const usersHealth = () => engine.getState().targetGroups.find((g) => g.name === 'users')!.targets.map((t) => `${t.containerName}:${t.health}`).sort();
    await health(a!, 'fail');
    await eventually(() => expect(usersHealth()).toEqual([`${a!.name}:unhealthy`, `${b!.name}:healthy`].sort()), { timeoutMs: 10_000 });
    for (let i = 0; i < 20; i++) expect((await get('/api/users/1')).name).toBe(b!.name);
    await health(b!, 'fail');
    await eventually(() => expect(usersHealth()).toEqual([`${a!.name}:unhealthy`, `${b!.name}:unhealthy`].sort()), { timeoutMs: 10_000 });
    const open = new Set<string>();
    for (let i = 0; i < 20; i++) open.add((await get('/api/users/1')).name!);
    expect(open).toEqual(new Set([a!.name, b!.name]));
    await health(a!, 'ok');
    await health(b!, 'ok');
    await eventually(() => expect(usersHealth()).toEqual([`${a!.name}:healthy`, `${b!.name}:healthy`].sort()), { timeoutMs: 10_000 });
  });

  it('stops sending to a container that stops; it returns with its new host port when started', async () => {
    const [, , c] = containers.pool!;
    const before = c!.hostPort();
    await c!.stop();
    await eventually(() => expect(engine.getState().targetGroups.find((g) => g.name === 'pool')!.targets.find((t) => t.containerName === c!.name)?.health ?? 'gone').toMatch(/draining|gone/));
    for (let i = 0; i < 50; i++) {
      const res = await get('/pool', 'x.demo.localhost');
      expect(res.status).toBe(200);
      expect(res.name).not.toBe(c!.name);
    }
    await c!.start();
    await c!.refresh();
    await eventually(() => expect(engine.getState().targetGroups.find((g) => g.name === 'pool')!.targets.some((t) => t.containerName === c!.name && t.port === c!.hostPort() && t.health === 'healthy')).toBe(true));
    expect(typeof before).toBe('number');
  });
});
