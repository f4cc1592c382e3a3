// A listener switched off at runtime stays off while the engine reconciles for other reasons (a rule
// switched, a target added to berth.yaml, the config saved, a labelled container starting) and takes
// traffic again only when switched back on or when berth.yaml changes that listener's own `enabled`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BerthClient } from '../../../shared/contract/index.js';
import type { BerthConfigInput } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { inProcessClient } from '../../../main/control/index.js';
import { loadConfig } from '../../../main/config/load-config.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { fakeDiscovery, runningContainer } from '../../helpers/fake-discovery.js';

/** 'refused' when nothing listens on the port, else the HTTP status. */
function probe(port: number, host?: string): Promise<number | 'refused'> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000, ...(host ? { headers: { host } } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err)));
    req.once('timeout', () => req.destroy(new Error('timed out')));
  });
}

describe('runtime listener switch', () => {
  let engine: BerthEngine;
  let client: BerthClient;
  let target: http.Server;
  let spare: http.Server;
  let targetPort: number;
  let sparePort: number;
  let offPort: number;
  let onPort: number;

  const config = (opts: { offEnabled?: boolean; extraTarget?: boolean } = {}): BerthConfigInput => ({
    loadBalancers: [
      {
        name: 'web',
        listeners: [
          { port: offPort, protocol: 'HTTP', ...(opts.offEnabled === false ? { enabled: false } : {}), defaultAction: { forward: 'app' } },
          { port: onPort, protocol: 'HTTP', defaultAction: { forward: 'app' }, rules: [{ priority: 10, conditions: { pathPattern: ['/teapot'] }, action: { fixedResponse: { statusCode: 418 } } }] },
        ],
      },
    ],
    targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { static: [`127.0.0.1:${targetPort}`, ...(opts.extraTarget ? [`127.0.0.1:${sparePort}`] : [])] } }],
  });

  beforeAll(async () => {
    target = http.createServer((_req, res) => res.end('app'));
    spare = http.createServer((_req, res) => res.end('spare'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    targetPort = (target.address() as AddressInfo).port;
    sparePort = (spare.address() as AddressInfo).port;
    [offPort, onPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'berth-switch-'));
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, JSON.stringify(config()));
    const loaded = await loadConfig(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    engine = new BerthEngine({ config: loaded.config, configFile: file, dataDir: dir, discovery: false, healthChecks: false });
    await engine.start();
    client = inProcessClient(engine, file);
    await eventually(async () => expect(await probe(offPort)).toBe(200));
  });
  afterAll(async () => {
    await engine?.stop();
    target?.close();
    spare?.close();
  });

  const listener = async (port: number) => (await client.call('getState', {})).loadBalancers[0]!.listeners.find((l) => l.port === port)!;

  it('stays off through a rule switch, a target added to berth.yaml and a config save', async () => {
    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${offPort}/HTTP`, enabled: false });
    expect(await probe(offPort)).toBe('refused');

    await client.call('setRuleEnabled', { loadBalancer: 'web', listener: `${onPort}/HTTP`, priority: 10, enabled: false });
    expect(await probe(onPort)).toBe(200);
    expect(await probe(offPort)).toBe('refused');

    const saved = await client.call('updateConfig', { config: config({ extraTarget: true }) });
    expect(saved).toMatchObject({ ok: true, problems: [], written: true });
    await eventually(async () => expect((await client.call('getState', {})).targetGroups[0]!.targets).toHaveLength(2));
    expect(await probe(offPort)).toBe('refused');
    expect(await listener(offPort)).toMatchObject({ enabled: false, status: 'disabled' });
    expect(await probe(onPort)).toBe(200);

    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${offPort}/HTTP`, enabled: true });
    expect(await probe(offPort)).toBe(200);
    expect(await listener(offPort)).toMatchObject({ enabled: true, status: 'ok' });
  });

  it("is decided again when berth.yaml changes that listener's enabled", async () => {
    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${offPort}/HTTP`, enabled: false });
    expect(await probe(offPort)).toBe('refused');
    expect(await client.call('updateConfig', { config: config({ offEnabled: false }) })).toMatchObject({ ok: true });
    expect(await probe(offPort)).toBe('refused');
    // Switched on at runtime against a file that says off: also held across a reconcile.
    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${offPort}/HTTP`, enabled: true });
    await client.call('setRuleEnabled', { loadBalancer: 'web', listener: `${onPort}/HTTP`, priority: 10, enabled: true });
    expect(await probe(onPort)).toBe(200);
    expect(await probe(offPort)).toBe(200);
    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${offPort}/HTTP`, enabled: false });
    expect(await client.call('updateConfig', { config: config() })).toMatchObject({ ok: true });
    expect(await probe(offPort)).toBe(200);
    expect(await listener(offPort)).toMatchObject({ enabled: true, status: 'ok' });
  });
});

describe('runtime listener switch while containers come and go', () => {
  let engine: BerthEngine;
  let target: http.Server;

  afterAll(async () => {
    await engine?.stop();
    target?.close();
  });

  it('stays off when a labelled container adds a rule to it', async () => {
    target = http.createServer((_req, res) => res.end('blog'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = await freePort();
    const docker = fakeDiscovery([]);
    const config = await (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-switch-labels-'));
      const file = join(dir, 'berth.yaml');
      writeFileSync(file, JSON.stringify({ loadBalancers: [{ name: 'web', listeners: [{ port, protocol: 'HTTP', defaultAction: { fixedResponse: { statusCode: 404 } } }] }] }));
      const loaded = await loadConfig(file);
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
      return { config: loaded.config, dir };
    })();
    engine = new BerthEngine({ config: config.config, dataDir: config.dir, discovery: docker.discovery, healthChecks: false });
    await engine.start();
    await eventually(async () => expect(await probe(port)).toBe(404));

    await engine.setListenerEnabled('web', `${port}/HTTP`, false);
    expect(await probe(port)).toBe('refused');
    docker.setContainers([runningContainer('blog', (target.address() as AddressInfo).port, { 'dev.berth.host': 'blog.localhost', 'dev.berth.listener': String(port) })]);
    await eventually(() => expect(engine.getState().config.loadBalancers[0]!.listeners[0]!.rules).toHaveLength(1));
    expect(await probe(port)).toBe('refused');
    expect(engine.getState().loadBalancers[0]!.listeners[0]).toMatchObject({ enabled: false, status: 'disabled' });

    await engine.setListenerEnabled('web', `${port}/HTTP`, true);
    expect(await probe(port, 'blog.localhost')).toBe(200);
  });
});
