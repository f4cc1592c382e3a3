// gRPC through an HTTPS listener as an ALB carries it: `berth up` with GRPC and HTTP2 target groups
// of real gRPC servers (grpc-js in containers, plaintext h2), a grpc-js client verifying TLS against
// Berth's CA. Unary and all streaming kinds, statuses and deadlines, two containers sharing calls,
// a stopped container, AWS's 464 combinations, and the records' HTTP and gRPC statuses.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrafficRecord } from '../../../shared/model/index.js';
import { startBerthUp, type BerthUp } from '../../helpers/berth-up.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const run = promisify(execFile);
const GRPC_HOST = 'grpc.h2.localhost';
const HTTP2_HOST = 'plain.h2.localhost';
const LONE_HOST = 'lone.h2.localhost';
const HTTP1_HOST = 'web.h2.localhost';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value));
const decode = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
const path = (method: string) => `/berth.test.Echo/${method}`;

interface Reply {
  name: string;
  text?: string;
  count?: number;
  joined?: string;
  i?: number;
}

describeDocker('gRPC through an HTTPS listener (berth up)', () => {
  let berth: BerthUp;
  let port: number;
  let echoes: TestContainer[];
  let lone: TestContainer;
  const clients: grpc.Client[] = [];

  function client(host: string): grpc.Client {
    const c = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(readFileSync(berth.caFile)), {
      'grpc.ssl_target_name_override': host,
      'grpc.default_authority': host,
    });
    clients.push(c);
    return c;
  }

  function unary(c: grpc.Client, request: unknown, deadlineMs = 10_000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      c.makeUnaryRequest(path('Unary'), encode, decode, request, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, value) => (err ? reject(err) : resolve(value as unknown as Reply)));
    });
  }

  async function failure(promise: Promise<unknown>): Promise<grpc.ServiceError> {
    try {
      await promise;
    } catch (err) {
      return err as grpc.ServiceError;
    }
    throw new Error('the call succeeded');
  }

  async function records(text: string, count: number): Promise<TrafficRecord[]> {
    return eventually(async () => {
      const { records } = await berth.call<{ records: TrafficRecord[] }>('getTraffic', { text });
      expect(records.length).toBeGreaterThanOrEqual(count);
      return records;
    });
  }

  beforeAll(async () => {
    const labels = (role: string) => ({ [`t.grpc.${runId}`]: role });
    echoes = await Promise.all([1, 2].map(() => startContainer({ server: 'grpc-echo', ports: ['50051/tcp'], labels: labels('echo') })));
    lone = await startContainer({ server: 'grpc-echo', ports: ['50051/tcp'], labels: labels('lone') });
    const web = await startContainer({ labels: labels('web') });
    await web.serving();
    port = await freePort();
    const rule = (priority: number, host: string, group: string) => [`          - priority: ${priority}`, `            conditions: { hostHeader: [${host}] }`, `            action: { forward: ${group} }`];
    const group = (name: string, version: string, role: string, containerPort: number, healthCheck: string) => [
      `  - name: ${name}`,
      '    protocol: HTTP',
      `    protocolVersion: ${version}`,
      `    healthCheck: ${healthCheck}`,
      `    targets: { docker: { labels: { t.grpc.${runId}: ${role} }, containerPort: ${containerPort} } }`,
    ];
    const yaml = [
      'loadBalancers:',
      '  - name: edge',
      // Short, so Berth's own target timeout can be seen within a test.
      '    idleTimeoutSeconds: 3',
      '    listeners:',
      `      - port: ${port}`,
      '        protocol: HTTPS',
      '        certificates: auto',
      '        defaultAction: { fixedResponse: { statusCode: 404 } }',
      '        rules:',
      ...rule(1, GRPC_HOST, 'echo'),
      ...rule(2, HTTP2_HOST, 'plain'),
      ...rule(3, LONE_HOST, 'lone'),
      ...rule(4, HTTP1_HOST, 'web'),
      'targetGroups:',
      ...group('echo', 'GRPC', 'echo', 50051, '{ intervalSeconds: 5, timeoutSeconds: 2 }'),
      ...group('plain', 'HTTP2', 'echo', 50051, '{ enabled: false }'),
      ...group('lone', 'GRPC', 'lone', 50051, '{ intervalSeconds: 5, timeoutSeconds: 2 }'),
      ...group('web', 'HTTP1', 'web', 8081, '{ path: /health, intervalSeconds: 5, timeoutSeconds: 2 }'),
      '',
    ].join('\n');
    berth = await startBerthUp(yaml, { DOCKER_HOST: testDockerHost(0) });
    const c = client(GRPC_HOST);
    await eventually(async () => expect((await unary(c, { text: 'ready' })).text).toBe('ready'), { timeoutMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await berth?.stop();
  }, 30_000);

  it('carries unary calls, spread over both containers of the group (round robin)', async () => {
    const c = client(GRPC_HOST);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => unary(c, { text: `call ${i}` })));
    expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 20 }, (_, i) => `call ${i}`));
    const counts = new Map<string, number>();
    for (const r of replies) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(echoes.map((e) => e.name).sort());
    expect([...counts.values()]).toEqual([10, 10]);
  });

  it('carries server streaming, client streaming and bidirectional calls', async () => {
    const c = client(GRPC_HOST);
    const streamed = await new Promise<Reply[]>((resolve, reject) => {
      const out: Reply[] = [];
      const call = c.makeServerStreamRequest(path('ServerStream'), encode, decode, { text: 'tick', count: 50 });
      call.on('data', (m: Reply) => out.push(m));
      call.on('error', reject);
      call.on('end', () => resolve(out));
    });
    expect(streamed.map((m) => m.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));

    const summed = await new Promise<Reply>((resolve, reject) => {
      const call = c.makeClientStreamRequest(path('ClientStream'), encode, decode, (err, value) => (err ? reject(err) : resolve(value as unknown as Reply)));
      for (const word of ['one', 'two', 'three', 'four']) call.write({ text: word });
      call.end();
    });
    expect(summed).toMatchObject({ count: 4, joined: 'one two three four' });

    const bidi = c.makeBidiStreamRequest(path('Bidi'), encode, decode);
    const echoed: string[] = [];
    // Each message goes out only after the previous one came back: the stream really is interactive.
    for (const word of ['ping', 'pong', 'done']) {
      const next = new Promise<Reply>((resolve) => bidi.once('data', resolve));
      bidi.write({ text: word });
      echoed.push((await next).text!);
    }
    bidi.end();
    await new Promise((resolve) => bidi.once('end', resolve).resume());
    expect(echoed).toEqual(['ping', 'pong', 'done']);
  });

  it("passes the target's error status and details to the client", async () => {
    const err = await failure(unary(client(GRPC_HOST), { text: 'x', fail: true }));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/^refused as asked by berth-t-/);
    expect(err.metadata.get('served-by')[0]).toMatch(/^berth-t-/);
  });

  it('gives DEADLINE_EXCEEDED for a client deadline, and for Berth’s own target timeout (504, gRPC 4 in the record)', async () => {
    const c = client(GRPC_HOST);
    const clientDeadline = await failure(unary(c, { text: 'slow', sleepMs: 1_500 }, 300));
    expect(clientDeadline.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // No client deadline: the target is silent past the load balancer's idle timeout (3 s).
    const berthTimeout = await failure(unary(c, { text: 'idle-timeout-call', sleepMs: 5_000 }, 20_000));
    expect(berthTimeout.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(berthTimeout.details).toContain('idle timeout');
    const [record] = await records('Unary', 1).then((all) => all.filter((r) => r.error === 'TARGET_TIMEOUT'));
    expect(record).toMatchObject({ status: 504, grpcStatus: 4, protocol: 'HTTP/2.0', path: '/berth.test.Echo/Unary' });
  }, 30_000);

  it('carries trailers on an HTTP2 group: the gRPC status comes back in them', async () => {
    const c = client(HTTP2_HOST);
    expect((await unary(c, { text: 'via http2 group' })).text).toBe('via http2 group');
    const err = await failure(unary(c, { text: 'x', fail: true }));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('answers 464 for the combinations AWS refuses', async () => {
    const curl = async (args: string[], host: string) =>
      (await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{http_version}', '--max-time', '10', '--cacert', berth.caFile, '--resolve', `${host}:${port}:127.0.0.1`, ...args, `https://${host}:${port}/berth.test.Echo/Unary`])).stdout;
    // HTTP/1.1 to a GRPC group and to an HTTP2 group.
    expect(await curl(['--http1.1', '-X', 'POST', '-H', 'content-type: application/grpc'], GRPC_HOST)).toBe('464 1.1');
    expect(await curl(['--http1.1'], HTTP2_HOST)).toBe('464 1.1');
    // HTTP/2 but not POST, to a GRPC group.
    expect(await curl(['--http2'], GRPC_HOST)).toBe('464 2');
    // gRPC to an HTTP1 group.
    const err = await failure(unary(client(HTTP1_HOST), { text: 'x' }));
    expect(err.details).toContain('464');
    const refused = (await records('/berth.test.Echo/Unary', 4)).filter((r) => r.error === 'INCOMPATIBLE_PROTOCOL');
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused.every((r) => r.status === 464)).toBe(true);
  });

  it('gives UNAVAILABLE when the only container is stopped, with 503 and gRPC 14 in the record', async () => {
    const c = client(LONE_HOST);
    expect((await unary(c, { text: 'before' })).name).toBe(lone.name);
    await lone.stop();
    const err = await eventually(async () => {
      const e = await failure(unary(c, { text: 'after-stop' }));
      expect(e.code).toBe(grpc.status.UNAVAILABLE);
      return e;
    }, { timeoutMs: 20_000 });
    expect(err.details).toMatch(/target group "lone"/);
    const stopped = (await records('/berth.test.Echo/Unary', 1)).filter((r) => r.targetGroup === 'lone' && r.grpcStatus === 14);
    expect(stopped.length).toBeGreaterThan(0);
    expect([502, 503]).toContain(stopped.at(-1)!.status);
  }, 40_000);
});
