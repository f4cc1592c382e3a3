// berth.yaml is live under a real `berth up`: each way an editor saves is applied, a keep-alive
// connection on an unchanged listener survives, a broken or deleted file keeps the running config
// and is reported (log, `berth status` and its exit code), edits through the API carry a revision
// and keep hand edits, and every version can be restored byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { HttpBerthClient, type SocketConstructor } from '../../../shared/contract/index.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [berth, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Answer {
  status: number;
  body: string;
  localPort: number;
}

function get(port: number, path: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, localPort: req.socket!.localPort! }));
    });
    req.on('error', reject);
    req.end();
  });
}

const revisionOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('berth.yaml is live under berth up', () => {
  let dir: TempDir;
  let file: string;
  let env: NodeJS.ProcessEnv;
  let up: ChildProcess;
  let log = '';
  let app: Server;
  let ruled: number;
  let steady: number;
  let client: HttpBerthClient;
  let control: { url: string; token: string };

  /** The config with rule 10 answering `body`; `extra` goes under targetGroups by hand. */
  const yaml = (body: string, extra = '') =>
    [
      '# the demo stack',
      'loadBalancers:',
      '  - name: web',
      '    listeners:',
      `      - port: ${ruled} # edited while running`,
      '        protocol: HTTP',
      '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: none } }',
      '        rules:',
      '          - priority: 10',
      '            conditions: { pathPattern: ["/x"] }',
      `            action: { fixedResponse: { statusCode: 200, messageBody: ${body} } }`,
      `      - port: ${steady} # never edited`,
      '        protocol: HTTP',
      '        defaultAction: { forward: app }',
      'targetGroups:',
      '  - name: app',
      '    protocol: HTTP',
      '    healthCheck: { enabled: false }',
      '    targets:',
      `      static: ["127.0.0.1:${(app.address() as { port: number }).port}"]`,
      extra,
    ].join('\n');

  const state = () => client.call('getState', {});
  /** Writes `text` as an editor would and waits until the listener answers from it; returns the ms taken. */
  const applied = async (text: string, body: string, save: (text: string) => void | Promise<void>) => {
    const started = performance.now();
    await save(text);
    await eventually(async () => expect((await get(ruled, '/x')).body).toBe(body), { timeoutMs: 10_000, intervalMs: 10 });
    return performance.now() - started;
  };

  beforeAll(async () => {
    dir = await tempDir('berth-live-');
    file = join(dir.path, 'berth.yaml');
    env = { ...process.env, BERTH_DATA_DIR: join(dir.path, 'data'), DOCKER_HOST: `unix://${join(dir.path, 'no-docker.sock')}` };
    app = createServer((_req, res) => res.end('from the app')).listen(0, '127.0.0.1');
    await new Promise((r) => app.once('listening', r));
    ruled = await freePort();
    steady = await freePort();
    writeFileSync(file, yaml('v0'));
    up = spawn(process.execPath, [berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    up.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await eventually(() => expect(log).toContain('dashboard: '), { timeoutMs: 60_000 });
    control = JSON.parse(readFileSync(join(dir.path, 'data', 'control.json'), 'utf8')) as { url: string; token: string };
    client = new HttpBerthClient({ baseUrl: control.url, token: control.token, WebSocket: WebSocket as unknown as SocketConstructor });
    await eventually(async () => expect((await get(ruled, '/x')).body).toBe('v0'));
  }, 90_000);

  afterAll(async () => {
    client?.close();
    up?.kill('SIGKILL');
    await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
    await dir?.remove();
  });

  it('applies each way an editor saves, keeps an unchanged listener\'s keep-alive connection, and answers a changed rule on the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(steady, '/', agent);
    expect(first.body).toBe('from the app');

    const figures: Record<string, number> = {};
    figures['rename over'] = await applied(yaml('v1'), 'v1', (text) => {
      writeFileSync(join(dir.path, '.berth.yaml.swp'), text);
      renameSync(join(dir.path, '.berth.yaml.swp'), file);
    });
    figures['truncate and write'] = await applied(yaml('v2'), 'v2', async (text) => {
      const handle = await open(file, 'r+');
      await handle.truncate(0);
      await handle.write(text, 0);
      await handle.close();
    });
    figures['delete then create'] = await applied(yaml('v3'), 'v3', async (text) => {
      unlinkSync(file);
      await new Promise((r) => setTimeout(r, 30));
      writeFileSync(file, text);
    });
    console.log(`save → answered by the new rule (ms): ${Object.entries(figures).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);

    // The revision getState reports is the file's, and once it is, the very next request sees the new rule.
    writeFileSync(file, yaml('v4'));
    await eventually(async () => expect((await state()).revision).toBe(revisionOf(yaml('v4'))), { intervalMs: 10 });
    expect((await get(ruled, '/x')).body).toBe('v4');

    const again = await get(steady, '/', agent);
    expect(again.body).toBe('from the app');
    expect(again.localPort).toBe(first.localPort);
    agent.destroy();
    expect(log).toMatch(/config .*berth\.yaml applied \(hand edit, revision [0-9a-f]{16}\): web \d+\/HTTP rule 10 changed/);
  }, 60_000);

  it('keeps the running config when an edit is broken, reports it at FILE:LINE:COL, and clears it once fixed', async () => {
    const broken = yaml('v4').replace(`port: ${ruled} #`, 'port: 99999 #');
    writeFileSync(file, broken);
    const status = await eventually(async () => {
      const r = await run(['status'], env);
      expect(r.code).toBe(1);
      return r;
    }, { timeoutMs: 150_000 });
    expect(status.stdout).toContain(`${file}:5:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 99999`);
    expect(status.stdout).toContain(`config revision ${revisionOf(yaml('v4'))} still runs: the file is not valid`);
    expect(log).toContain(`${file}:5:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 99999`);
    expect((await get(ruled, '/x')).body).toBe('v4');
    const during = await state();
    expect(during.configFileState).toMatchObject({ status: 'invalid', revision: revisionOf(yaml('v4')) });

    writeFileSync(file, yaml('v5'));
    await eventually(async () => expect((await get(ruled, '/x')).body).toBe('v5'));
    const fixed = await run(['status'], env);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).not.toContain(file + ':');
    expect(log).toContain('is valid again');
  }, 240_000);

  it('keeps the running config when the file is deleted, says so, and loads it when it is back', async () => {
    unlinkSync(file);
    await eventually(async () => expect((await state()).configFileState?.status).toBe('missing'));
    const status = await run(['status'], env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('the file was deleted or cannot be read; the running config is kept until it is back');
    expect((await get(ruled, '/x')).body).toBe('v5');
    writeFileSync(file, yaml('v6'));
    await eventually(async () => expect((await get(ruled, '/x')).body).toBe('v6'));
    expect((await state()).configFileState?.status).toBe('ok');
  }, 180_000);

  it('edits through the API against a revision: a stale one gets 409 and changes nothing; a no-op leaves the bytes; hand edits are kept', async () => {
    const stale = revisionOf(yaml('v5'));
    const res = await fetch(`${control.url}/api/editConfig`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ revision: stale, ops: [{ op: 'set', path: '/loadBalancers/0/listeners/0/rules/0/action/fixedResponse/messageBody', value: 'lost' }] }),
    });
    expect(res.status).toBe(409);
    const refused = (await res.json()) as { error: { code: string; details: { revision: string; changed: string[] } } };
    expect(refused.error.code).toBe('CONFLICT');
    expect(refused.error.details.revision).toBe(revisionOf(yaml('v6')));
    expect(refused.error.details.changed).toEqual([`web ${ruled}/HTTP rule 10 changed`]);
    expect(readFileSync(file, 'utf8')).toBe(yaml('v6'));

    // A hand edit (a new group and a comment), then an API edit made against it: both stay.
    const hand = yaml('v6', '  # added by hand\n  - name: spare\n    protocol: HTTP\n');
    writeFileSync(file, hand);
    await eventually(async () => expect((await state()).revision).toBe(revisionOf(hand)));
    const edited = await client.call('editConfig', {
      revision: revisionOf(hand),
      ops: [{ op: 'set', path: '/loadBalancers/0/listeners/0/rules/0/action/fixedResponse/messageBody', value: 'v7' }],
    });
    expect(edited).toMatchObject({ ok: true, written: true });
    const after = readFileSync(file, 'utf8');
    expect(after).toBe(hand.replace('messageBody: v6', 'messageBody: v7'));
    expect(edited.revision).toBe(revisionOf(after));
    expect((await get(ruled, '/x')).body).toBe('v7');

    // Nothing changes: the same value set again, and the whole config sent back as it is.
    const noop = await client.call('editConfig', { revision: revisionOf(after), ops: [{ op: 'set', path: '/targetGroups/0/protocol', value: 'HTTP' }] });
    expect(noop).toMatchObject({ ok: true, written: false, revision: revisionOf(after) });
    const whole = await client.call('updateConfig', { config: (await state()).fileConfig!, revision: revisionOf(after) });
    expect(whole).toMatchObject({ ok: true, written: false });
    expect(readFileSync(file, 'utf8')).toBe(after);
  }, 60_000);

  it('lists every version with its source and restores an earlier one byte for byte', async () => {
    const history = await run(['config', 'history', '-c', file], env);
    expect(history.code).toBe(0);
    const lines = history.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^ 1  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  api\\s+${revisionOf(readFileSync(file, 'utf8'))}  web ${ruled}/HTTP rule 10 changed  \\(current\\)$`));
    expect(lines[1]).toMatch(/^ 2 .* hand edit .* target group spare added$/);
    const v3 = lines.findIndex((l) => l.includes(revisionOf(yaml('v3'))));
    expect(v3).toBeGreaterThan(0);

    const restored = await run(['config', 'restore', String(v3 + 1), '-c', file], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(yaml('v3'));
    await eventually(async () => expect((await get(ruled, '/x')).body).toBe('v3'));
    const listed = await client.call('getConfigHistory', {});
    expect(listed.entries[0]).toMatchObject({ n: 1, source: 'restore', revision: revisionOf(yaml('v3')) });
  }, 240_000);

  it('two editors at once: one wins, the other is refused, and the file is always one whole version', async () => {
    for (let i = 0; i < 8; i++) {
      const base = (await state()).revision!;
      const hand = yaml(`hand${i}`);
      const [api] = await Promise.allSettled([
        client.call('editConfig', { revision: base, ops: [{ op: 'set', path: '/loadBalancers/0/listeners/0/rules/0/action/fixedResponse/messageBody', value: `api${i}` }] }),
        new Promise<void>((r) => setTimeout(() => r(writeFileSync(file, hand)), i * 3)),
      ]);
      const text = readFileSync(file, 'utf8');
      expect([hand, yaml(`api${i}`)]).toContain(text);
      // Refused because the hand edit came first, or written and then replaced by it (or, last, over it).
      if (api.status === 'rejected') {
        expect(api.reason).toMatchObject({ code: 'CONFLICT' });
        expect(text).toBe(hand);
      }
      await eventually(async () => expect((await get(ruled, '/x')).body).toBe(text === hand ? `hand${i}` : `api${i}`));
      await eventually(async () => expect((await state()).revision).toBe(revisionOf(readFileSync(file, 'utf8'))));
    }
  }, 120_000);
});
