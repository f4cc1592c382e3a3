// L4 benchmark of the real `berth up` (TCP and UDP listeners from a berth.yaml, defaults on) beside
// HAProxy, nginx (stream) and a bare Node pipe() forwarder, each alone on core 1; origins and load on
// core 0. TCP bulk with iperf3 (one stream) and with this script's own client, TCP new connections/s
// (wrk, Connection: close, through the TCP listeners to an nginx origin), UDP packets/s.
//   npm run bench:l4 -- [--rounds 3] [--duration 5] [--connections 50] [--bulk-gb 2]
//                       [--only iperf3,tcp-bulk,tcp-connections,udp] [--json FILE] [--profile DIR]
//                       [--stream-path]   (also a second berth up with BERTH_TCP_RELAY=stream: pipe() instead of the relay)
import type { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { resolve } from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { parseArgs } from './bench-support.js';
import {
  LOAD_CORE,
  PROXY_CORE,
  Workspace,
  haproxyConfig,
  hasCommand,
  iperf3,
  nginxConfig,
  pinSelf,
  report,
  runRounds,
  startBerthUp,
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
const duration = Number(args.duration ?? 5);
const connections = Number(args.connections ?? 50);
const bulkBytes = Number(args['bulk-gb'] ?? 2) * 1024 ** 3;
const only = args.only?.split(',');
const want = (name: string) => !only || only.includes(name);

pinSelf();
const ws = new Workspace();
const port = () => freePort();
const haveIperf = hasCommand('iperf3');
const haveHaproxy = hasCommand('haproxy');
const haveNginx = hasCommand('nginx');

// Origins on the load core.
const origin = { iperf: await port(), sink: await port(), http: await port(), udp: await freePort('udp') };
const children: Record<string, ChildProcess> = {};
if (want('iperf3') && haveIperf) {
  children.iperf = ws.spawn('iperf3-server', LOAD_CORE, 'iperf3', ['-s', '-B', '127.0.0.1', '-p', String(origin.iperf)]);
  await waitForPort(origin.iperf, 'iperf3 -s');
}
if (want('tcp-bulk')) await startRole(ws, 'tcp-sink', LOAD_CORE, 'l4-processes.ts', ['tcp-sink', String(origin.sink)]);
if (want('tcp-connections')) {
  startNginx(ws, 'nginx-origin', LOAD_CORE, nginxConfig(ws, { originOnly: origin.http }));
  await waitForPort(origin.http, 'nginx origin');
}
if (want('udp')) await startRole(ws, 'udp-echo', LOAD_CORE, 'l4-processes.ts', ['udp-echo', String(origin.udp)]);

// Front ports per proxy.
const fronts = async () => ({ iperf: await port(), sink: await port(), http: await port(), udp: await freePort('udp') });
const berthPorts = await fronts();
const haproxyPorts = await fronts();
const nginxPorts = await fronts();
const pipePorts = { iperf: await port(), http: await port() };

const yaml = [
  'loadBalancers:',
  '  - name: bench',
  '    type: network',
  '    listeners:',
  `      - { port: ${berthPorts.iperf}, protocol: TCP, defaultAction: { forward: iperf } }`,
  `      - { port: ${berthPorts.sink}, protocol: TCP, defaultAction: { forward: sink } }`,
  `      - { port: ${berthPorts.http}, protocol: TCP, defaultAction: { forward: web } }`,
  `      - { port: ${berthPorts.udp}, protocol: UDP, defaultAction: { forward: echo } }`,
  'targetGroups:',
  `  - { name: iperf, protocol: TCP, targets: { static: ["127.0.0.1:${origin.iperf}"] } }`,
  `  - { name: sink, protocol: TCP, targets: { static: ["127.0.0.1:${origin.sink}"] } }`,
  `  - { name: web, protocol: TCP, targets: { static: ["127.0.0.1:${origin.http}"] } }`,
  // A UDP echo has no TCP port for the default TCP health check to reach.
  `  - { name: echo, protocol: UDP, healthCheck: { enabled: false }, targets: { static: ["127.0.0.1:${origin.udp}"] } }`,
  '',
].join('\n');
const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`] : [];
const berth = await startBerthUp(ws, yaml, [berthPorts.iperf, berthPorts.sink, berthPorts.http], profile);

const streamPorts = args['stream-path'] ? { iperf: await port(), sink: await port(), http: await port() } : undefined;
const streamBerth = streamPorts
  ? await startBerthUp(
      ws,
      yaml
        .replace(`port: ${berthPorts.iperf},`, `port: ${streamPorts.iperf},`)
        .replace(`port: ${berthPorts.sink},`, `port: ${streamPorts.sink},`)
        .replace(`port: ${berthPorts.http},`, `port: ${streamPorts.http},`)
        .replace(/^ {6}- \{ port: \d+, protocol: UDP.*\n/m, ''),
      [streamPorts.iperf, streamPorts.sink, streamPorts.http],
      [],
      { name: 'berth-stream', env: { BERTH_TCP_RELAY: 'stream' } },
    )
  : undefined;

const tcpPairs = (p: typeof berthPorts) => [
  { port: p.iperf, origin: origin.iperf },
  { port: p.sink, origin: origin.sink },
  { port: p.http, origin: origin.http },
];
if (haveHaproxy) {
  children.haproxy = startHaproxy(ws, haproxyConfig({ tcp: tcpPairs(haproxyPorts) }));
  await waitForPort(haproxyPorts.http, 'haproxy');
}
if (haveNginx) {
  children.nginx = startNginx(ws, 'nginx', PROXY_CORE, nginxConfig(ws, { tcp: tcpPairs(nginxPorts), udp: [{ port: nginxPorts.udp, origin: origin.udp }] }));
  await waitForPort(nginxPorts.http, 'nginx');
}
children.pipeIperf = await startRole(ws, 'pipe-iperf', PROXY_CORE, 'l4-processes.ts', ['tcp-pipe', String(pipePorts.iperf), String(origin.iperf)]);
children.pipeHttp = await startRole(ws, 'pipe-http', PROXY_CORE, 'l4-processes.ts', ['tcp-pipe', String(pipePorts.http), String(origin.http)]);

type Key = 'iperf' | 'sink' | 'http' | 'udp';
interface L4Path extends Path {
  ports: Partial<Record<Key, number>>;
}
const direct: L4Path = { name: 'direct', ports: origin };
const berthPath: L4Path = { name: 'berth', pid: berth.pid, ports: berthPorts };
const haproxyPath: L4Path | undefined = haveHaproxy ? { name: 'haproxy', pid: children.haproxy!.pid, ports: { iperf: haproxyPorts.iperf, sink: haproxyPorts.sink, http: haproxyPorts.http } } : undefined;
const nginxPath: L4Path | undefined = haveNginx ? { name: 'nginx', pid: children.nginx!.pid, ports: nginxPorts } : undefined;
const pipeIperf: L4Path = { name: 'node pipe()', pid: children.pipeIperf.pid, ports: { iperf: pipePorts.iperf } };
const pipeHttp: L4Path = { name: 'node pipe()', pid: children.pipeHttp.pid, ports: { http: pipePorts.http } };
const streamPath: L4Path | undefined = streamPorts ? { name: 'berth, stream path', pid: streamBerth!.pid, ports: streamPorts } : undefined;
const paths = (key: Key, extra: L4Path[] = []) => [direct, berthPath, streamPath, haproxyPath, nginxPath, ...extra].filter((p): p is L4Path => p !== undefined && p.ports[key] !== undefined);
const portOf = (p: Path, key: Key) => (p as L4Path).ports[key]!;

const scenarios: Scenario[] = [];
if (want('iperf3') && haveIperf) {
  scenarios.push({
    name: 'TCP bulk, iperf3 (one stream)',
    unit: 'Gbit/s',
    cpu: 'per-GB',
    paths: paths('iperf', [pipeIperf]),
    warmUp: (p) => void iperf3(portOf(p, 'iperf'), 1),
    run: (p) => {
      const r = iperf3(portOf(p, 'iperf'), duration);
      return { value: r.gbps, work: r.bytes, errors: 0 };
    },
  });
}
if (want('tcp-bulk')) {
  scenarios.push({
    name: `TCP bulk, own client (256 KB writes, ${bulkBytes / 1024 ** 3} GB)`,
    unit: 'Gbit/s',
    cpu: 'per-GB',
    paths: paths('sink'),
    warmUp: async (p) => void (await tcpBulk(portOf(p, 'sink'), 256 * 1024 ** 2, 2)),
    run: (p) => tcpBulk(portOf(p, 'sink'), bulkBytes, duration * 2),
  });
}
if (want('tcp-connections')) {
  scenarios.push({
    name: `TCP new connections (wrk -c${connections}, Connection: close, HTTP origin)`,
    unit: 'conn/s',
    cpu: 'us-per-unit',
    paths: paths('http', [pipeHttp]),
    warmUp: (p) => void wrk(`http://127.0.0.1:${portOf(p, 'http')}/`, 1, connections, { close: true }),
    run: (p) => {
      const r = wrk(`http://127.0.0.1:${portOf(p, 'http')}/`, duration, connections, { close: true });
      return { value: r.rps, work: r.requests, p50: r.p50, p99: r.p99, errors: r.errors };
    },
  });
}
if (want('udp')) {
  scenarios.push({
    name: 'UDP, 8 flows × 32 datagrams of 64 B in flight (replies/s)',
    unit: 'packets/s',
    cpu: 'us-per-unit',
    paths: paths('udp'),
    warmUp: async (p) => void (await udpPackets(portOf(p, 'udp'), 1, 8, 32)),
    run: (p) => udpPackets(portOf(p, 'udp'), duration, 8, 32),
  });
}

