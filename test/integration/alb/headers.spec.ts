// Berth's header policy on the way to the target (elbv2-model.md 5.3) and back: X-Forwarded-*,
// X-Amzn-Trace-Id, Host as AWS rewrites it, hop-by-hop fields, Expect: 100-continue, cookies.
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, onCleanup, targetGroup, raw, request, startListener, startTarget, type SeenRequest } from './alb-fixtures.js';

afterEach(cleanup);

const TRACE_ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

async function forwarding(lb: { preserveHostHeader?: boolean; xffHeaderProcessingMode?: string; port?: number } = {}, groupConfig: Record<string, unknown> = {}) {
  const target = await startTarget('t1', (req, res) => {
    res.setHeader('set-cookie', ['app=1']);
    res.setHeader('connection', 'keep-alive');
    res.setHeader('keep-alive', 'timeout=5');
    res.end('ok');
  });
  const { port: listenerPort, ...rest } = lb;
  const running = await startListener({ ...rest, listener: { ...(listenerPort ? { port: listenerPort } : {}), defaultAction: { forward: 'g' } } }, [targetGroup('g', [target], groupConfig)]);
  const seen = async (path: string, options: Parameters<typeof request>[2] = {}): Promise<SeenRequest> => {
    await request(running.port, path, options);
    return target.seen.at(-1)!;
  };
  return { ...running, target, seen };
}

