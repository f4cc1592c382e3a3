// `berth up --traffic-limit N` as a user runs it: the engine keeps N records (getState says so and
// getTraffic holds no more after more requests), and a value that is not a record count is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { HttpBerthClient, type SocketConstructor } from '../../../shared/contract/index.js';
import { readControlFile } from '../../../main/control/control-file.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-traffic-limit-'));
const env = { ...process.env, BERTH_DATA_DIR: join(dir, 'data'), DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` };
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function request(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

describe('berth up --traffic-limit', () => {
  it('keeps only that many traffic records', async () => {
    const port = await freePort();
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, `loadBalancers:\n  - name: web\n    listeners:\n      - port: ${port}\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200, messageBody: hi } }\ntargetGroups: []\n`);
    const up = spawn(process.execPath, [berth, 'up', '-c', file, '--traffic-limit', '3'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(up);
    let out = '';
    up.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    up.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain('dashboard: '), { timeoutMs: 30_000 });
    const endpoint = await readControlFile(join(dir, 'data'));
    const client = new HttpBerthClient({ baseUrl: endpoint.url, token: endpoint.token, WebSocket: WebSocket as unknown as SocketConstructor });
    for (let i = 0; i < 5; i++) expect(await request(port)).toBe(200);
    const state = await client.call('getState', {});
    expect(state.traffic).toMatchObject({ recording: true, capacity: 3, stored: 3 });
    const traffic = await client.call('getTraffic', {});
    expect(traffic.capacity).toBe(3);
    expect(traffic.records).toHaveLength(3);
  }, 60_000);

  it('refuses a value that is not a record count', () => {
    const r = spawnSync(process.execPath, [berth, 'up', '--traffic-limit', 'lots'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--traffic-limit takes a whole number of records from 0 (record nothing) to 1000000, not "lots"');
  }, 60_000);
});
