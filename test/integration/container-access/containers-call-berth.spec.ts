// Containers calling Berth by name over trusted HTTPS, as a user sets it up: `berth up` from a
// berth.yaml on a private Docker engine, a client container started with the arguments
// `berth containers env --format docker` prints, Node's fetch with no TLS flags. The record names
// the calling container; a name added later resolves in a container already running; only the
// Docker subnets may use the gateway side, and `containerAccess: false` closes it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { HttpBerthClient, type SocketConstructor } from '../../../shared/contract/index.js';
import type { BerthConfig } from '../../../shared/model/index.js';
import { describeDocker, ensureEngine, RUN_LABEL, runId, TEST_LABEL, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const run = promisify(execFile);
const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
/** A private engine: its bridge's port 53 and gateway belong to this file alone. */
const INSTANCE = 2;

describeDocker(
  'containers call Berth by name',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-containers-'));
    const dataDir = join(dir, 'data');
    const file = join(dir, 'berth.yaml');
    const env = { ...process.env, DOCKER_HOST: testDockerHost(INSTANCE), BERTH_DATA_DIR: dataDir };
    let up: ChildProcess;
    let log = '';
    let port: number;
    let gateway: string;
    let api: TestContainer;
    let client: HttpBerthClient;
    const clientName = `client-${runId}`;

    const docker = (args: string[], timeout = 90_000) => run('docker', args, { env, timeout, maxBuffer: 1 << 24 });
    const fetchIn = (container: string, url: string) =>
      docker(['exec', container, 'node', '-e', `fetch(${JSON.stringify(url)}).then(async r => console.log(r.status, await r.text()), e => { console.log('ERR', e.cause?.code ?? e.message); })`]).then((r) => r.stdout.trim());
    const envArgs = async () => (await run(process.execPath, [berth, 'containers', 'env', '--format', 'docker'], { env })).stdout.trim();
    const state = () => client.call('getState', {});
    const edit = async (change: (c: BerthConfig) => void) => {
      const { fileConfig } = await state();
      const config = structuredClone(fileConfig!);
      change(config);
      await client.call('updateConfig', { config });
    };

    beforeAll(async () => {
      const engine = await ensureEngine(INSTANCE);
      api = await engine.startContainer({ name: `api-${runId}`, compose: { project: 'demo', service: 'api' } });
      await api.serving();
      const bridge = (await docker(['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'])).stdout.trim();
      gateway = bridge;
      port = await freePort();
      writeFileSync(
        file,
        [
          'loadBalancers:',
          '  - name: web',
          '    listeners:',
          `      - port: ${port}`,
          '        protocol: HTTPS',
          '        certificates: auto',
          '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: no route } }',
          '        rules:',
          '          - priority: 10',
          '            conditions: { hostHeader: [api.demo.localhost] }',
          '            action: { forward: api }',
          'targetGroups:',
          '  - name: api',
          '    protocol: HTTP',
          '    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2 }',
          '    targets:',
          `      docker: { labels: { ${RUN_LABEL}: ${runId}, com.docker.compose.service: api }, containerPort: 8081 }`,
          '',
        ].join('\n'),
      );
      up = spawn(process.execPath, [berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      up.stdout!.on('data', (d: Buffer) => (log += d.toString()));
      up.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      await eventually(() => expect(log, log).toContain(`DNS for Berth's names on ${gateway}:53`), { timeoutMs: 60_000 });
      await eventually(() => expect(log, log).toContain('dashboard: '), { timeoutMs: 30_000 });
      const endpoint = JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as { url: string; token: string };
      client = new HttpBerthClient({ baseUrl: endpoint.url, token: endpoint.token, WebSocket: WebSocket as unknown as SocketConstructor });
      await eventually(async () => expect((await state()).targetGroups[0]!.targets.map((t) => t.health)).toEqual(['healthy']), { timeoutMs: 60_000 });
      // The client container: started with exactly what `berth containers env` prints, and kept running.
      const args = await envArgs();
      await run('sh', ['-c', `docker run -d --name ${clientName} -l ${TEST_LABEL}=1 -l ${RUN_LABEL}=${runId} ${args} berth-test:latest sleep 600`], { env });
    }, 180_000);

    afterAll(async () => {
      up?.kill('SIGTERM');
      await docker(['rm', '-f', clientName]).catch(() => undefined);
    });

    it('gives docker run its DNS server, the CA files and the variables that point at them', async () => {
      const args = await envArgs();
      expect(args).toContain(`--dns ${gateway}`);
      expect(args).toContain(`--volume ${join(dataDir, 'containers')}:/etc/berth:ro`);
      for (const v of ['NODE_EXTRA_CA_CERTS=/etc/berth/root.pem', 'SSL_CERT_FILE=/etc/berth/ca-bundle.pem', 'REQUESTS_CA_BUNDLE=/etc/berth/ca-bundle.pem', 'CURL_CA_BUNDLE=/etc/berth/ca-bundle.pem']) {
        expect(args).toContain(`--env ${v}`);
      }
      const root = readFileSync(join(dataDir, 'ca', 'root.pem'), 'utf8');
      expect(readFileSync(join(dataDir, 'containers', 'root.pem'), 'utf8')).toBe(root);
      expect(readFileSync(join(dataDir, 'containers', 'ca-bundle.pem'), 'utf8')).toContain(root.trim());
    });

    it('a container fetches https://api.demo.localhost through Berth with TLS verified, and the record names it', async () => {
      const out = await fetchIn(clientName, `https://api.demo.localhost:${port}/from-a-container`);
      expect(out).toMatch(/^200 /);
      expect(JSON.parse(out.slice(4))).toMatchObject({ name: api.name, path: '/from-a-container' });
      await eventually(async () => {
        const { records } = await client.call('getTraffic', {});
        expect(records.find((r) => r.path === '/from-a-container')).toMatchObject({ clientContainer: clientName, targetGroup: 'api', status: 200 });
      });
    }, 120_000);

    it('resolves and routes a name added to berth.yaml after the container started', async () => {
      await edit((c) => c.loadBalancers[0]!.listeners[0]!.rules.push({ priority: 20, enabled: true, conditions: { hostHeader: ['late.demo.localhost'] }, action: { forward: 'api' } } as never));
      expect(readFileSync(file, 'utf8')).toContain('late.demo.localhost');
      const out = await fetchIn(clientName, `https://late.demo.localhost:${port}/late`);
      expect(out).toMatch(/^200 /);
      expect(JSON.parse(out.slice(4))).toMatchObject({ name: api.name, path: '/late' });
    }, 120_000);

    it('binds the host side on 127.0.0.1 only and refuses gateway peers outside the Docker subnets', async () => {
      const { stdout } = await run('ss', ['-Hltn', `sport = :${port}`]);
      const bound = stdout.split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/)[3]).sort();
      expect(bound).toEqual([`127.0.0.1:${port}`, `${gateway}:${port}`].sort());
      // From the host: once from loopback, once from the gateway address itself; neither is a container.
      for (const localAddress of ['127.0.0.1', gateway]) {
        const outcome = await new Promise<string>((resolve) => {
          const s = net.connect({ host: gateway, port, localAddress });
          let data = '';
          s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: api.demo.localhost\r\n\r\n'));
          s.on('data', (d: Buffer) => (data += d.toString()));
          s.on('close', () => resolve(data === '' ? 'closed without a byte' : `answered: ${data.slice(0, 40)}`));
          s.on('error', () => undefined);
          setTimeout(() => s.destroy(), 5_000);
        });
        expect(outcome, `from ${localAddress}`).toBe('closed without a byte');
      }
    });

    it('follows networks created and removed later: Berth listens and answers DNS on the new gateway, then lets go', async () => {
      const name = `berth-net-${runId}`;
      await docker(['network', 'create', '--subnet', '172.31.240.0/24', name]);
      try {
        await eventually(async () => expect((await state()).containerAccess?.listening).toContain(`172.31.240.1:${port}`), { timeoutMs: 20_000 });
        expect((await state()).containerAccess?.dns.addresses).toContain('172.31.240.1');
      } finally {
        await docker(['network', 'rm', name]);
      }
      await eventually(async () => expect((await state()).containerAccess?.listening).not.toContain(`172.31.240.1:${port}`), { timeoutMs: 20_000 });
    }, 60_000);

    it('writes a compose override whose services are the compose file’s', async () => {
      const compose = join(dir, 'compose.yaml');
      writeFileSync(compose, 'services:\n  web:\n    image: berth-test:latest\n  api:\n    image: berth-test:latest\n  worker:\n    image: berth-test:latest\n');
      const out = join(dir, 'compose.berth.yaml');
      await run(process.execPath, [berth, 'containers', 'env', '--format', 'compose', '-f', compose, '-o', out], { env, cwd: dir });
      const override = parse(readFileSync(out, 'utf8')) as { services: Record<string, { dns: string[]; volumes: string[]; environment: Record<string, string> }> };
      expect(Object.keys(override.services).sort()).toEqual(['api', 'web', 'worker']);
      for (const s of Object.values(override.services)) {
        expect(s.dns).toEqual([gateway]);
        expect(s.volumes).toEqual([`${join(dataDir, 'containers')}:/etc/berth:ro`]);
        expect(s.environment).toMatchObject({ NODE_EXTRA_CA_CERTS: '/etc/berth/root.pem', SSL_CERT_FILE: '/etc/berth/ca-bundle.pem' });
      }
    });
    it('closes the gateway side with containerAccess: false, and the host side keeps serving', async () => {
      await edit((c) => (c.loadBalancers[0]!.containerAccess = false));
      await eventually(async () => expect((await state()).containerAccess?.listening).toEqual([]));
      expect(await fetchIn(clientName, `https://api.demo.localhost:${port}/`)).toMatch(/^ERR /);
      const res = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', join(dataDir, 'ca', 'root.pem'), '--resolve', `api.demo.localhost:${port}:127.0.0.1`, `https://api.demo.localhost:${port}/`]);
      expect(res.stdout).toBe('200');
    }, 120_000);

  },
  { instance: INSTANCE },
);
