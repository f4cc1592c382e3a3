// Nothing sent to the control port stops Berth: `berth up` runs as a child process with a real
// berth.yaml, and gets odd request targets, hostile upgrades, every WebSocket message shape, every
// contract method with random parameters (fast-check), huge and deep bodies, before and after the
// token, then the same from a page on another localhost port in Chromium. After each input: the
// process is alive, its listener answers, the control port never answered 5xx, and berth.yaml is
// byte-identical unless a valid edit was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { methods, type MethodName } from '../../../shared/contract/index.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { gotoSettled } from '../../helpers/chromium.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));

const ODD_TARGETS = ['//a:99999/', '/%E0%A4%A', '/%00', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', `/${'a'.repeat(10_000)}`, `/api/${'%'.repeat(3000)}`, '/api/%E0%A4%A', '/api/getState?input=%E0%A4%A', '/api/getState?input={', '/api/events/../getState', '*', 'http://evil.example/', '/?%', '/#%'];

interface Answer {
  status: number;
  head: string;
}

describe('the control port of a running `berth up` under hostile input', () => {
  let dir: string;
  let file: string;
  let original: string;
  let up: ChildProcess;
  let out = '';
  let listenerPort: number;
  let port: number;
  let token: string;
  let host: string;
  /** Every status the control port answered, to check that none was a 5xx. */
  const statuses: { status: number; what: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-fuzz-'));
    file = join(dir, 'berth.yaml');
    listenerPort = await freePort();
    original = [
      '# a real file: comments and all',
      'loadBalancers:',
      '  - name: web',
      '    listeners:',
      `      - port: ${listenerPort} # the listener that must keep answering`,
      '        protocol: HTTP',
      '        defaultAction: { fixedResponse: { statusCode: 200, messageBody: alive } }',
      'targetGroups:',
      '  - name: app',
      '    protocol: HTTP',
      '    healthCheck: { enabled: false }',
      '    targets:',
      '      static: ["127.0.0.1:9"]',
      '',
    ].join('\n');
    writeFileSync(file, original);
    // HOME is a throwaway folder: nothing here may reach the machine's trust stores.
    const env = { ...process.env, BERTH_DATA_DIR: join(dir, 'data'), HOME: join(dir, 'home'), DOCKER_HOST: 'unix:///nonexistent.sock' };
    up = spawn(process.execPath, [berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    up.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain('dashboard: '), { timeoutMs: 60_000 });
    const endpoint = JSON.parse(readFileSync(join(dir, 'data', 'control.json'), 'utf8')) as { url: string; token: string };
    port = Number(new URL(endpoint.url).port);
    token = endpoint.token;
    host = `127.0.0.1:${port}`;
  }, 90_000);

  afterAll(() => {
    up?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `request` as raw bytes on a fresh connection; the status line of the answer, if any. */
  const rawSend = (request: string | Buffer, what: string) =>
    new Promise<Answer>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let got = '';
      const done = () => {
        socket.destroy();
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0);
        if (status) statuses.push({ status, what });
        resolve({ status, head: got.slice(0, 400) });
      };
      // Only an input that gets no answer at all waits this out; a loaded machine may be slow to answer.
      const timer = setTimeout(done, 10_000);
      socket.on('data', (d) => {
        got += d.toString('latin1');
        // One answer is enough; a connection kept alive would otherwise wait for the timer.
        if (/\r\n\r\n/.test(got)) setTimeout(() => (clearTimeout(timer), done()), 20);
      });
      socket.on('close', () => (clearTimeout(timer), done()));
      socket.on('error', () => undefined);
      socket.write(request);
    });

  const post = (path: string, body: string | Buffer, headers: Record<string, string>, what: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { host, 'content-type': 'application/json', ...headers } }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => {
          statuses.push({ status: res.statusCode!, what });
          resolve({ status: res.statusCode!, body: b });
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  const call = (name: string, input: unknown) => post(`/api/${name}`, JSON.stringify(input), { authorization: `Bearer ${token}` }, `${name} ${JSON.stringify(input).slice(0, 200)}`);

  /** What must hold after every input. */
  const stillServing = async (what: string) => {
    expect(up.exitCode, `${what}\n${out.slice(-2000)}`).toBeNull();
    expect(up.signalCode, what).toBeNull();
    const res = await fetch(`http://127.0.0.1:${listenerPort}/`);
    expect(res.status, what).toBe(200);
    expect(await res.text(), what).toBe('alive');
    expect(readFileSync(file, 'utf8'), what).toBe(original);
    const fiveXx = statuses.filter((s) => s.status >= 500);
    expect(fiveXx, what).toEqual([]);
  };

  const withAndWithoutToken = (): Record<string, string>[] => [{}, { authorization: `Bearer ${token}` }];
  const headerLines = (headers: Record<string, string>) => Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');

  it('odd request targets, before and after the token, get 4xx answers', async () => {
    for (const auth of withAndWithoutToken()) {
      for (const target of ODD_TARGETS) {
        for (const method of ['GET', 'POST', 'HEAD', 'DELETE']) {
          const what = `${method} ${target.slice(0, 60)} ${auth.authorization ? 'with' : 'without'} token`;
          const answer = await rawSend(`${method} ${target} HTTP/1.1\r\nhost: ${host}\r\n${headerLines(auth)}content-length: 0\r\n\r\n`, what);
          expect(answer.status, what).toBeGreaterThanOrEqual(200);
          expect(answer.head, what).not.toContain('root:');
        }
        await stillServing(`${target.slice(0, 60)}`);
      }
      // Headers the parser refuses: over 16 KiB, two Host headers, HTTP/0.9, garbage.
      const refused = [
        `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nhost: ${host}\r\n\r\n`,
        `GET / HTTP/1.1\r\nhost: ${host}\r\nhost: evil.example\r\n${headerLines(auth)}\r\n`,
        'GET /\r\n',
        '\u0000\u0001\u0002 garbage\r\n\r\n',
        `GET / HTTP/1.1\r\nhost: ${host}\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n`,
      ];
      for (const request of refused) {
        const answer = await rawSend(request, `refused: ${request.slice(0, 40)}`);
        expect([0, 400, 431], request.slice(0, 40)).toContain(answer.status);
      }
      await stillServing('refused heads');
    }
  }, 60_000);

  it('upgrades with a foreign Host, a foreign Origin or an odd target are refused before anything else', async () => {
    const upgrade = (target: string, headers: Record<string, string>) =>
      `GET ${target} HTTP/1.1\r\n${headerLines(headers)}connection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    for (const target of [...ODD_TARGETS, '/api/events']) {
      for (const headers of [{ host: 'evil.example' }, { host: `evil.example:${port}` }, { host, origin: 'http://127.0.0.1:1' }, { host, origin: 'null' }, {}] as Record<string, string>[]) {
        const answer = await rawSend(upgrade(target, headers), `upgrade ${target.slice(0, 40)} ${JSON.stringify(headers)}`);
        expect(answer.status, target).toBe(403);
      }
      const own = await rawSend(upgrade(target, { host }), `upgrade ${target.slice(0, 40)}`);
      expect([101, 400, 404], target.slice(0, 40)).toContain(own.status);
    }
    await stillServing('upgrades');
  }, 60_000);

  it('every WebSocket message shape, as the first message and after the token, closes the stream with a reason', async () => {
    const garbage = Buffer.alloc(1 << 20, 0x7b);
    const shapes: (string | Buffer)[] = ['null', '0', '-1.5e308', '"token"', '[]', '[{"token": 1}]', '{}', '{"token": 5}', '{"token": null}', '{"token": {"a": 1}}', '{"token": ["x"]}', '{"__proto__": {"token": "x"}}', 'not json', '', garbage, Buffer.from([0, 1, 2, 255])];
    const open = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ws;
    };
    const closed = (ws: WebSocket) => new Promise<[number, string]>((r) => ws.once('close', (code, reason) => r([code, reason.toString()])));
    for (const authenticated of [false, true]) {
      for (const shape of shapes) {
        for (const binary of [false, true]) {
          const ws = await open();
          const done = closed(ws);
          ws.on('error', () => undefined);
          if (authenticated) {
            ws.send(JSON.stringify({ token }));
            await new Promise((r) => ws.once('message', r));
          }
          ws.send(shape, { binary });
          const [code, reason] = await done;
          const what = `${authenticated ? 'after' : 'before'} the token: ${binary ? 'binary' : 'text'} ${String(shape).slice(0, 30)}`;
          // 4400: not the message the stream takes; 1007: a text frame that is not UTF-8; 1009: over 64 KiB.
          expect([4400, 1007, 1009], what).toContain(code);
          if (code === 4400) expect(reason, what).not.toBe('');
        }
      }
      await stillServing(`WebSocket messages ${authenticated ? 'after' : 'before'} the token`);
    }
    // The stream still works for a client that speaks properly.
    const ws = await open();
    ws.send(JSON.stringify({ token }));
    const first = JSON.parse(String(await new Promise((r) => ws.once('message', r)))) as { topic: string };
    expect(first.topic).toBe('state');
    ws.close();
  }, 60_000);

  it('every contract method with random parameters, before and after the token, answers without a 5xx', async () => {
    const plausible = fc.oneof(
      fc.constantFrom('web', 'app', `${listenerPort}/HTTP`, '127.0.0.1', '[::1]', 'har', 'access-log', 'cloudformation', 'terraform', 'yaml', '2xx', 'GET', `http://127.0.0.1:${listenerPort}/x`, ''),
      fc.integer({ min: -2, max: 70_000 }),
      fc.boolean(),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const names = Object.keys(methods) as MethodName[];
    for (const name of names) {
      const keys = Object.keys((methods[name].input as unknown as { shape?: Record<string, unknown> }).shape ?? {});
      const shaped = keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, plausible])), { requiredKeys: [] }) : fc.constant({});
      let input = fc.oneof(shaped, fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })));
      // A valid trustCa/untrustCa would change this machine's trust stores: only refused inputs go.
      if (name === 'trustCa' || name === 'untrustCa') input = input.filter((v) => !(v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0));
      // A mapping of berth.yaml's own keys could be a valid config (`{}` is one); the valid edit is its own test below.
      if (name === 'updateConfig') input = input.filter((v) => !isMaybeConfigInput(v));
      await fc.assert(
        fc.asyncProperty(input, fc.boolean(), async (value, withToken) => {
          const headers: Record<string, string> = withToken ? { authorization: `Bearer ${token}` } : {};
          const answer = await post(`/api/${name}`, JSON.stringify(value), headers, `${name} ${JSON.stringify(value).slice(0, 200)}`);
          expect(answer.status, `${name} ${JSON.stringify(value).slice(0, 200)}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
          if (!withToken) expect(answer.status).toBe(401);
          // Switches the random input may have flipped are set back, so the listener must answer.
          if (answer.status === 200 && (name === 'pauseAll' || name === 'setListenerEnabled')) {
            await call('pauseAll', { paused: false });
            await call('setListenerEnabled', { loadBalancer: 'web', listener: `${listenerPort}/HTTP`, enabled: true });
          }
          await stillServing(`${name} ${JSON.stringify(value).slice(0, 200)}`);
        }),
        { numRuns: 8 },
      );
    }
  }, 180_000);

  it('huge and deep bodies, before and after the token, get 413 and 400', async () => {
    const huge = Buffer.alloc(5 << 20, 0x20);
    for (const auth of withAndWithoutToken()) {
      for (const name of ['updateConfig', 'explain', 'importConfig', 'nope']) {
        const declared = await post(`/api/${name}`, huge, auth, `huge ${name}`);
        const chunked = await post(`/api/${name}`, huge, { ...auth, 'transfer-encoding': 'chunked' }, `huge chunked ${name}`);
        for (const deep of [`${'['.repeat(200_000)}${']'.repeat(200_000)}`, `{"config":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`]) {
          const answer = await post(`/api/${name}`, deep, auth, `deep ${name}`);
          if (auth.authorization && name !== 'nope') expect(answer.status, `deep ${name}`).toBe(400);
        }
        if (auth.authorization && name !== 'nope') expect([declared.status, chunked.status], name).toEqual([413, 413]);
        await stillServing(`bodies to ${name}`);
      }
    }
  }, 60_000);

  it('a config that is not a mapping is refused with berth.yaml untouched; a valid edit is written and applied', async () => {
    for (const config of [null, [], 5, 'loadBalancers: []', true]) {
      const answer = await call('updateConfig', { config });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).error.message).toMatch(/^updateConfig: config: must be a mapping/);
      await stillServing(`updateConfig ${JSON.stringify(config)}`);
    }
    const state = JSON.parse((await call('getState', {})).body) as { result: { fileConfig: { loadBalancers: { listeners: { defaultAction: unknown }[] }[] } } };
    const edited = structuredClone(state.result.fileConfig);
    edited.loadBalancers[0]!.listeners[0]!.defaultAction = { fixedResponse: { statusCode: '200', messageBody: 'edited' } };
    expect(JSON.parse((await call('updateConfig', { config: edited })).body)).toMatchObject({ ok: true, result: { ok: true, problems: [] } });
    expect(readFileSync(file, 'utf8')).toContain('messageBody: edited');
    expect(readFileSync(file, 'utf8')).toContain('# the listener that must keep answering');
    expect(await (await fetch(`http://127.0.0.1:${listenerPort}/`)).text()).toBe('edited');
    expect(JSON.parse((await call('updateConfig', { config: state.result.fileConfig })).body).result.ok).toBe(true);
    original = readFileSync(file, 'utf8');
    await stillServing('after a valid edit and its undo');
  }, 30_000);

  it('a page on another localhost port in Chromium sends the same through fetch (no-cors), <img> and WebSocket; Berth keeps serving', async () => {
    if (!existsSync('/usr/bin/chromium') && process.env.CI !== 'true') return console.warn('[fuzz] skipping the browser check: /usr/bin/chromium is missing');
    const evil = http.createServer((_, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilPort = (evil.address() as { port: number }).port;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      await gotoSettled(page, `http://localhost:${evilPort}/`);
      const targets = ODD_TARGETS.filter((t) => t.startsWith('/'));
      const tried = await page.evaluate(
        async ({ base, targets, token }) => {
          const settle = (p: Promise<unknown>) => p.then(() => 'done', () => 'refused');
          const results: string[] = [];
          for (const t of targets) {
            results.push(await settle(fetch(base + t, { mode: 'no-cors' })));
            results.push(await settle(fetch(base + t, { mode: 'no-cors', method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ config: null }) })));
            results.push(await new Promise<string>((r) => {
              const img = document.createElement('img');
              img.onload = () => r('loaded');
              img.onerror = () => r('error');
              img.src = base + t;
              document.body.append(img);
            }));
            results.push(await new Promise<string>((r) => {
              let ws: WebSocket;
              try {
                ws = new WebSocket(base.replace('http', 'ws') + t);
              } catch {
                return r('refused');
              }
              ws.onopen = () => ws.send('null');
              ws.onclose = (e) => r(`closed ${e.code}`);
            }));
          }
          for (const path of ['/api/updateConfig', '/api/pauseAll', '/api/events']) {
            results.push(await settle(fetch(base + path, { mode: 'no-cors', method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ config: null, paused: true, token }) })));
          }
          return results;
        },
        { base: `http://127.0.0.1:${port}`, targets, token: 'guessed' },
      );
      expect(tried.length).toBeGreaterThan(targets.length * 4);
      // No WebSocket from this page ever opened: the Origin check refuses the upgrade.
      expect(tried.filter((t) => t.startsWith('closed') && t !== 'closed 1006')).toEqual([]);
      await stillServing('the page on another port');
      const state = JSON.parse((await call('getState', {})).body) as { result: { paused: boolean } };
      expect(state.result.paused).toBe(false);
    } finally {
      await browser.close();
      evil.close();
    }
  }, 90_000);
});

/** Whether an updateConfig input could hold a valid config: a mapping with a mapping of berth.yaml's keys. */
function isMaybeConfigInput(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const config = (v as Record<string, unknown>).config;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return false;
  return Object.keys(config).every((k) => k === 'loadBalancers' || k === 'targetGroups');
}
