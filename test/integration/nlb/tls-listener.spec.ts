// TLS listeners (Berth terminates TLS with its own certificates, then plain TCP or TLS again to the
// target) and SNI pass-through on TCP listeners (the target's own certificate reaches the client),
// over loopback sockets, with openssl s_client as the independent judge of the certificates.
import { join } from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCaExport } from '../../../main/cli/ca-command.js';
import { TlsListener } from '../../../main/nlb/index.js';
import { CertificateStore } from '../../../main/tls/index.js';
import { loadBalancerSchema, type TrafficRecord } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { exec } from '../tls/tls-fixtures.js';
import { cleanup, exchange, onCleanup, selfSigned, startEcho, startListener, startTlsEcho, targetGroup, tlsHello } from './nlb-fixtures.js';
import type { TargetGroupRuntime } from '../../../main/targets/index.js';

let tmp: TempDir;
let store: CertificateStore;
let rootFile: string;
const quiet = { stdout: () => undefined, stderr: () => undefined };

beforeAll(async () => {
  tmp = await tempDir('berth-nlb-tls-');
  store = new CertificateStore({ dataDir: join(tmp.path, 'data') });
  await store.init();
  rootFile = join(tmp.path, 'root.pem');
  expect(await runCaExport(join(tmp.path, 'data'), { out: rootFile }, quiet)).toBe(0);
}, 60_000);
afterAll(async () => {
  await store?.close();
  await tmp?.remove();
});
afterEach(cleanup);

async function startTlsListener(listenerInput: Record<string, unknown>, groups: TargetGroupRuntime[]) {
  const port = await freePort();
  const loadBalancer = loadBalancerSchema.parse({ name: 'tls-nlb', type: 'network', listeners: [{ port, protocol: 'TLS', certificates: 'auto', ...listenerInput }] });
  const records: TrafficRecord[] = [];
  let id = 0;
  const listener = new TlsListener({ listener: loadBalancer.listeners[0]!, loadBalancer, resolveTargetGroup: (n) => groups.find((g) => g.name === n), recorder: { nextId: () => ++id, record: (r) => records.push(r) } }, () => store);
  await listener.start();
  onCleanup(() => listener.stop());
  return { listener, port, records };
}

/** `openssl s_client` through the listener: the handshake and its verdict (stdin closed at once). */
function sClient(port: number, servername: string) {
  return exec('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', servername, '-CAfile', rootFile, '-verify_return_error', '-verify_hostname', servername], { timeoutMs: 30_000 });
}

describe('TLS listener', () => {
  it('serves certificates openssl s_client verifies with the exported root (return code 0), then forwards plain TCP', async () => {
    const echo = await startEcho('echo-1', { tail: 'echo-1 says hello\n', tailDelayMs: 0 });
    const { port, records } = await startTlsListener({ hostnames: ['db.demo.test'], defaultAction: { forward: 'echo' } }, [targetGroup('echo', [echo])]);
    for (const name of ['api.demo.localhost', 'db.demo.test']) {
      const run = await sClient(port, name);
      expect(run.stdout).toContain('Verify return code: 0 (ok)');
      expect(run.code).toBe(0);
    }
    // The plaintext behind the handshake reaches the plain TCP target and comes back.
    const seen = await tlsEcho(port, 'api.demo.localhost', 'ping through tls\n');
    expect(seen).toEqual({ authorized: true, text: 'ping through tls\necho-1 says hello\n' });
    await eventually(() => expect(records).toHaveLength(3));
    expect(records[2]).toMatchObject({ kind: 'tls', listener: `${port}/TLS`, rule: 'default', targetGroup: 'echo', target: 'echo-1', client: '127.0.0.1' });
    // TLS records count the plaintext, as TCP records count the payload.
    expect([records[2]!.bytesIn, records[2]!.bytesOut]).toEqual([17, 17 + 18]);
  }, 60_000);

  it('speaks TLS again to a TLS target group (its certificate is not checked) and passes the server name on', async () => {
    const target = await startTlsEcho('backend', await selfSigned('backend.internal'));
    const group = targetGroup('secure', [target], { protocol: 'TLS' });
    const { port } = await startTlsListener({ defaultAction: { forward: 'secure' } }, [group]);
    const seen = await tlsHello(port, 'shop.localhost', await readRoot());
    // The client sees Berth's certificate; the target saw TLS from Berth, with the client's name.
    expect(seen.authorized).toBe(true);
    expect(seen.cn).not.toBe('backend.internal');
    expect(seen.line).toBe('backend shop.localhost');
  });

  it('a listener changed while it was never started serves the changed config once switched on', async () => {
    const one = await startEcho('one', { tail: 'from one\n', tailDelayMs: 0 });
    const two = await startEcho('two', { tail: 'from two\n', tailDelayMs: 0 });
    const groups = [targetGroup('one', [one]), targetGroup('two', [two])];
    const port = await freePort();
    const lb = loadBalancerSchema.parse({ name: 'tls-nlb', type: 'network', listeners: [{ port, protocol: 'TLS', defaultAction: { forward: 'one' } }, { port, protocol: 'TLS', hostnames: ['late.example.test'], defaultAction: { forward: 'two' } }] });
    const listener = new TlsListener({ listener: lb.listeners[0]!, loadBalancer: lb, resolveTargetGroup: (n) => groups.find((g) => g.name === n), recorder: { nextId: () => 0, record: () => undefined } }, () => store);
    onCleanup(() => listener.stop());
    listener.update(lb.listeners[1]!, lb);
    await listener.setEnabled(true);
    expect(await tlsEcho(port, 'late.example.test', '')).toEqual({ authorized: true, text: 'from two\n' });
  });

  it('a failed handshake still yields a record', async () => {
    const { port, records } = await startTlsListener({ defaultAction: { forward: 'none' } }, []);
    const { data } = await exchange(port, 'GET / HTTP/1.1\r\n\r\n');
    expect(data.length).toBe(0);
    await eventually(() => expect(records[0]).toMatchObject({ kind: 'tls', error: 'tls-handshake-failed' }));
  });
});

