// Runs the real `berth up` beside nginx, HAProxy and Caddy in one benchmark: every proxy alone on
// core 1, load generator and origin on core 0, configs generated into a temp dir (loopback only),
// rounds interleaved, ratios taken within a round, goals printed PASS/FAIL; every process it
// started is killed when it exits, however it ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const PROXY_CORE = '1';
export const LOAD_CORE = '0';
export const BODY = 'hello, world\n';

export const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const hasTaskset = hasCommand('taskset');

/** The benchmark's own process is load generator too (its TCP and UDP clients): it runs on the load core. */
export function pinSelf(): void {
  if (hasTaskset) spawnSync('taskset', ['-p', '-c', LOAD_CORE, String(process.pid)]);
}

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  private readonly children: ChildProcess[] = [];

  constructor() {
    const stopAll = () => {
      for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    };
    process.on('exit', stopAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        stopAll();
        process.exit(130);
      });
    }
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** Starts `cmd` pinned to `core`, output to `<name>.log` in the workspace. */
  spawn(name: string, core: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const log = openSync(join(this.dir, `${name}.log`), 'a');
    const [file, argv] = hasTaskset ? ['taskset', ['-c', core, cmd, ...args]] : [cmd, args];
    const child = spawn(file, argv, { cwd: this.dir, env, stdio: ['ignore', log, log] });
    this.children.push(child);
    return child;
  }

  log(name: string): string {
    try {
      return readFileSync(join(this.dir, `${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((ok) => {
            if (c.exitCode !== null || c.signalCode !== null) return ok();
            c.once('exit', () => ok());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
  }
}

/** Resolves once something accepts TCP connections on `port` (loopback). */
export async function waitForPort(port: number, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((done) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        done(true);
      });
      s.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `berth up -c berth.yaml` as a user starts it: control API, dashboard, discovery (the test Docker
 * engine when it runs, else the default endpoint), traffic records and header capture all on.
 */
export async function startBerthUp(ws: Workspace, yaml: string, ports: number[], nodeFlags: string[] = [], options: { name?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildProcess> {
  const name = options.name ?? 'berth';
  const file = ws.file(`${name}.yaml`, yaml);
  const testEngine = '/tmp/berth-docker/0/docker.sock';
  const env = { ...process.env, ...options.env, BERTH_DATA_DIR: join(ws.dir, `${name}-data`), ...(existsSync(testEngine) ? { DOCKER_HOST: `unix://${testEngine}` } : {}) };
  const child = ws.spawn(name, PROXY_CORE, process.execPath, [...nodeFlags, join(root, 'bin/berth.js'), 'up', '-c', file], env);
  for (const port of ports) await waitForPort(port, `berth up (log: ${join(ws.dir, `${name}.log`)})`);
  const deadline = Date.now() + 30_000;
  while (!ws.log(name).includes('dashboard: ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return child;
}

/** A role of a `*-processes.ts` script (origins, bare Node anchors), ready once it prints `ready`. */
export async function startRole(ws: Workspace, name: string, core: string, script: string, args: string[]): Promise<ChildProcess> {
  const child = ws.spawn(name, core, process.execPath, [join(root, 'bin/run-ts.js'), join(here, script), ...args]);
  const deadline = Date.now() + 60_000;
  while (!/^ready/m.test(ws.log(name))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start: ${ws.log(name)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** A self-signed ECDSA P-256 certificate for 127.0.0.1 and bench.localhost (Berth's own leaves are P-256 too). */
export function makeCertificate(ws: Workspace): { cert: string; key: string; pem: string } {
  const cert = join(ws.dir, 'cert.pem');
  const key = join(ws.dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=bench.localhost', '-addext', 'subjectAltName=DNS:bench.localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  const pem = ws.file('cert+key.pem', readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  return { cert, key, pem };
}

export interface ProcStat {
  /** user + system, clock ticks (1/100 s). */
  ticks: number;
  minorFaults: number;
}

export function procStat(pid: number | undefined): ProcStat | undefined {
  if (!pid) return undefined;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), minorFaults: Number(f[7]) };
  } catch {
    return undefined;
  }
}

export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** wrk on the load core: one thread, `conns` connections; `close` sends Connection: close (a new connection per request). */
export function wrk(url: string, seconds: number, conns: number, options: { close?: boolean; host?: string } = {}): WrkResult {
  const headers = [...(options.host ? ['-H', `Host: ${options.host}`] : []), ...(options.close ? ['-H', 'Connection: close'] : [])];
  const argv = ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', ...headers, url];
  const run = hasTaskset ? spawnSync('taskset', ['-c', LOAD_CORE, 'wrk', ...argv], { encoding: 'utf8' }) : spawnSync('wrk', argv, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  const out = run.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out));
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  // With Connection: close, wrk counts the server's orderly close after each answer as a read error.
  const socketErrors = socket ? Number(socket[1]) + (options.close ? 0 : Number(socket[2])) + Number(socket[3]) + Number(socket[4]) : 0;
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + socketErrors;
  return { rps, p50: pct('50'), p99: pct('99'), requests, errors };
}

function toMs(m: RegExpExecArray | null): number {
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/** One iperf3 stream (client on the load core) for `seconds`; Gbit/s received and bytes moved. */
export function iperf3(port: number, seconds: number): { gbps: number; bytes: number } {
  const argv = ['-c', '127.0.0.1', '-p', String(port), '-t', String(seconds), '-J'];
  const run = hasTaskset ? spawnSync('taskset', ['-c', LOAD_CORE, 'iperf3', ...argv], { encoding: 'utf8' }) : spawnSync('iperf3', argv, { encoding: 'utf8' });
  const json = JSON.parse(run.stdout || '{}') as { end?: { sum_received?: { bits_per_second: number; bytes: number } }; error?: string };
  if (!json.end?.sum_received) throw new Error(`iperf3 failed: ${json.error ?? run.stderr}`);
  return { gbps: json.end.sum_received.bits_per_second / 1e9, bytes: json.end.sum_received.bytes };
}

// --- configs for the anchors -------------------------------------------------------------------

export interface HttpPorts {
  origin: number;
  http?: number;
  https?: number;
}

export function haproxyConfig(o: { tcp?: { port: number; origin: number }[]; http?: HttpPorts; pem?: string }): string {
  const out = ['global', '  nbthread 1', '  maxconn 9000', 'defaults', '  timeout connect 10s', '  timeout client 350s', '  timeout server 350s'];
  for (const [i, t] of (o.tcp ?? []).entries()) out.push(`listen tcp${i}`, '  mode tcp', `  bind 127.0.0.1:${t.port}`, `  server s1 127.0.0.1:${t.origin}`);
  if (o.http?.http) out.push('listen http', '  mode http', `  bind 127.0.0.1:${o.http.http}`, `  server s1 127.0.0.1:${o.http.origin}`);
  if (o.http?.https && o.pem) out.push('listen https', '  mode http', `  bind 127.0.0.1:${o.http.https} ssl crt ${o.pem}`, `  server s1 127.0.0.1:${o.http.origin}`);
  return out.join('\n') + '\n';
}

export function nginxConfig(ws: Workspace, o: { tcp?: { port: number; origin: number }[]; udp?: { port: number; origin: number }[]; http?: HttpPorts; cert?: { cert: string; key: string }; originOnly?: number }): string {
  const d = ws.dir;
  const lines = [
    'load_module /usr/lib/nginx/modules/ngx_stream_module.so;',
    'user root;',
    'worker_processes 1;',
    'daemon off;',
    `pid ${d}/nginx-${o.originOnly ?? 'proxy'}.pid;`,
    `error_log ${d}/nginx-${o.originOnly ?? 'proxy'}-error.log warn;`,
    'events { worker_connections 9000; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${d}/nginx-body; proxy_temp_path ${d}/nginx-proxy; fastcgi_temp_path ${d}/nginx-fcgi; uwsgi_temp_path ${d}/nginx-uwsgi; scgi_temp_path ${d}/nginx-scgi;`,
    '  keepalive_requests 1000000;',
  ];
  if (o.originOnly) lines.push(`  server { listen 127.0.0.1:${o.originOnly} backlog=4096; location / { default_type text/plain; return 200 "${BODY.replace('\n', '\\n')}"; } }`);
  if (o.http) {
    lines.push(`  upstream origin { server 127.0.0.1:${o.http.origin}; keepalive 256; }`);
    const proxy = 'location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }';
    if (o.http.http) lines.push(`  server { listen 127.0.0.1:${o.http.http} backlog=4096; ${proxy} }`);
    if (o.http.https && o.cert) lines.push(`  server { listen 127.0.0.1:${o.http.https} ssl backlog=4096; ssl_certificate ${o.cert.cert}; ssl_certificate_key ${o.cert.key}; ${proxy} }`);
  }
  lines.push('}');
  if (o.tcp?.length || o.udp?.length) {
    lines.push('stream {');
    for (const t of o.tcp ?? []) lines.push(`  server { listen 127.0.0.1:${t.port} backlog=4096; proxy_pass 127.0.0.1:${t.origin}; proxy_half_close on; }`);
    for (const u of o.udp ?? []) lines.push(`  server { listen 127.0.0.1:${u.port} udp; proxy_pass 127.0.0.1:${u.origin}; }`);
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

export function caddyfile(o: { http?: HttpPorts; cert?: { cert: string; key: string } }): string {
  const out = ['{', '  admin off', '  auto_https off', '  log {', '    output discard', '  }', '}'];
  if (o.http?.http) out.push(`http://:${o.http.http} {`, '  bind 127.0.0.1', `  reverse_proxy 127.0.0.1:${o.http.origin}`, '}');
  if (o.http?.https && o.cert) out.push(`https://:${o.http.https} {`, '  bind 127.0.0.1', `  tls ${o.cert.cert} ${o.cert.key}`, `  reverse_proxy 127.0.0.1:${o.http.origin}`, '}');
  return out.join('\n') + '\n';
}

export function startNginx(ws: Workspace, name: string, core: string, config: string): ChildProcess {
  return ws.spawn(name, core, 'nginx', ['-c', ws.file(`${name}.conf`, config), '-e', join(ws.dir, `${name}-error.log`)]);
}

export function startHaproxy(ws: Workspace, config: string): ChildProcess {
  return ws.spawn('haproxy', PROXY_CORE, 'haproxy', ['-db', '-f', ws.file('haproxy.cfg', config)]);
}

export function startCaddy(ws: Workspace, config: string): ChildProcess {
  const env = { ...process.env, HOME: ws.dir, XDG_DATA_HOME: join(ws.dir, 'caddy-data'), XDG_CONFIG_HOME: join(ws.dir, 'caddy-config') };
  return ws.spawn('caddy', PROXY_CORE, 'caddy', ['run', '--config', ws.file('Caddyfile', config), '--adapter', 'caddyfile'], env);
}

/** nginx's master + worker: CPU and faults are summed over the process and its children. */
export function treeStat(pid: number | undefined): ProcStat | undefined {
  const own = procStat(pid);
  if (!own || !pid) return own;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    // no children file: the process alone
  }
  for (const c of children) {
    const s = procStat(Number(c));
    if (s) {
      own.ticks += s.ticks;
      own.minorFaults += s.minorFaults;
    }
  }
  return own;
}

// --- rounds, ratios, goals ----------------------------------------------------------------------

export interface Path {
  name: string;
  /** The process whose CPU is the proxy's (undefined for direct). */
  pid?: number | undefined;
}

export interface Measured {
  value: number;
  /** Work done, in the unit CPU is divided by (bytes → per GB, requests → per request). */
  work: number;
  p50?: number;
  p99?: number;
  errors: number;
}

export interface Scenario {
  name: string;
  unit: string;
  /** How CPU is shown: per GB of bytes moved, or µs per unit of work. */
  cpu: 'per-GB' | 'us-per-unit';
  paths: Path[];
  /** Runs once, unmeasured, before the first round (JIT, pools, socket buffers). */
  warmUp?: (path: Path) => Promise<void> | void;
  run: (path: Path) => Promise<Measured> | Measured;
}

export interface Result extends Measured {
  scenario: string;
  path: string;
  /** Proxy CPU (user + system) in seconds over the run. */
  cpuSeconds: number | undefined;
  faults: number | undefined;
  round: number;
}

export interface Goal {
  scenario: string;
  /** `value` ratios (higher is better) or `p99` ratios (lower is better). */
  metric: 'value' | 'p99';
  against: string;
  /** value: berth/against >= bound; p99: berth/against <= bound. */
  bound: number;
  text: string;
}

export async function runRounds(scenarios: Scenario[], rounds: number): Promise<Result[]> {
  const results: Result[] = [];
  for (const s of scenarios) for (const p of s.paths) await s.warmUp?.(p);
  for (let round = 0; round < rounds; round++) {
    for (const s of scenarios) {
      // Rotate the order each round so no path always runs first or last.
      const order = s.paths.map((_, i) => s.paths[(i + round) % s.paths.length]!);
      for (const p of order) {
        const before = treeStat(p.pid);
        const m = await s.run(p);
        const after = treeStat(p.pid);
        const r: Result = {
          ...m,
          scenario: s.name,
          path: p.name,
          round,
          cpuSeconds: before && after ? (after.ticks - before.ticks) / 100 : undefined,
          faults: before && after ? after.minorFaults - before.minorFaults : undefined,
        };
        results.push(r);
        console.error(`round ${round + 1}/${rounds} ${s.name} ${p.name}: ${fmt(r.value, s.unit)} ${s.unit}${r.p99 !== undefined ? `, p99 ${r.p99.toFixed(2)} ms` : ''}${r.errors ? `, errors ${r.errors}` : ''}, load ${loadavg()[0]!.toFixed(1)}`);
      }
    }
  }
  return results;
}

export function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return '-';
  return unit === 'Gbit/s' ? v.toFixed(2) : Math.round(v).toLocaleString('en-US');
}

/** Per-round ratio of `path` to `against` for a metric, then the median over rounds. */
export function ratio(results: Result[], scenario: string, path: string, against: string, metric: 'value' | 'p99' = 'value'): number {
  const rounds = [...new Set(results.map((r) => r.round))];
  return median(
    rounds.map((round) => {
      const a = results.find((r) => r.round === round && r.scenario === scenario && r.path === path);
      const b = results.find((r) => r.round === round && r.scenario === scenario && r.path === against);
      return a && b ? (a[metric] ?? NaN) / (b[metric] ?? NaN) : NaN;
    }),
  );
}

export function report(title: string, scenarios: Scenario[], results: Result[], goals: Goal[]): { pass: boolean; summary: unknown } {
  console.log(`\n${title}`);
  console.log(`node ${process.version}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; medians over rounds, ratios taken within a round`);
  const summary: Record<string, unknown>[] = [];
  for (const s of scenarios) {
    console.log(`\n${s.name} (${s.unit})`);
    console.log(`${'path'.padEnd(22)} ${'value'.padStart(10)} ${'× direct'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  ${'proxy CPU'.padEnd(16)} ${'faults/MB'.padStart(9)} errors`);
    const hasDirect = s.paths.some((p) => p.name === 'direct');
    for (const p of s.paths) {
      const mine = results.filter((r) => r.scenario === s.name && r.path === p.name);
      const value = median(mine.map((r) => r.value));
      const p50 = median(mine.map((r) => r.p50 ?? NaN));
      const p99 = median(mine.map((r) => r.p99 ?? NaN));
      const cpuPer = median(mine.map((r) => (r.cpuSeconds === undefined ? NaN : s.cpu === 'per-GB' ? r.cpuSeconds / (r.work / 1024 ** 3) : (r.cpuSeconds * 1e6) / r.work)));
      const faultsPerMb = s.cpu === 'per-GB' ? median(mine.map((r) => (r.faults === undefined ? NaN : r.faults / (r.work / 1024 ** 2)))) : NaN;
      const errors = mine.reduce((n, r) => n + r.errors, 0);
      const x = hasDirect ? ratio(results, s.name, p.name, 'direct') : NaN;
      const cpuText = Number.isFinite(cpuPer) ? (s.cpu === 'per-GB' ? `${cpuPer.toFixed(2)} s/GB` : `${cpuPer.toFixed(1)} µs/${s.unit.replace(/\/s$/, '')}`) : '-';
      console.log(
        `${p.name.padEnd(22)} ${fmt(value, s.unit).padStart(10)} ${(Number.isFinite(x) ? x.toFixed(2) : '-').padStart(9)} ${(Number.isFinite(p50) ? p50.toFixed(2) : '-').padStart(8)} ${(Number.isFinite(p99) ? p99.toFixed(2) : '-').padStart(8)}  ${cpuText.padEnd(16)} ${(Number.isFinite(faultsPerMb) ? faultsPerMb.toFixed(1) : '-').padStart(9)} ${errors || ''}`,
      );
      summary.push({ scenario: s.name, path: p.name, unit: s.unit, value, xDirect: x, p50, p99, cpuPer, faultsPerMb, errors });
    }
  }
  console.log('\nGoals (berth up against the anchors, same run):');
  let pass = true;
  for (const g of goals) {
    const r = ratio(results, g.scenario, 'berth', g.against, g.metric);
    const ok = Number.isFinite(r) && (g.metric === 'value' ? r >= g.bound : r <= g.bound);
    if (!Number.isFinite(r)) {
      console.log(`SKIP ${g.text}: no ${g.against} in this run`);
      continue;
    }
    pass &&= ok;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${g.text}: ${r.toFixed(2)}× ${g.against}${g.metric === 'p99' ? ' (p99)' : ''} (goal ${g.metric === 'value' ? '≥' : '≤'} ${g.bound})`);
  }
  return { pass, summary };
}
