// Secrets stay out of traffic exports: requests carrying credentials and cookies go through `berth
// up` to a real container that sets cookies, and the HAR and access-log exports (as the dashboard
// asks for them, over the control API) show `[redacted]` for those values unless keepSecrets is set.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { HttpBerthClient } from '../../../shared/contract/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { startBerthUp, type BerthUp } from '../../helpers/berth-up-process.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const SECRETS = {
  authorization: 'Bearer tok-4uth0rization',
  'proxy-authorization': 'Basic cHJveHktc2VjcmV0',
  cookie: 'session=c00kie-from-client',
};
/** What http-echo's /__set-cookie sets when asked without a value. */
const SET_COOKIE_VALUE = 's3t-c00kie-from-target';
/** Every secret string that must not appear in a default export. */
const LEAKS = ['tok-4uth0rization', 'cHJveHktc2VjcmV0', 'c00kie-from-client', SET_COOKIE_VALUE];

type HarHeader = { name: string; value: string };
type HarEntry = { request: { url: string; headers: HarHeader[] }; response: { headers: HarHeader[] } };

function values(headers: HarHeader[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value);
}

describeDocker('traffic exports redact credentials and cookies', () => {
  let dir: TempDir;
  let up: BerthUp;
  let client: HttpBerthClient;
  let container: TestContainer;
  let port: number;

  beforeAll(async () => {
    dir = await tempDir('berth-redaction-');
    const label = `t.redaction.${runId}`;
    container = await startContainer({ labels: { [label]: '1' } });
    await container.serving();
    port = await freePort();
    const config = join(dir.path, 'berth.yaml');
    writeFileSync(
      config,
      [
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - { port: ${port}, protocol: HTTP, defaultAction: { forward: app } }`,
        'targetGroups:',
        '  - name: app',
        '    protocol: HTTP',
        '    healthCheck: { enabled: false }',
        `    targets: { docker: { labels: { ${label}: "1" }, containerPort: 8081 } }`,
        '',
      ].join('\n'),
    );
    up = startBerthUp({ config, dataDir: join(dir.path, 'data'), dockerHost: testDockerHost() });
    await up.waitFor(`app: 1 target  ${container.name}:${container.hostPort()}`, 60_000);
    await up.waitFor('dashboard: ');
    client = await up.client();
    // A logged-in request whose answer sets two cookies, through the listener to the container.
    const answer = await new Promise<{ status: number; setCookie: string[]; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/__set-cookie', headers: { host: 'app.localhost', 'x-visible': 'kept', ...SECRETS }, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, setCookie: res.headers['set-cookie'] ?? [], body }));
      })
        .on('error', reject)
        .end();
    });
    // The target really got the credentials and really set the cookies: only the export hides them.
    expect(answer.status).toBe(200);
    expect(answer.setCookie).toEqual([`session=${SET_COOKIE_VALUE}; HttpOnly`, `theme=${SET_COOKIE_VALUE}-2`]);
    // (Proxy-Authorization is for the proxy and is not passed on; Berth's record still holds it.)
    const forwarded = JSON.parse(answer.body).headers as Record<string, string>;
    expect(forwarded).toMatchObject({ authorization: SECRETS.authorization, cookie: SECRETS.cookie });
    expect(forwarded['proxy-authorization']).toBeUndefined();
    await eventually(async () => expect((await client.call('getTraffic', {})).records).toHaveLength(1));
  }, 120_000);

  afterAll(async () => {
    await up?.stop();
    await dir?.remove();
  }, 30_000);

  it('HAR: [redacted] for each value of the four headers by default, every other header as sent', async () => {
    const { text } = await client.call('exportTraffic', { format: 'har' });
    for (const leak of LEAKS) expect(text).not.toContain(leak);
    const [entry] = (JSON.parse(text) as { log: { entries: HarEntry[] } }).log.entries;
    const req = entry!.request.headers;
    expect(values(req, 'authorization')).toEqual(['[redacted]']);
    expect(values(req, 'proxy-authorization')).toEqual(['[redacted]']);
    expect(values(req, 'cookie')).toEqual(['[redacted]']);
    expect(values(req, 'x-visible')).toEqual(['kept']);
    expect(values(req, 'host')).toEqual(['app.localhost']);
    // One [redacted] per cookie set, so the file still says how many there were.
    expect(values(entry!.response.headers, 'set-cookie')).toEqual(['[redacted]', '[redacted]']);
    expect(values(entry!.response.headers, 'content-type')).toEqual(['application/json']);
    expect(entry!.request.url).toBe('http://app.localhost/__set-cookie');
  });

  it('HAR with keepSecrets: the values as sent', async () => {
    const { text } = await client.call('exportTraffic', { format: 'har', keepSecrets: true });
    const [entry] = (JSON.parse(text) as { log: { entries: HarEntry[] } }).log.entries;
    const req = entry!.request.headers;
    expect(values(req, 'authorization')).toEqual([SECRETS.authorization]);
    expect(values(req, 'proxy-authorization')).toEqual([SECRETS['proxy-authorization']]);
    expect(values(req, 'cookie')).toEqual([SECRETS.cookie]);
    expect(values(entry!.response.headers, 'set-cookie')).toEqual([`session=${SET_COOKIE_VALUE}; HttpOnly`, `theme=${SET_COOKIE_VALUE}-2`]);
  });

  it('access log: the line carries none of the header values, with or without keepSecrets', async () => {
    for (const keepSecrets of [false, true]) {
      const { text } = await client.call('exportTraffic', { format: 'access-log', keepSecrets });
      const lines = text.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^http .* 200 200 /);
      for (const leak of LEAKS) expect(lines[0]).not.toContain(leak);
    }
  });

  it('refuses a keepSecrets that is not a boolean, naming the field', async () => {
    await expect(client.call('exportTraffic', { format: 'har', keepSecrets: 'yes' as unknown as boolean })).rejects.toThrow(/keepSecrets/);
  });
});