describe('SNI pass-through on a TCP listener', () => {
  it('the client sees the target’s own certificate; sni rules send two names to two groups', async () => {
    const a = await startTlsEcho('alpha', await selfSigned('a.passthrough.localhost'));
    const b = await startTlsEcho('beta', await selfSigned('b.passthrough.localhost'));
    const d = await startTlsEcho('fallback', await selfSigned('default.passthrough.localhost'));
    const groups = [targetGroup('ga', [a]), targetGroup('gb', [b]), targetGroup('gd', [d])];
    const { port, records } = await startListener(
      {
        defaultAction: { forward: 'gd' },
        rules: [
          { priority: 10, conditions: { sni: ['a.passthrough.localhost'] }, action: { forward: 'ga' } },
          { priority: 20, conditions: { sni: ['b.*.localhost'] }, action: { forward: 'gb' } },
        ],
      },
      groups,
    );
    expect(await tlsHello(port, 'a.passthrough.localhost')).toMatchObject({ cn: 'a.passthrough.localhost', line: 'alpha a.passthrough.localhost' });
    // Routing ignores case; the bytes reach the target exactly as the client sent them.
    expect(await tlsHello(port, 'B.Passthrough.Localhost')).toMatchObject({ cn: 'b.passthrough.localhost', line: 'beta B.Passthrough.Localhost' });
    expect(await tlsHello(port, 'other.localhost')).toMatchObject({ cn: 'default.passthrough.localhost', line: 'fallback other.localhost' });
    expect(await tlsHello(port, undefined)).toMatchObject({ cn: 'default.passthrough.localhost', line: 'fallback -' });
    await eventually(() => expect(records).toHaveLength(4));
    expect(records.map((r) => [r.rule, r.targetGroup])).toEqual([['10', 'ga'], ['20', 'gb'], ['default', 'gd'], ['default', 'gd']]);
    expect(records.every((r) => r.kind === 'tcp')).toBe(true);
  });

  it('bytes that are not TLS, and a client that waits for the server, go to the default action intact', async () => {
    const echo = await startEcho('echo-1');
    const other = await startEcho('other');
    const { port, records } = await startListener(
      { defaultAction: { forward: 'echo' }, rules: [{ priority: 1, conditions: { sni: ['x.localhost'] }, action: { forward: 'other' } }] },
      [targetGroup('echo', [echo]), targetGroup('other', [other])],
      { helloTimeoutMs: 300 },
    );
    expect((await exchange(port, 'plain text, not a ClientHello')).data.toString()).toBe('plain text, not a ClientHello');
    const silent = net.connect(port, '127.0.0.1');
    silent.on('error', () => undefined);
    onCleanup(() => silent.destroy());
    await eventually(() => expect(echo.accepted).toBe(2));
    silent.write('late');
    expect((await new Promise<Buffer>((resolve) => silent.once('data', resolve))).toString()).toBe('late');
    expect(other.accepted).toBe(0);
    await eventually(() => expect(records).toHaveLength(1));
    expect(records[0]).toMatchObject({ rule: 'default', targetGroup: 'echo' });
  });
});

/** Sends `text` over TLS (verified against Berth's root), half-closes, and reads until the end. */
async function tlsEcho(port: number, servername: string, text: string): Promise<{ authorized: boolean; text: string }> {
  const ca = await readRoot();
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca }, () => socket.end(text));
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString('utf8')));
    socket.on('end', () => resolve({ authorized: socket.authorized, text: got }));
    socket.on('error', reject);
  });
}

async function readRoot(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(rootFile, 'utf8');
}
