// One health check of one target, as AWS runs it: HTTP(S) GET of the path with the matcher, or a
// TCP connect; a fresh connection each time, closed after the answer; HTTPS certificates not checked.
import http from 'node:http';
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

export function runHealthCheck(host: string, trafficPort: number, hc: HealthCheck, timeoutMs = hc.timeoutSeconds * 1000): Promise<CheckResult> {
  const port = hc.port === 'traffic-port' ? trafficPort : hc.port;
  if (hc.protocol === 'TCP') return tcpCheck(host, port, timeoutMs);
  return httpCheck(hc.protocol === 'HTTPS', host, port, hc, timeoutMs);
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
