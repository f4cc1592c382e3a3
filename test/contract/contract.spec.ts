// One contract suite, run against every transport: in-process and HTTP + WebSocket. A real engine
// (without Docker) with a real listener in front of a real loopback target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { HttpBerthClient, type BerthClient, type SocketConstructor } from '../../shared/contract/index.js';
import { BerthEngine } from '../../main/engine/index.js';
import { inProcessClient, startControl, type ControlServer } from '../../main/control/index.js';
import { loadConfig } from '../../main/config/load-config.js';
import { configSchema } from '../../shared/model/index.js';
import { systemTrustEnvironment, type TrustEnvironment } from '../../main/tls/index.js';
import { createHandlers } from '../../main/control/handlers.js';
import { registerIpcBridge } from '../../main/electron/ipc-bridge.js';
import { createPreloadApi } from '../../main/electron/preload-api.js';
import { fakeIpcPair } from '../helpers/fake-ipc.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';

interface Fixture {
  client: BerthClient;
  engine: BerthEngine;
  file: string;
  dir: string;
  port: number;
  /** Whether the throwaway home has an NSS database (certutil is installed). */
  nss: boolean;
  close(): Promise<void>;
}

/**
 * The trust stores of a throwaway home: its own NSS database when certutil is there, and no Linux
 * system store (its update command is reported missing), so trustCa never changes this machine.
 */
function throwawayTrust(dir: string): { env: () => TrustEnvironment; nss: boolean } {
  const home = join(dir, 'home');
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  const nss = spawnSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password'], { encoding: 'utf8' }).status === 0;
  const machine = systemTrustEnvironment();
  return { env: () => systemTrustEnvironment({ home, has: (command) => (command === 'certutil' ? machine.has(command) : Promise.resolve(false)) }), nss };
}

async function fixture(transport: 'in-process' | 'http' | 'ipc'): Promise<Fixture> {
  const target = http.createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetPort = (target.address() as { port: number }).port;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'berth-contract-'));
  const file = join(dir, 'berth.yaml');
  writeFileSync(
    file,
    `# contract fixture\nloadBalancers:\n  - name: web\n    listeners:\n      - port: ${port} # the one listener\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 404, messageBody: none } }\n        rules:\n          - priority: 10\n            conditions: { pathPattern: ["/api/*"] }\n            action: { forward: api }\n          - priority: 20\n            conditions: { hostHeader: [www.demo.localhost] }\n            action: { fixedResponse: { statusCode: 200, messageBody: www } }\ntargetGroups:\n  - name: api\n    protocol: HTTP\n    healthCheck: { path: / }\n    targets:\n      static: ["127.0.0.1:${targetPort}"]\n`,
  );
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const engine = new BerthEngine({ config: loaded.config, configFile: file, dataDir: dir, discovery: false, healthCheckIntervalMs: 200 });
  await engine.start();
  const trust = throwawayTrust(dir);
  let control: ControlServer | undefined;
  let client: BerthClient;
  if (transport === 'http') {
    control = await startControl(engine, { dataDir: dir, configFile: file, trustEnvironment: trust.env });
    client = new HttpBerthClient({ baseUrl: control.url, token: control.token, WebSocket: WebSocket as unknown as SocketConstructor });
  } else if (transport === 'ipc') {
    const { ipcMain, ipcRenderer } = fakeIpcPair();
    registerIpcBridge(ipcMain, { handlers: createHandlers({ engine, configFile: file, trustEnvironment: trust.env }), events: inProcessClient(engine, file), isTrustedSender: (e) => e.sender.id === 1 && e.senderFrame?.url.startsWith('file:///app/') === true });
    client = createPreloadApi(ipcRenderer);
  } else client = inProcessClient(engine, file, { trustEnvironment: trust.env });
  return {
    client,
    engine,
    file,
    dir,
    port,
    nss: trust.nss,
    close: async () => {
      client.close?.();
      await control?.close();
      await engine.stop();
      target.close();
    },
  };
}

