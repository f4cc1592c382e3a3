// TLS benchmark of the real `berth up` (an HTTPS listener from a berth.yaml, certificates minted by
// Berth's local CA as by default, ECDSA P-256) beside Caddy, nginx and HAProxy with a P-256
// certificate of their own, each alone on core 1; origin (nginx, plain HTTP) and wrk on core 0.
// HTTPS keep-alive requests/s, and new TLS connections/s (Connection: close: a full handshake each).
// CA creation and first-handshake minting times are in `npm run bench:tls-mint`.
//   npm run bench:tls -- [--rounds 3] [--duration 10] [--connections 50] [--json FILE] [--profile DIR]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { parseArgs } from './bench-support.js';
import {
  LOAD_CORE,
  PROXY_CORE,
  Workspace,
  caddyfile,
  haproxyConfig,
  hasCommand,
  makeCertificate,
  nginxConfig,
  pinSelf,
  report,
  runRounds,
  startBerthUp,
  startCaddy,
  startHaproxy,
  startNginx,
  waitForPort,
  wrk,
  type Goal,
  type Path,
  type Scenario,
} from './side-by-side.js';

const args = parseArgs(process.argv.slice(2));
const rounds = Number(args.rounds ?? 3);
const duration = Number(args.duration ?? 10);
const connections = Number(args.connections ?? 50);

pinSelf();
const ws = new Workspace();
const originPort = await freePort();
startNginx(ws, 'nginx-origin', LOAD_CORE, nginxConfig(ws, { originOnly: originPort }));
await waitForPort(originPort, 'nginx origin');
const certificate = makeCertificate(ws);

const berthPort = await freePort();
const yaml = [
  'loadBalancers:',
  '  - name: bench',
  '    listeners:',
  `      - { port: ${berthPort}, protocol: HTTPS, defaultAction: { forward: web } }`,
  'targetGroups:',
  `  - { name: web, protocol: HTTP, targets: { static: ["127.0.0.1:${originPort}"] } }`,
  '',
].join('\n');
const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`] : [];
const berth = await startBerthUp(ws, yaml, [berthPort], profile);

interface TlsPath extends Path {
  port: number;
}
const paths: TlsPath[] = [{ name: 'berth', pid: berth.pid, port: berthPort }];
const anchor = async (name: string, start: (port: number) => { pid?: number | undefined }) => {
  const port = await freePort();
  const child = start(port);
  await waitForPort(port, name);
  paths.push({ name, pid: child.pid, port });
};
if (hasCommand('caddy')) await anchor('caddy', (port) => startCaddy(ws, caddyfile({ http: { origin: originPort, https: port }, cert: certificate })));
if (hasCommand('nginx')) await anchor('nginx', (port) => startNginx(ws, 'nginx', PROXY_CORE, nginxConfig(ws, { http: { origin: originPort, https: port }, cert: certificate })));
if (hasCommand('haproxy')) await anchor('haproxy', (port) => startHaproxy(ws, haproxyConfig({ http: { origin: originPort, https: port }, pem: certificate.pem })));

// wrk sends the URL's host as SNI; Berth mints a certificate for app.bench.localhost on the first one.
const url = (p: Path) => `https://127.0.0.1:${(p as TlsPath).port}/`;
const HOST = 'app.bench.localhost';
const measure = (close: boolean) => (p: Path) => {
  const r = wrk(url(p), duration, connections, { close, host: HOST });
  return { value: r.rps, work: r.requests, p50: r.p50, p99: r.p99, errors: r.errors };
};
const keepAlive: Scenario = {
  name: `HTTPS keep-alive (wrk -t1 -c${connections})`,
  unit: 'req/s',
  cpu: 'us-per-unit',
  paths,
  warmUp: (p) => void wrk(url(p), 2, connections, { host: HOST }),
  run: measure(false),
};
const handshakes: Scenario = {
  name: `new TLS connections (wrk -t1 -c${connections}, Connection: close, full handshakes)`,
  unit: 'conn/s',
  cpu: 'us-per-unit',
  paths,
  warmUp: (p) => void wrk(url(p), 2, connections, { close: true, host: HOST }),
  run: measure(true),
};
const goals: Goal[] = [
  { scenario: keepAlive.name, metric: 'value', against: 'caddy', bound: 1.0, text: 'HTTPS keep-alive req/s ≥ Caddy' },
  { scenario: handshakes.name, metric: 'value', against: 'caddy', bound: 0.8, text: 'new TLS connections/s ≥ 0.8× Caddy' },
];

let outcome: { pass: boolean; summary: unknown } | undefined;
try {
  const results = await runRounds([keepAlive, handshakes], rounds);
  outcome = report(`TLS benchmark: berth up (HTTPS listener, auto certificate) and anchors each alone on core ${PROXY_CORE}; nginx origin and wrk on core ${LOAD_CORE}; ${rounds} rounds of ${duration} s`, [keepAlive, handshakes], results, goals);
  if (args.json) writeFileSync(args.json, JSON.stringify({ node: process.version, rounds, duration, connections, results, summary: outcome.summary }, null, 2));
} finally {
  await ws.stopAll();
}
if (outcome && !outcome.pass) process.exitCode = 1;
