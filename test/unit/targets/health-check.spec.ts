// One health check as AWS runs it (elbv2-model.md 4.2), against real loopback servers: the matcher's
// codes, lists and ranges; the reason codes for a wrong status, no answer in time and a failed
// connection; the health-check port against `traffic-port`; HTTPS to a self-signed certificate.
import { afterEach, describe, expect, it } from 'vitest';
import { matcherAccepts, runHealthCheck } from '../../../main/targets/index.js';
import { resolveHealthCheck, targetGroupSchema, type HealthCheck } from '../../../shared/model/index.js';
import { closeAll, closedPort, garbageServer, grpcServer, silentServer, statusServer, tlsServer } from './target-fixtures.js';

afterEach(closeAll);

const hc = (over: Partial<HealthCheck> = {}, protocol: 'HTTP' | 'TCP' = 'HTTP'): HealthCheck => ({ ...resolveHealthCheck(protocol, {}), ...over });

describe('matcherAccepts', () => {
  it.each([
    ['200', 200, true],
    ['200', 201, false],
    ['200,202', 202, true],
    ['200,202', 201, false],
    ['200-299', 200, true],
    ['200-299', 299, true],
    ['200-299', 300, false],
    ['200-299', 199, false],
    ['200,300-399', 302, true],
    ['200,300-399', 250, false],
    ['200-204,401,403-404', 404, true],
    ['200-204,401,403-404', 402, false],
  ])('%s accepts %i: %s', (matcher, status, accepted) => {
    expect(matcherAccepts(matcher, status)).toBe(accepted);
  });
});

describe('runHealthCheck', () => {
  it('passes on a status the matcher accepts, sending GET of the path as ELB-HealthChecker/2.0', async () => {
    const server = await statusServer(204);
    expect(await runHealthCheck('127.0.0.1', server.port, hc({ path: '/healthz', matcher: '200-299' }))).toEqual({ ok: true });
    expect(server.paths).toEqual(['/healthz']);
    expect(server.headers[0]).toMatchObject({ 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' });
  });

  it('fails with Target.ResponseCodeMismatch, naming the code, on a status outside the matcher', async () => {
    const server = await statusServer(503);
    expect(await runHealthCheck('127.0.0.1', server.port, hc({ matcher: '200,202' }))).toEqual({
      ok: false,
      reason: 'Target.ResponseCodeMismatch',
      description: 'health checks failed with these codes: [503]',
    });
  });

  it('fails with Target.Timeout when the target does not answer in time', async () => {
    const port = await silentServer();
    const started = Date.now();
    const result = await runHealthCheck('127.0.0.1', port, hc(), 300);
    expect(result).toMatchObject({ ok: false, reason: 'Target.Timeout' });
    expect(result.description).toContain('300 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('fails with Target.FailedHealthChecks when the connection is refused or the answer is not HTTP', async () => {
    expect(await runHealthCheck('127.0.0.1', await closedPort(), hc())).toMatchObject({ ok: false, reason: 'Target.FailedHealthChecks', description: expect.stringContaining('ECONNREFUSED') });
    expect(await runHealthCheck('127.0.0.1', await garbageServer(), hc())).toMatchObject({ ok: false, reason: 'Target.FailedHealthChecks' });
  });

  it('checks the traffic port unless the health check names its own port', async () => {
    const traffic = await statusServer(200);
    const admin = await statusServer(200);
    expect(await runHealthCheck('127.0.0.1', traffic.port, hc({ port: 'traffic-port' }))).toEqual({ ok: true });
    expect([traffic.paths.length, admin.paths.length]).toEqual([1, 0]);
    // An explicit port is checked even when nothing listens on the traffic port.
    const nothing = await closedPort();
    expect(await runHealthCheck('127.0.0.1', nothing, hc({ port: admin.port }))).toEqual({ ok: true });
    expect([traffic.paths.length, admin.paths.length]).toEqual([1, 1]);
    expect(await runHealthCheck('127.0.0.1', traffic.port, hc({ port: nothing }))).toMatchObject({ ok: false, reason: 'Target.FailedHealthChecks' });
  });

  it('checks HTTPS against a self-signed certificate, which AWS accepts', async () => {
    const server = await tlsServer(200);
    expect(await runHealthCheck('127.0.0.1', server.port, hc({ protocol: 'HTTPS', path: '/ready' }))).toEqual({ ok: true });
    expect(server.paths).toEqual(['/ready']);
    // The same port over plain HTTP is not a healthy answer.
    expect(await runHealthCheck('127.0.0.1', server.port, hc({ protocol: 'HTTP' }))).toMatchObject({ ok: false });
  });

  it('checks TCP by connecting only', async () => {
    const port = await silentServer();
    expect(await runHealthCheck('127.0.0.1', port, hc({}, 'TCP'))).toEqual({ ok: true });
    expect(await runHealthCheck('127.0.0.1', await closedPort(), hc({}, 'TCP'))).toMatchObject({ ok: false, reason: 'Target.FailedHealthChecks' });
  });
});

describe('gRPC health checks', () => {
  const grpcGroup = (healthCheck: Record<string, unknown> = {}) => targetGroupSchema.parse({ name: 'g', protocol: 'HTTP', protocolVersion: 'GRPC', healthCheck }).healthCheck;

  it("default to AWS's path /AWS.ALB/healthcheck and gRPC code 12, which any live gRPC server answers", async () => {
    const hc = grpcGroup();
    expect(hc).toMatchObject({ path: '/AWS.ALB/healthcheck', matcher: '12' });
    const server = await grpcServer();
    expect(await runHealthCheck('127.0.0.1', server.port, hc, 2000, true)).toEqual({ ok: true });
    expect(server.paths).toEqual(['/AWS.ALB/healthcheck']);
    expect(server.headers[0]).toMatchObject({ ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers' });
  });

  it('judge the grpc-status from the trailers against the matcher', async () => {
    const server = await grpcServer();
    const check = grpcGroup({ path: '/grpc.health.v1.Health/Check', matcher: '0' });
    expect(await runHealthCheck('127.0.0.1', server.port, check, 2000, true)).toEqual({ ok: true });
    const wrong = grpcGroup({ path: '/some.Service/Missing', matcher: '0-5' });
    expect(await runHealthCheck('127.0.0.1', server.port, wrong, 2000, true)).toEqual({ ok: false, reason: 'Target.ResponseCodeMismatch', description: 'health checks failed with these gRPC codes: [12]' });
  });

  it('report Target.Timeout and Target.FailedHealthChecks as HTTP checks do', async () => {
    const server = await grpcServer();
    expect(await runHealthCheck('127.0.0.1', server.port, grpcGroup({ path: '/hang' }), 300, true)).toMatchObject({ ok: false, reason: 'Target.Timeout' });
    expect(await runHealthCheck('127.0.0.1', await closedPort(), grpcGroup(), 2000, true)).toMatchObject({ ok: false, reason: 'Target.FailedHealthChecks' });
    // An HTTP/1.1-only server is no gRPC target.
    const plain = await statusServer(200);
    expect(await runHealthCheck('127.0.0.1', plain.port, grpcGroup(), 2000, true)).toMatchObject({ ok: false, reason: 'Target.FailedHealthChecks' });
  });

  it('run over TLS to a self-signed certificate', async () => {
    const server = await grpcServer(true);
    expect(await runHealthCheck('127.0.0.1', server.port, grpcGroup({ protocol: 'HTTPS' }), 2000, true)).toEqual({ ok: true });
    expect(server.paths).toEqual(['/AWS.ALB/healthcheck']);
  });
});