for (const transport of ['in-process', 'http', 'ipc'] as const) {
  describe(`contract over ${transport}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await fixture(transport);
    });
    afterAll(() => f?.close());

    it('getState: listeners, rules, groups with target health, a version', async () => {
      const state = await f.client.call('getState', {});
      expect(state.loadBalancers[0]!.listeners[0]).toMatchObject({ id: `${f.port}/HTTP`, status: 'ok', enabled: true });
      expect(state.config.loadBalancers[0]!.listeners[0]!.rules.map((r) => r.priority)).toEqual([10, 20]);
      await eventually(async () => expect((await f.client.call('getState', {})).targetGroups[0]!.targets[0]!.health).toBe('healthy'));
      expect(state.version).toBeGreaterThan(0);
    });

    it('rejects bad input with BAD_INPUT, naming the field', async () => {
      await expect(f.client.call('setListenerEnabled', { loadBalancer: 'web', listener: 'x' } as never)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('enabled') });
      await expect(f.client.call('getRequest', { id: 999999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('records traffic, serves it filtered, in detail, and streams it', async () => {
      const batches: number[] = [];
      const off = f.client.subscribe('traffic', (b) => batches.push(b.records.length));
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 5; i++) await (await fetch(`http://127.0.0.1:${f.port}/api/item/${i}`)).text();
      await (await fetch(`http://127.0.0.1:${f.port}/nothing`)).text();
      const { records } = await f.client.call('getTraffic', { targetGroup: 'api' });
      expect(records.filter((r) => r.path?.startsWith('/api/item/'))).toHaveLength(5);
      const notFound = await f.client.call('getTraffic', { statusClass: '4xx' });
      expect(notFound.records.some((r) => r.path === '/nothing' && r.rule === 'default')).toBe(true);
      const one = await f.client.call('getRequest', { id: records.at(-1)!.id });
      expect(one).toMatchObject({ targetGroup: 'api', status: 200, rule: '10' });
      await eventually(() => expect(batches.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6));
      off();
    });

    it('explains which rule matches and why earlier ones did not', async () => {
      const r = await f.client.call('explain', { method: 'GET', url: `http://www.demo.localhost:${f.port}/home` });
      expect(r.explanation?.matched.label).toBe('20');
      expect(r.explanation?.rules[0]).toMatchObject({ priority: 10, outcome: 'failed' });
      expect(r.explanation?.rules[0]!.failures[0]!.message).toContain('pathPattern');
    });

    it('turns a listener off and on; pauses all', async () => {
      await f.client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${f.port}/HTTP`, enabled: false });
      await expect(fetch(`http://127.0.0.1:${f.port}/api/x`)).rejects.toThrow();
      await f.client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${f.port}/HTTP`, enabled: true });
      expect((await fetch(`http://127.0.0.1:${f.port}/api/x`)).status).toBe(200);
      await f.client.call('pauseAll', { paused: true });
      await expect(fetch(`http://127.0.0.1:${f.port}/api/x`)).rejects.toThrow();
      expect((await f.client.call('getState', {})).paused).toBe(true);
      await f.client.call('pauseAll', { paused: false });
      expect((await fetch(`http://127.0.0.1:${f.port}/api/x`)).status).toBe(200);
    });

    it('switches a rule off at runtime', async () => {
      await f.client.call('setRuleEnabled', { loadBalancer: 'web', listener: `${f.port}/HTTP`, priority: 10, enabled: false });
      expect((await fetch(`http://127.0.0.1:${f.port}/api/x`)).status).toBe(404);
      await f.client.call('setRuleEnabled', { loadBalancer: 'web', listener: `${f.port}/HTTP`, priority: 10, enabled: true });
      expect((await fetch(`http://127.0.0.1:${f.port}/api/x`)).status).toBe(200);
    });

    it('registers and deregisters a static target', async () => {
      const { id } = await f.client.call('registerTarget', { targetGroup: 'api', host: '127.0.0.1', port: 1 });
      expect((await f.client.call('getState', {})).targetGroups[0]!.targets.map((t) => t.id)).toContain(id);
      await f.client.call('deregisterTarget', { targetGroup: 'api', id });
      const t = (await f.client.call('getState', {})).targetGroups[0]!.targets.find((x) => x.id === id);
      expect(t?.health ?? 'gone').toMatch(/draining|gone/);
    });

    it('registerTarget takes only a valid host and a port 1-65535; an IPv6 target gets a bracketed id', async () => {
      const refused: [string, number][] = [['', 80], ['a b', 80], ['http://x', 80], ['1.2.3.256', 80], ['[::1', 80], ['x:80', 80], ['-bad.example', 80], ['a'.repeat(64), 80], ['::g', 80], ['127.0.0.1', 0], ['127.0.0.1', 65536]];
      for (const [host, port] of refused) {
        await expect(f.client.call('registerTarget', { targetGroup: 'api', host, port }), `${host}:${port}`).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(host === '127.0.0.1' ? /port/ : /host/) });
      }
      expect((await f.client.call('getState', {})).targetGroups[0]!.targets.map((t) => t.id)).not.toContain('x:80:80');
      for (const [host, id] of [['[::1]', '[::1]:9'], ['::1', '[::1]:9'], ['api.internal', 'api.internal:9'], ['10.0.0.1', '10.0.0.1:9']] as const) {
        expect((await f.client.call('registerTarget', { targetGroup: 'api', host, port: 9 })).id, host).toBe(id);
        await f.client.call('deregisterTarget', { targetGroup: 'api', id });
      }
    });

    it('updateConfig: every invalid update is refused with its field path and the file is untouched', async () => {
      const before = readFileSync(f.file, 'utf8');
      const current = (await f.client.call('getState', {})).config;
      const bad: [string, (c: typeof current) => unknown][] = [
        ['loadBalancers[0].listeners[0].port', (c) => ((c.loadBalancers[0]!.listeners[0]!.port = 0), c)],
        ['loadBalancers[0].listeners[0].protocol', (c) => ((c.loadBalancers[0]!.listeners[0]!.protocol = 'FTP' as never), c)],
        ['loadBalancers[0].listeners[0].rules[1].priority', (c) => ((c.loadBalancers[0]!.listeners[0]!.rules[1]!.priority = 10), c)],
        ['loadBalancers[0].listeners[0].rules[0].action.forward', (c) => ((c.loadBalancers[0]!.listeners[0]!.rules[0]!.action = { forward: 'missing' } as never), c)],
        ['loadBalancers[0].listeners[0].rules[0].conditions.hostHeader[0]', (c) => ((c.loadBalancers[0]!.listeners[0]!.rules[0]!.conditions = { hostHeader: ['localhost'] } as never), c)],
        ['targetGroups[0].healthCheck.timeoutSeconds', (c) => ((c.targetGroups[0]!.healthCheck = { intervalSeconds: 5, timeoutSeconds: 9 } as never), c)],
        ['targetGroups[0].targets.static[0]', (c) => ((c.targetGroups[0]!.targets = { static: ['nohost'] }), c)],
        ['loadBalancers[0].name', (c) => ((c.loadBalancers[0]!.name = '-bad-'), c)],
        ['loadBalancers[0].listeners[0].defaultAction.fixedResponse.statusCode', (c) => ((c.loadBalancers[0]!.listeners[0]!.defaultAction = { fixedResponse: { statusCode: '302' } } as never), c)],
        ['loadBalancers[0].surprise', (c) => ({ ...c, loadBalancers: [{ ...c.loadBalancers[0], surprise: true }] })],
      ];
      for (const [path, mutate] of bad) {
        const result = await f.client.call('updateConfig', { config: mutate(structuredClone(current)) as Record<string, unknown> });
        expect(result.ok, path).toBe(false);
        expect(result.problems.map((p) => p.path), path).toContain(path);
        expect(readFileSync(f.file, 'utf8')).toBe(before);
      }
    });

    it('updateConfig: what is not a mapping is refused as BAD_INPUT naming config, and berth.yaml is untouched', async () => {
      const before = readFileSync(f.file, 'utf8');
      for (const [config, said] of [[null, 'not null'], [[], 'not a list'], [5, 'not number'], ['loadBalancers: []', 'not string']] as const) {
        await expect(f.client.call('updateConfig', { config } as never), JSON.stringify(config)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(new RegExp(`^updateConfig: config: must be a mapping.*${said}`)) });
        expect(readFileSync(f.file, 'utf8')).toBe(before);
      }
      expect((await f.client.call('getState', {})).loadBalancers[0]!.listeners[0]!.status).toBe('ok');
    });

    it('an input nested deeper than any method takes is BAD_INPUT, on every transport', async () => {
      let deep: unknown = {};
      // Deep enough to be refused, shallow enough for the client side to serialise it (HTTP, IPC).
      for (let i = 0; i < 1000; i++) deep = { a: deep };
      const before = readFileSync(f.file, 'utf8');
      await expect(f.client.call('updateConfig', { config: { loadBalancers: [deep] } } as never)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('nested more than') });
      await expect(f.client.call('explain', deep as never)).rejects.toMatchObject({ code: 'BAD_INPUT' });
      expect(readFileSync(f.file, 'utf8')).toBe(before);
    });

    it('updateConfig: a listener that cannot bind is named in the answer with the reason; the others keep running', async () => {
      const taken = http.createServer();
      await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
      const busyPort = (taken.address() as { port: number }).port;
      const config = (await f.client.call('getState', {})).config;
      const original = structuredClone(config);
      config.loadBalancers[0]!.listeners.push({ ...structuredClone(config.loadBalancers[0]!.listeners[0]!), port: busyPort, rules: [] });
      try {
        const result = await f.client.call('updateConfig', { config });
        expect(result.ok).toBe(true);
        expect(result.failedListeners).toEqual([{ loadBalancer: 'web', listener: `${busyPort}/HTTP`, message: expect.stringMatching(/in use/) }]);
        expect((await fetch(`http://127.0.0.1:${f.port}/nothing`)).status).toBe(404);
      } finally {
        expect(await f.client.call('updateConfig', { config: original })).toMatchObject({ ok: true, problems: [], written: true });
        taken.close();
      }
    });

    it('updateConfig: a valid update keeps comments and takes effect without restarting the listener', async () => {
      const current = (await f.client.call('getState', {})).config;
      current.loadBalancers[0]!.listeners[0]!.rules[1]!.action = { fixedResponse: { statusCode: '200', messageBody: `www-${transport}` } };
      const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = () => new Promise<{ body: string; socket: unknown }>((resolve) => http.get({ host: '127.0.0.1', port: f.port, path: '/', headers: { host: 'www.demo.localhost' }, agent: keepAlive }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve({ body: b, socket: res.socket })); }));
      const first = await get();
      const result = await f.client.call('updateConfig', { config: current });
      const text = readFileSync(f.file, 'utf8');
      // The answer names the file's new revision: the hash of the bytes just written.
      expect(result).toEqual({ ok: true, problems: [], written: true, revision: createHash('sha256').update(text).digest('hex').slice(0, 16) });
      expect(text).toContain('# contract fixture');
      expect(text).toContain('# the one listener');
      const second = await get();
      expect(second.body).toBe(`www-${transport}`);
      expect(second.socket).toBe(first.socket);
      keepAlive.destroy();
    });

    it('exports traffic as HAR 1.2 and as ALB access-log lines', async () => {
      const har = JSON.parse((await f.client.call('exportTraffic', { format: 'har', targetGroup: 'api' })).text);
      expect(har.log.version).toBe('1.2');
      const paths = har.log.entries.map((e: { request: { url: string } }) => new URL(e.request.url).pathname);
      expect(paths).toContain('/api/item/0');
      const log = (await f.client.call('exportTraffic', { format: 'access-log' })).text.trim().split('\n');
      expect(log[0]).toMatch(/^http \S+Z app\/web\/local 127\.0\.0\.1:0 /);
    });

    it('exports the config for AWS', async () => {
      const out = await f.client.call('exportConfig', { format: 'cloudformation' });
      expect(out.text).toContain('AWS::ElasticLoadBalancingV2::ListenerRule');
    });

    it('importConfig: the CloudFormation and Terraform exports read back as the same config, nothing written', async () => {
      const before = readFileSync(f.file, 'utf8');
      const current = (await f.client.call('getState', {})).config;
      for (const format of ['cloudformation', 'terraform'] as const) {
        const exported = await f.client.call('exportConfig', { format });
        // Without a format or file name: detected from the text.
        const imported = await f.client.call('importConfig', { text: exported.text });
        expect(imported.format, format).toBe(format);
        expect(imported.problems.filter((p) => p.severity === 'error'), format).toEqual([]);
        expect(configSchema.parse(imported.config), format).toEqual(current);
        expect(imported.yaml, format).toContain('name: api');
        expect(imported.yaml, format).toContain(`port: ${f.port}`);
      }
      expect(readFileSync(f.file, 'utf8')).toBe(before);
    });

    it('importConfig: problems carry their place in the file; a chosen selector fills its group', async () => {
      const broken = await f.client.call('importConfig', { text: 'Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties: {}\n  Listener:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      Protocol: HTTP\n      DefaultActions:\n        - Type: forward\n          TargetGroupArn: !Ref Tg\n  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: { Name: orders, Port: 8080, Protocol: HTTP, VpcId: vpc-1 }\n', fileName: 'stack.yaml' });
      const noTargets = broken.problems.find((p) => p.code === 'no-targets');
      expect(noTargets?.message).toContain('orders');
      expect(broken.proposals).toEqual([]);
      const chosen = await f.client.call('importConfig', { text: 'Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties: {}\n  Listener:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      Protocol: HTTP\n      DefaultActions:\n        - Type: forward\n          TargetGroupArn: !Ref Tg\n  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: { Name: orders, Port: 8080, Protocol: HTTP, VpcId: vpc-1 }\n', selectors: { orders: { composeService: 'orders', containerPort: 8080 } } });
      expect(chosen.problems.some((p) => p.code === 'no-targets')).toBe(false);
      expect(chosen.yaml).toContain('composeService: orders');
      const bad = await f.client.call('importConfig', { text: 'Resources: [unclosed', fileName: 'stack.yaml' });
      expect(bad.yaml).toBeUndefined();
      expect(bad.problems[0]).toMatchObject({ severity: 'error', where: expect.stringMatching(/^stack\.yaml:1:\d+/) });
    });

    it('getCertificates: no CA until an HTTPS listener needs one, then the CA and each name minted', async () => {
      const before = await f.client.call('getCertificates', {});
      expect(before.ca).toMatchObject({ state: 'absent', certFile: join(f.dir, 'ca', 'root.pem') });
      expect(before.certificates).toEqual([]);
      expect(before.stores.map((s) => s.store)).toEqual(f.nss ? [`nss:${join(f.dir, 'home', '.pki', 'nssdb')}`] : []);

      const httpsPort = await freePort();
      const config = (await f.client.call('getState', {})).config;
      const original = structuredClone(config);
      config.loadBalancers[0]!.listeners.push({ ...structuredClone(config.loadBalancers[0]!.listeners[0]!), port: httpsPort, protocol: 'HTTPS', certificates: 'auto', rules: [] });
      expect((await f.client.call('updateConfig', { config })).ok).toBe(true);
      try {
        const { certPem, certFile } = await f.client.call('exportCa', {});
        expect(certPem).toBe(readFileSync(join(f.dir, 'ca', 'root.pem'), 'utf8'));
        expect(certFile).toBe(join(f.dir, 'ca', 'root.pem'));
        const name = `contract-${transport}.localhost`;
        const body = await new Promise<string>((resolve, reject) => {
          https.get({ host: '127.0.0.1', port: httpsPort, servername: name, headers: { host: name }, ca: certPem, path: '/' }, (res) => {
            let b = '';
            res.on('data', (d) => (b += d));
            res.on('end', () => resolve(b));
          }).on('error', reject);
        });
        expect(body).toBe('none');
        const after = await f.client.call('getCertificates', {});
        expect(after.ca).toMatchObject({ state: 'ok', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), subject: expect.stringContaining('Berth') });
        if (after.ca.state !== 'ok') throw new Error('no CA');
        expect(new Date(after.ca.notAfter).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
        expect(new Date(after.ca.notBefore).getTime()).toBeLessThanOrEqual(Date.now());
        expect(after.ca.nameConstraints).toContain('localhost');
        // The listener's default certificate, its addresses written as people write them.
        expect(after.certificates.find((c) => c.names[0] === 'localhost')?.names).toEqual(['localhost', '127.0.0.1', '::1']);
        const minted = after.certificates.find((c) => c.names.includes(name));
        expect(minted).toMatchObject({ source: 'minted', serial: expect.stringMatching(/^[0-9A-F]+$/i) });
        expect(new Date(minted!.notAfter).getTime()).toBeGreaterThan(Date.now());
        expect(after.stats.minted).toBeGreaterThanOrEqual(1);
        expect(after.stores.every((s) => s.state === 'not-trusted')).toBe(true);
      } finally {
        expect((await f.client.call('updateConfig', { config: original })).ok).toBe(true);
      }
    });

    it('trustCa and untrustCa: each store found reports its outcome, and getCertificates then agrees', async () => {
      const trusted = await f.client.call('trustCa', {});
      const exported = await f.client.call('exportCa', {});
      expect(trusted.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(exported.certPem).toContain('BEGIN CERTIFICATE');
      if (!f.nss) {
        expect(trusted.results).toEqual([]);
        return;
      }
      expect(trusted.results).toEqual([expect.objectContaining({ store: `nss:${join(f.dir, 'home', '.pki', 'nssdb')}`, outcome: 'done' })]);
      expect(trusted.stores.map((s) => s.state)).toEqual(['trusted']);
      expect((await f.client.call('getCertificates', {})).stores.map((s) => s.state)).toEqual(['trusted']);
      const untrusted = await f.client.call('untrustCa', {});
      expect(untrusted.results).toEqual([expect.objectContaining({ outcome: 'done', detail: expect.stringContaining('removed') })]);
      expect(untrusted.stores.map((s) => s.state)).toEqual(['not-trusted']);
      const again = await f.client.call('untrustCa', {});
      expect(again.results.map((r) => r.outcome)).toEqual(['skipped']);
    });
  });
}