const goals = ([
  { scenario: 'TCP bulk, iperf3 (one stream)', metric: 'value', against: 'direct', bound: 0.45, text: 'TCP bulk (iperf3) ≥ 0.45× direct' },
  { scenario: 'TCP bulk, iperf3 (one stream)', metric: 'value', against: 'haproxy', bound: 1.0, text: 'TCP bulk (iperf3) ≥ HAProxy' },
  { scenario: scenarios.find((s) => s.name.startsWith('TCP new'))?.name ?? '', metric: 'value', against: 'haproxy', bound: 0.6, text: 'TCP new connections/s ≥ 0.6× HAProxy' },
  { scenario: scenarios.find((s) => s.name.startsWith('UDP'))?.name ?? '', metric: 'value', against: 'direct', bound: 0.5, text: 'UDP packets/s ≥ 0.5× direct' },
] as Goal[]).filter((g) => scenarios.some((s) => s.name === g.scenario));

let outcome: { pass: boolean; summary: unknown } | undefined;
try {
  const results = await runRounds(scenarios, rounds);
  outcome = report(`L4 benchmark: berth up (TCP/UDP listeners, defaults on) and anchors each alone on core ${PROXY_CORE}; origins and load on core ${LOAD_CORE}; ${rounds} rounds of ${duration} s`, scenarios, results, goals);
  if (args.json) writeFileSync(args.json, JSON.stringify({ node: process.version, rounds, duration, connections, results, summary: outcome.summary }, null, 2));
} finally {
  await ws.stopAll();
}
if (outcome && !outcome.pass) process.exitCode = 1;

