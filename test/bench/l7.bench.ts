// L7 benchmark of the real `berth up` (an HTTP listener from a berth.yaml with a host + path rule,
// defaults on: traffic records, header capture, control API, discovery) beside Caddy, nginx, HAProxy
// and a bare undici dispatch() proxy, each alone on core 1; the origin (nginx, 13-byte body) and wrk
// on core 0. Keep-alive requests/s and latency at --connections (50), small body.
//   npm run bench:l7 -- [--rounds 3] [--duration 10] [--connections 50] [--rules10k] [--json FILE] [--profile DIR]
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
  nginxConfig,
  pinSelf,
  report,
  runRounds,
  startBerthUp,
  startCaddy,
  startHaproxy,
  startNginx,
  startRole,
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
const HOST = 'app.bench.localhost';
const PATH = '/api/items';

pinSelf();
const ws = new Workspace();
const originPort = await freePort();
startNginx(ws, 'nginx-origin', LOAD_CORE, nginxConfig(ws, { originOnly: originPort }));
await waitForPort(originPort, 'nginx origin');

const berthPort = await freePort();
const berth10kPort = args.rules10k ? await freePort() : undefined;
const rule = (i: number, host: string, path: string) => `          - { priority: ${i}, conditions: { hostHeader: ["${host}"], pathPattern: ["${path}"] }, action: { forward: web } }`;
const yaml = [
  'loadBalancers:',
  '  - name: bench',
  '    listeners:',
  `      - port: ${berthPort}`,
  '        protocol: HTTP',
  '        defaultAction: { fixedResponse: { statusCode: 404 } }',
  '        rules:',
  rule(1, HOST, '/api/*'),
  ...(berth10kPort
    ? [`      - port: ${berth10kPort}`, '        protocol: HTTP', '        defaultAction: { fixedResponse: { statusCode: 404 } }', '        rules:', ...Array.from({ length: 10_000 }, (_, i) => rule(i + 1, `h${i}.bench.localhost`, `/api/v${i % 10}/*`))]
    : []),
  'targetGroups:',
  `  - { name: web, protocol: HTTP, targets: { static: ["127.0.0.1:${originPort}"] } }`,
  '',
].join('\n');
const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`] : [];
const berth = await startBerthUp(ws, yaml, [berthPort, ...(berth10kPort ? [berth10kPort] : [])], profile);

interface L7Path extends Path {
  port: number;
  host: string;
  path: string;
}
const paths: L7Path[] = [
  { name: 'direct', port: originPort, host: HOST, path: PATH },
  { name: 'berth', pid: berth.pid, port: berthPort, host: HOST, path: PATH },
];
if (berth10kPort) paths.push({ name: 'berth, 10,000 rules', pid: berth.pid, port: berth10kPort, host: 'h9999.bench.localhost', path: '/api/v9/items' });
const anchor = async (name: string, start: (port: number) => { pid?: number | undefined }) => {
  const port = await freePort();
  const child = start(port);
  await waitForPort(port, name);
  paths.push({ name, pid: child.pid, port, host: HOST, path: PATH });
};
if (hasCommand('caddy')) await anchor('caddy', (port) => startCaddy(ws, caddyfile({ http: { origin: originPort, http: port } })));
if (hasCommand('nginx')) await anchor('nginx', (port) => startNginx(ws, 'nginx', PROXY_CORE, nginxConfig(ws, { http: { origin: originPort, http: port } })));
if (hasCommand('haproxy')) await anchor('haproxy', (port) => startHaproxy(ws, haproxyConfig({ http: { origin: originPort, http: port } })));
const undiciPort = await freePort();
const undici = await startRole(ws, 'undici', PROXY_CORE, 'l7-processes.ts', ['undici', String(undiciPort), String(originPort)]);
paths.push({ name: 'undici (bare)', pid: undici.pid, port: undiciPort, host: HOST, path: PATH });

const url = (p: Path) => `http://127.0.0.1:${(p as L7Path).port}${(p as L7Path).path}`;
const scenario: Scenario = {
  name: `HTTP keep-alive (wrk -t1 -c${connections}, 13-byte body)`,
  unit: 'req/s',
  cpu: 'us-per-unit',
  paths,
  warmUp: (p) => void wrk(url(p), 2, connections, { host: (p as L7Path).host }),
  run: (p) => {
    const r = wrk(url(p), duration, connections, { host: (p as L7Path).host });
    return { value: r.rps, work: r.requests, p50: r.p50, p99: r.p99, errors: r.errors };
  },
};
const goals: Goal[] = [
  { scenario: scenario.name, metric: 'value', against: 'caddy', bound: 1.3, text: 'HTTP keep-alive req/s ≥ 1.3× Caddy' },
  { scenario: scenario.name, metric: 'value', against: 'undici (bare)', bound: 1.0, text: 'HTTP keep-alive req/s ≥ bare undici' },
  { scenario: scenario.name, metric: 'p99', against: 'caddy', bound: 1.0, text: `HTTP p99 at c=${connections} ≤ Caddy's` },
];

let outcome: { pass: boolean; summary: unknown } | undefined;
try {
  const results = await runRounds([scenario], rounds);
  outcome = report(`L7 benchmark: berth up (HTTP listener, host + path rule, defaults on) and anchors each alone on core ${PROXY_CORE}; nginx origin and wrk on core ${LOAD_CORE}; ${rounds} rounds of ${duration} s`, [scenario], results, goals);
  if (args.json) writeFileSync(args.json, JSON.stringify({ node: process.version, rounds, duration, connections, results, summary: outcome.summary }, null, 2));
} finally {
  await ws.stopAll();
}
if (outcome && !outcome.pass) process.exitCode = 1;
