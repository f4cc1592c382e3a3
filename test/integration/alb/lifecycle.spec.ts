// Listener lifecycle: a taken port fails that listener alone with LISTENER_BIND_FAILED, disabling
// closes the port and enabling re-listens, stop() closes idle keep-alive connections and lets a
// request in flight finish; HTTPS is the same listener on a TLS socket.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../../shared/errors.js';
import { cleanup, targetGroup, onCleanup, request, startListener, startTarget } from './alb-fixtures.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { eventually } from '../../helpers/eventually.js';

afterEach(cleanup);

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

describe('listener lifecycle', () => {
  it('fails a listener whose port is taken, naming it, while the others keep serving', async () => {
    const target = await startTarget('t');
    const running = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => squatter.close(resolve)));
    const taken = (squatter.address() as net.AddressInfo).port;

    const error = await startListener({ listener: { port: taken, defaultAction: { forward: 'g' } } }, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BerthError);
    expect(error).toMatchObject({ code: 'LISTENER_BIND_FAILED', where: { loadBalancer: 'test-lb', listener: `${taken}/HTTP` } });
    expect((error as Error).message).toBe(`listener ${taken}/HTTP of load balancer "test-lb" cannot listen: 127.0.0.1:${taken} is already in use by another program or listener`);
    expect((await request(running.port, '/')).status).toBe(200);
  });

  it('refuses connections while disabled and serves again when enabled', async () => {
    const target = await startTarget('t');
    const { listener, port } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
    await listener.setEnabled(false);
    expect(listener.listening).toBe(false);
    expect(await refused(port)).toBe(true);
    await listener.setEnabled(true);
    expect((await request(port, '/')).status).toBe(200);
  });

  it('stop() closes idle keep-alive connections and lets a request in flight finish', async () => {
    let release: (() => void) | undefined;
    const target = await startTarget('t', (req, res) => {
      if (req.url === '/slow') release = () => res.end('slow done');
      else res.end('fast');
    });
    const { listener, port } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
    const agent = new http.Agent({ keepAlive: true });
    onCleanup(() => agent.destroy());
    const get = (path: string, via: http.Agent | false) =>
      new Promise<string>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port, path, agent: via }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject),
      );
    expect(await get('/fast', agent)).toBe('fast');
    const idle = Object.values(agent.freeSockets).flat()[0]!;
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));
    const slow = get('/slow', false);
    // Stop only once the slow request has really reached the target (a fixed sleep races under load).
    for (let waited = 0; !release && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = listener.stop();
    await idleClosed;
    release!();
    expect(await slow).toBe('slow done');
    await stopped;
    expect(await refused(port)).toBe(true);
  });

  it('closes a client connection idle past the idle timeout, and not one that keeps asking', async () => {
    const target = await startTarget('t');
    const { port } = await startListener({ idleTimeoutSeconds: 1, listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
    const open = async () => {
      const socket = net.connect(port, '127.0.0.1');
      onCleanup(() => socket.destroy());
      await new Promise((resolve) => socket.once('connect', resolve));
      let closedAt: number | undefined;
      socket.once('close', () => (closedAt = performance.now()));
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      const ask = () => socket.write('GET / HTTP/1.1\r\nHost: a.localhost\r\n\r\n');
      return { ask, closedAt: () => closedAt };
    };
    const idle = await open();
    const busy = await open();
    idle.ask();
    const askedAt = performance.now();
    // The busy connection asks every 300 ms for 2.4 s: never idle for a whole second.
    for (let i = 0; i < 8; i++) {
      busy.ask();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(idle.closedAt()).toBeDefined();
    const idleFor = idle.closedAt()! - askedAt;
    expect(idleFor).toBeGreaterThanOrEqual(950);
    expect(idleFor).toBeLessThan(1_800);
    expect(busy.closedAt()).toBeUndefined();
  });

  it('answers requests sent on idle connections while Berth could not run, instead of resetting them', async () => {
    const target = await startTarget('t');
    const { port } = await startListener({ idleTimeoutSeconds: 1, listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const socket = net.connect(port, '127.0.0.1');
        onCleanup(() => socket.destroy());
        await new Promise((resolve) => socket.once('connect', resolve));
        let received = '';
        let reset = false;
        socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
        socket.on('error', () => (reset = true));
        return { socket, answers: () => received.split('HTTP/1.1 200 ').length - 1, reset: () => reset };
      }),
    );
    for (const c of clients) c.socket.write('GET /first HTTP/1.1\r\nHost: a.localhost\r\n\r\n');
    await eventually(() => expect(clients.map((c) => c.answers())).toEqual([1, 1, 1, 1, 1]));
    // Idle for 0.8 s, then the process is busy for 1.5 s (a long GC, a loaded machine) while the clients,
    // which see live connections, send their next requests: these reach Berth past its idle timeout.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const busyUntil = Date.now() + 1_500;
    while (Date.now() < busyUntil);
    for (const c of clients) c.socket.write('GET /second HTTP/1.1\r\nHost: a.localhost\r\n\r\n');
    await eventually(() => expect(clients.map((c) => c.answers())).toEqual([2, 2, 2, 2, 2]));
    expect(clients.filter((c) => c.reset())).toEqual([]);
  });

  it('serves HTTPS when given TLS options, and reaches HTTPS targets without verifying them', async () => {
    const temp = await tempDir();
    onCleanup(() => temp.remove());
    const dir = temp.path;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=app.demo.localhost', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    const secureTarget = https.createServer(tls, (req, res) => res.end(JSON.stringify({ proto: req.headers['x-forwarded-proto'], port: req.headers['x-forwarded-port'] })));
    await new Promise<void>((resolve) => secureTarget.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => (secureTarget.closeAllConnections(), secureTarget.close(resolve))));
    const target = { id: 'secure-1', host: '127.0.0.1', port: (secureTarget.address() as net.AddressInfo).port };
    const { port } = await startListener({ listener: { protocol: 'HTTPS', certificates: 'auto', defaultAction: { forward: 'secure' } } }, [targetGroup('secure', [target], { protocol: 'HTTPS' })], { tls });
    const body = await new Promise<string>((resolve, reject) =>
      https.get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, servername: 'app.demo.localhost' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject),
    );
    expect(JSON.parse(body)).toEqual({ proto: 'https', port: String(port) });
  });
});