describe('forwarded request headers', () => {
  it('appends the client to X-Forwarded-For and sets the listener proto and port', async () => {
    const { seen, port } = await forwarding();
    const plain = await seen('/');
    expect(plain.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(plain.headers['x-forwarded-proto']).toBe('http');
    expect(plain.headers['x-forwarded-port']).toBe(String(port));
    const chained = await seen('/', { headers: { 'x-forwarded-for': '127.0.0.4', 'x-forwarded-proto': 'https', 'x-forwarded-port': '1' } });
    expect(chained.headers['x-forwarded-for']).toBe('127.0.0.4, 127.0.0.1');
    expect(chained.headers['x-forwarded-proto']).toBe('http');
    expect(chained.headers['x-forwarded-port']).toBe(String(port));
  });

  it('preserves or removes X-Forwarded-For by the load balancer mode', async () => {
    const preserve = await forwarding({ xffHeaderProcessingMode: 'preserve' });
    expect((await preserve.seen('/', { headers: { 'x-forwarded-for': '10.0.0.1' } })).headers['x-forwarded-for']).toBe('10.0.0.1');
    expect((await preserve.seen('/')).headers['x-forwarded-for']).toBeUndefined();
    const remove = await forwarding({ xffHeaderProcessingMode: 'remove' });
    expect((await remove.seen('/', { headers: { 'x-forwarded-for': '10.0.0.1' } })).headers['x-forwarded-for']).toBeUndefined();
  });

  it('adds a trace id Root, or a Self in front of an existing Root', async () => {
    const { seen, records } = await forwarding();
    const fresh = (await seen('/')).headers['x-amzn-trace-id'] as string;
    expect(fresh).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const epoch = parseInt(fresh.slice(7, 15), 16);
    expect(Math.abs(epoch - Date.now() / 1000)).toBeLessThan(60);
    expect(records.at(-1)!.traceId).toBe(fresh.slice(5));

    const chained = (await seen('/', { headers: { 'x-amzn-trace-id': 'Self=1-00000000-old;Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app' } })).headers['x-amzn-trace-id'] as string;
    const [self, root, custom, ...more] = chained.split(';');
    expect(self).toMatch(/^Self=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect([root, custom, more]).toEqual(['Root=1-5759e988-bd862e3fe1be46a994272793', 'CalledFrom=app', []]);
    expect(records.at(-1)!.traceId).toMatch(TRACE_ROOT);
    expect(records.at(-1)!.traceId).toBe('1-5759e988-bd862e3fe1be46a994272793');
  });

  it('lower-cases Host and appends the listener port when the client sent none', async () => {
    const { seen, port } = await forwarding();
    expect((await seen('/', { headers: { host: 'App.Demo.LOCALHOST' } })).headers.host).toBe(`app.demo.localhost:${port}`);
    expect((await seen('/', { headers: { host: 'app.demo.localhost:9999' } })).headers.host).toBe('app.demo.localhost:9999');
  });

  it('takes the host of an absolute-form target', async () => {
    const { target, port } = await forwarding();
    const response = await raw(port, `GET http://Abs.Example.com/p?q=1 HTTP/1.1\r\nHost: abs.example.com\r\nConnection: close\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1.1 200/);
    expect(target.seen.at(-1)).toMatchObject({ url: '/p?q=1', headers: { host: `abs.example.com:${port}` } });
  });

  it('sends Host exactly as received when preserveHostHeader is on', async () => {
    const { seen } = await forwarding({ preserveHostHeader: true });
    expect((await seen('/', { headers: { host: 'App.Demo.LOCALHOST' } })).headers.host).toBe('App.Demo.LOCALHOST');
  });

  it('drops hop-by-hop headers, including the ones Connection names', async () => {
    const { target, port } = await forwarding();
    await raw(
      port,
      'GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: close, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n' +
        'Proxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\nX-Kept: yes\r\nX-Kept: twice\r\n\r\n',
    );
    const names = target.seen.at(-1)!.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const dropped of ['x-secret', 'keep-alive', 'te', 'proxy-authorization', 'proxy-connection']) expect(names).not.toContain(dropped);
    expect(target.seen.at(-1)!.rawHeaders.filter((_, i, all) => all[i - 1] === 'X-Kept')).toEqual(['yes', 'twice']);
  });

  it('answers Expect: 100-continue itself and does not pass Expect on', async () => {
    const { target, port } = await forwarding();
    const socket = net.connect(port, '127.0.0.1');
    const received: string[] = [];
    socket.on('data', (c) => received.push(c.toString('latin1')));
    socket.write('POST /upload HTTP/1.1\r\nHost: a.example.com\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    await expect.poll(() => received.join('')).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\n/);
    // Not end(): Node's server treats a client's half-close as the client leaving.
    socket.write('hello');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received.join('')).toMatch(/HTTP\/1.1 200 OK/);
    expect(target.seen.at(-1)).toMatchObject({ body: 'hello' });
    expect(target.seen.at(-1)!.headers.expect).toBeUndefined();
  });
});

describe('responses passed back', () => {
  it('strips the target hop-by-hop headers and appends target stickiness cookies (lb_cookie) to Set-Cookie', async () => {
    const { port } = await forwarding({}, { stickiness: { enabled: true, type: 'lb_cookie', durationSeconds: 60 } });
    const reply = await request(port, '/');
    expect(reply.body).toBe('ok');
    const cookies = reply.headers['set-cookie']!;
    expect(cookies[0]).toBe('app=1');
    expect(cookies.slice(1).map((c) => c.split('=')[0])).toEqual(['AWSALB', 'AWSALBCORS']);
    expect(reply.headers['keep-alive']).not.toBe('timeout=5');
  });

  it('adds the AWSALBAPP cookie when the target sets the application cookie (app_cookie)', async () => {
    const { port } = await forwarding({}, { stickiness: { enabled: true, type: 'app_cookie', cookieName: 'app', durationSeconds: 60 } });
    const cookies = (await request(port, '/')).headers['set-cookie']!;
    expect(cookies.map((c) => c.split('=')[0])).toEqual(['app', 'AWSALBAPP-0']);
  });

  it('strips the fields a target names in its Connection header', async () => {
    const port = await rawTarget('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: x-foo\r\nX-Foo: 1\r\nX-Kept: yes\r\n\r\nok');
    const listener = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [{ id: 'raw', host: '127.0.0.1', port }])]);
    const response = await raw(listener.port, 'GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: close\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(response).toMatch(/\r\nX-Kept: yes\r\n/);
    expect(response).not.toMatch(/\r\nx-foo:/i);
    expect(response.endsWith('\r\n\r\nok')).toBe(true);

    const several = await rawTarget('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive, X-Foo\r\nConnection: x-bar\r\nX-Foo: 1\r\nX-Bar: 2\r\nX-Baz: 3\r\n\r\nok');
    const second = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [{ id: 'raw', host: '127.0.0.1', port: several }])]);
    const reply = await request(second.port, '/');
    expect(reply.headers['x-foo']).toBeUndefined();
    expect(reply.headers['x-bar']).toBeUndefined();
    expect(reply.headers['x-baz']).toBe('3');
  });
  it('streams a large chunked body through unchanged', async () => {
    const big = 'x'.repeat(3_000_000);
    const target = await startTarget('big', (_req, res) => {
      res.write(big.slice(0, 1_000_000));
      setTimeout(() => res.end(big.slice(1_000_000)), 20);
    });
    const { port } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
    const reply = await request(port, '/');
    expect(reply.body.length).toBe(big.length);
    const upload = await request(port, '/up', { method: 'POST', body: big });
    expect(upload.status).toBe(200);
    expect(target.seen.at(-1)!.body.length).toBe(big.length);
  });
});

/** A target written byte by byte: answers every request on a connection with `response`. */
async function rawTarget(response: string): Promise<number> {
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.on('data', (c: Buffer) => {
      buffered += c.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        socket.write(response);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => {
    server.close(resolve);
    for (const s of sockets) s.destroy();
  }));
  return (server.address() as net.AddressInfo).port;
}

describe('target stickiness', () => {
  /** Three targets that answer with their id (and set the application cookie `app`). */
  async function sticky(stickiness: Record<string, unknown>) {
    const targets = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        startTarget(id, (_req, res) => {
          res.setHeader('set-cookie', [`app=${id}`]);
          res.end(id);
        }),
      ),
    );
    const { port } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', targets, { stickiness: { enabled: true, durationSeconds: 60, ...stickiness } })]);
    return port;
  }

  const cookieNamed = (setCookies: string[] | undefined, name: string) => {
    const found = setCookies?.find((c) => c.startsWith(`${name}=`));
    expect(found, `Set-Cookie ${name}`).toBeDefined();
    return found!.split(';')[0]!;
  };

  /** Which target served each of `count` requests sent with `cookie` (or none). */
  async function servedBy(port: number, count: number, cookie?: string): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push((await request(port, '/', cookie ? { headers: { cookie } } : {})).body);
    return out;
  }

  const spread = (ids: string[]) => Object.fromEntries(['a', 'b', 'c'].map((id) => [id, ids.filter((x) => x === id).length]));

  it('lb_cookie: the AWSALB cookie brings a client back to its target 20 times in a row', async () => {
    const port = await sticky({ type: 'lb_cookie' });
    const first = await request(port, '/');
    const cookie = cookieNamed(first.headers['set-cookie'], 'AWSALB');
    expect(await servedBy(port, 20, cookie)).toEqual(Array(20).fill(first.body));
    // A browser on a cross-origin request sends only AWSALBCORS, which carries the same value.
    const cors = cookieNamed(first.headers['set-cookie'], 'AWSALBCORS');
    expect(await servedBy(port, 5, cors)).toEqual(Array(5).fill(first.body));
    // Without the cookie the group's round robin spreads the requests over all three.
    expect(spread(await servedBy(port, 9))).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('lb_cookie: a client with another target in its cookie stays there', async () => {
    const port = await sticky({ type: 'lb_cookie' });
    const cookies = new Map<string, string>();
    for (const reply of await Promise.all([0, 1, 2].map(() => request(port, '/')))) cookies.set(reply.body, cookieNamed(reply.headers['set-cookie'], 'AWSALB'));
    expect([...cookies.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const [id, cookie] of cookies) expect(await servedBy(port, 7, cookie)).toEqual(Array(7).fill(id));
  });

  it('app_cookie: the AWSALBAPP-0 cookie brings a client back to its target 20 times in a row', async () => {
    const port = await sticky({ type: 'app_cookie', cookieName: 'app' });
    const first = await request(port, '/');
    const cookie = cookieNamed(first.headers['set-cookie'], 'AWSALBAPP-0');
    const app = cookieNamed(first.headers['set-cookie'], 'app');
    expect(await servedBy(port, 20, `${app}; ${cookie}`)).toEqual(Array(20).fill(first.body));
    // The application cookie alone does not pin the client: Berth routes by its own cookie.
    expect(spread(await servedBy(port, 9, app))).toEqual({ a: 3, b: 3, c: 3 });
    expect(spread(await servedBy(port, 9))).toEqual({ a: 3, b: 3, c: 3 });
  });
});