/** One connection writing `limit` bytes (or for `maxSeconds`); the sink answers how many it got. */
function tcpBulk(port: number, limit: number, maxSeconds: number): Promise<{ value: number; work: number; errors: number }> {
  return new Promise((resolveLoad, reject) => {
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let started = 0;
    let sent = 0;
    let answer = '';
    const pump = () => {
      const deadline = started + maxSeconds * 1000;
      while (sent < limit && performance.now() < deadline) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    socket.once('connect', () => {
      started = performance.now();
      pump();
    });
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => {
      const seconds = (performance.now() - started) / 1000;
      const bytes = Number(answer);
      socket.destroy();
      resolveLoad({ value: (bytes * 8) / seconds / 1e9, work: bytes, errors: bytes >= sent ? 0 : 1 });
    });
    socket.on('error', reject);
  });
}

/** `sockets` connected client sockets (one flow each), `window` datagrams in flight each; counts replies. */
async function udpPackets(port: number, seconds: number, sockets: number, window: number): Promise<{ value: number; work: number; errors: number }> {
  const payload = Buffer.alloc(64, 0x63);
  let running = true;
  let replies = 0;
  const clients = await Promise.all(
    Array.from({ length: sockets }, async () => {
      const socket = dgram.createSocket('udp4');
      socket.on('error', () => undefined);
      await new Promise<void>((ok) => socket.connect(port, '127.0.0.1', ok));
      const state = { socket, inFlight: 0, seen: 0, lastSeen: -1 };
      socket.on('message', () => {
        replies++;
        state.seen++;
        state.inFlight--;
        if (running) {
          state.inFlight++;
          socket.send(payload);
        }
      });
      return state;
    }),
  );
  const fill = (c: (typeof clients)[number]) => {
    while (c.inFlight < window) {
      c.inFlight++;
      c.socket.send(payload);
    }
  };
  clients.forEach(fill);
  // Datagrams lost on a full buffer never come back: a socket with no reply for a tick starts over.
  const refill = setInterval(() => {
    for (const c of clients) {
      if (c.seen === c.lastSeen) {
        c.inFlight = 0;
        fill(c);
      }
      c.lastSeen = c.seen;
    }
  }, 50);
  const started = performance.now();
  const startReplies = replies;
  await new Promise((ok) => setTimeout(ok, seconds * 1000));
  const counted = replies - startReplies;
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  clearInterval(refill);
  await new Promise((ok) => setTimeout(ok, 50));
  for (const c of clients) c.socket.close();
  return { value: counted / elapsed, work: counted * 2, errors: 0 };
}
