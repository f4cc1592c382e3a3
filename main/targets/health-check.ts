// One health check of one target, as AWS runs it: HTTP(S) GET of the path with the matcher, a gRPC
// call whose grpc-status the matcher judges (GRPC groups), or a TCP connect; a fresh connection each
// time, closed after the answer; HTTPS certificates not checked.
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import type { HealthCheck, TargetHealthReason } from '../../shared/model/index.js';

export interface CheckResult {
  ok: boolean;
  reason?: TargetHealthReason;
  description?: string;
}

export function matcherAccepts(matcher: string, status: number): boolean {
  for (const part of matcher.split(',')) {
    const [lo, hi] = part.split('-').map(Number);
    if (hi === undefined ? status === lo : status >= lo! && status <= hi) return true;
  }
  return false;
}

/** `grpc`: the group's protocolVersion is GRPC, so the check is a gRPC call over HTTP/2. */
export function runHealthCheck(host: string, trafficPort: number, hc: HealthCheck, timeoutMs = hc.timeoutSeconds * 1000, grpc = false): Promise<CheckResult> {
  const port = hc.port === 'traffic-port' ? trafficPort : hc.port;
  if (hc.protocol === 'TCP') return tcpCheck(host, port, timeoutMs);
  if (grpc) return grpcCheck(hc.protocol === 'HTTPS', host, port, hc, timeoutMs);
  return httpCheck(hc.protocol === 'HTTPS', host, port, hc, timeoutMs);
}

/** An empty gRPC message: not compressed, length 0. */
const EMPTY_GRPC_MESSAGE = Buffer.alloc(5);

/**
 * A unary gRPC call of the health-check path with an empty message; the grpc-status (in the
 * trailers, or in the headers of a trailers-only answer) is what the matcher judges.
 */
function grpcCheck(tls: boolean, host: string, port: number, hc: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    let grpcStatus: string | undefined;
    let httpStatus: number | undefined;
    const authority = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const session = http2.connect(authority, tls ? { rejectUnauthorized: false } : {});
    const finish = (r: CheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'Target.Timeout', description: `request timed out after ${timeoutMs} ms` }), timeoutMs);
    session.on('error', (err) => finish({ ok: false, reason: 'Target.FailedHealthChecks', description: err.message }));
    const req = session.request({ ':method': 'POST', ':path': hc.path, 'content-type': 'application/grpc', te: 'trailers', 'user-agent': 'ELB-HealthChecker/2.0' });
    const read = (headers: http2.IncomingHttpHeaders) => {
      const value = headers['grpc-status'];
      if (value !== undefined) grpcStatus = String(value);
    };
    req.on('response', (headers) => {
      httpStatus = Number(headers[':status']);
      read(headers);
    });
    req.on('trailers', read);
    req.on('error', (err) => finish({ ok: false, reason: 'Target.FailedHealthChecks', description: err.message }));
    req.on('close', () => {
      if (grpcStatus === undefined) {
        return finish({ ok: false, reason: 'Target.FailedHealthChecks', description: httpStatus === undefined ? 'the target closed the stream without answering' : `not a gRPC answer (HTTP ${httpStatus}, no grpc-status)` });
      }
      const code = Number(grpcStatus);
      finish(matcherAccepts(hc.matcher, code) ? { ok: true } : { ok: false, reason: 'Target.ResponseCodeMismatch', description: `health checks failed with these gRPC codes: [${grpcStatus}]` });
    });
    req.resume();
    req.end(EMPTY_GRPC_MESSAGE);
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: CheckResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, reason: 'Target.Timeout', description: `no TCP connection within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err) => done({ ok: false, reason: 'Target.FailedHealthChecks', description: err.message }));
  });
}

function httpCheck(tls: boolean, host: string, port: number, hc: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: CheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const options = {
      host,
      port,
      path: hc.path,
      method: 'GET',
      agent: false as const,
      headers: { 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close', host: `${host}:${port}` },
      ...(tls ? { rejectUnauthorized: false } : {}),
    };
    const req = (tls ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      finish(matcherAccepts(hc.matcher, status) ? { ok: true } : { ok: false, reason: 'Target.ResponseCodeMismatch', description: `health checks failed with these codes: [${status}]` });
    });
    const timer = setTimeout(() => finish({ ok: false, reason: 'Target.Timeout', description: `request timed out after ${timeoutMs} ms` }), timeoutMs);
    req.once('error', (err) => finish({ ok: false, reason: 'Target.FailedHealthChecks', description: err.message }));
    req.end();
  });
}