describe('IPC bridge refusals', () => {
  it('refuses calls from a frame that is not Berth\'s window, unknown methods and bad input', async () => {
    const engine = new BerthEngine({ dataDir: mkdtempSync(join(tmpdir(), 'berth-ipc-')), discovery: false });
    await engine.start();
    const trusted = (e: { sender: { id: number }; senderFrame: { url: string } | null }) => e.sender.id === 1 && e.senderFrame?.url === 'file:///app/index.html';
    const foreign = fakeIpcPair('https://evil.example/', 1);
    registerIpcBridge(foreign.ipcMain, { handlers: createHandlers({ engine }), events: inProcessClient(engine), isTrustedSender: trusted });
    await expect(createPreloadApi(foreign.ipcRenderer).call('getState', {})).rejects.toMatchObject({ name: 'BerthError', code: 'FORBIDDEN' });
    const own = fakeIpcPair('file:///app/index.html', 1);
    registerIpcBridge(own.ipcMain, { handlers: createHandlers({ engine }), events: inProcessClient(engine), isTrustedSender: trusted });
    const api = createPreloadApi(own.ipcRenderer);
    // An unknown method is NOT_FOUND on every transport (HTTP answers it with a 404).
    await expect(api.call('dropTables' as never, {} as never)).rejects.toMatchObject({ name: 'BerthError', code: 'NOT_FOUND' });
    await expect(api.call('pauseAll', { paused: 'yes' } as never)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('paused') });
    expect((await api.call('getState', {})).mode).toBe('zero-config');
    await engine.stop();
  });
});
