// Live-traffic benchmark: proxy requests/s through Berth with traffic recording on vs off; then, with
// recording on and the real control server, saturating wrk runs with and without one slow WebSocket
// subscriber on /api/events (it authenticates, then stops reading), and a paced run (default
// 2,000 requests/s for 60 s) with that subscriber, Berth's RSS sampled every second and measured
// after GC before and after. The target runs on core 0 and Berth on core 1 (taskset), wrk and the
// pacer unpinned, as in bench:l7.
//   npm run bench:traffic -- [--duration 10] [--rounds 3] [--connections 32] [--paced 60] [--rate 2000] [--json FILE]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { freePort } from '../helpers/free-port.js';
import { Processes, QUIET_CORES, cpuTicks, hasTaskset, machineBusyTicks, median, parseArgs, selfAndChildrenTicks, stop, wrk as wrkFor } from './bench-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = parseArgs(process.argv.slice(2));
const duration = Number(args.duration ?? 10);
const rounds = Number(args.rounds ?? 3);
const connections = Number(args.connections ?? 32);
const pacedSeconds = Number(args.paced ?? 60);
const rate = Number(args.rate ?? 2000);
if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed (Debian: apt-get install wrk)');
  process.exit(1);
}
const HOST = 'app.bench.localhost';
const PATH = '/api/v9/items';
/** Seconds of paced load without a subscriber before the "before" memory measurement. */
const PACED_WARMUP_S = 10;

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU (in cores) used on the machine by anything but the benchmark during the run. */
  foreignCores: number;
  /** Records skipped for the slow subscriber during the run, when there was one. */
  dropped?: number;
}
interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  gc: boolean;
}
interface StreamsReply {
  open: { label: string; bufferedAmount: number; delivered: number; dropped: number }[];
  closedBehind: number;
  traffic?: { recording: boolean; capacity: number; stored: number };
}
interface PacerResult {
  rate: number;
  seconds: number;
  sent: number;
  completed: number;
  errors: number;
  non2xx: number;
  perSecond: number[];
  p50: number;
  p99: number;
}

const processes = new Processes();
const children = processes.all;
const startProcess = (core: string, script: string, roleArgs: string[], nodeFlags: string[] = []) => processes.start(core, script, roleArgs, { nodeFlags, ipc: true });
const wrk = (url: string, seconds: number, conns: number) => wrkFor(url, HOST, seconds, conns);

const recording: { on: Run; off: Run }[] = [];
const subscriber: { without: Run; with: Run; dropped: number }[] = [];
let paced: { result: PacerResult; before: Memory; after: Memory; rss: number[]; buffered: number[]; dropped: number; reconnects: number; closedBehind: number; foreignCores: number } | undefined;

try {
  const targetPort = await freePort();
  const target = (await startProcess('0', 'l7-processes.ts', ['target', String(targetPort)])).child;

  // 1. Recording on vs off, the order swapped every round so that drift hits both alike.
  for (let round = 0; round < rounds; round++) {
    const pair: Partial<Record<'on' | 'off', Run>> = {};
    for (const mode of round % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const port = await freePort();
      const berth = await startProcess('1', 'traffic-processes.ts', ['berth', String(port), String(targetPort), mode], ['--expose-gc']);
      const url = `http://127.0.0.1:${port}${PATH}`;
      wrk(url, 3, connections); // warm-up: JIT, pools, keep-alive connections, the ring filled
      pair[mode] = await measureQuiet(url, [target, berth.child]);
      console.error(`round ${round + 1}/${rounds} recording ${mode}: ${Math.round(pair[mode].rps)} req/s, other load ${pair[mode].foreignCores.toFixed(2)} cores`);
      await stop(berth.child);
    }
    recording.push(pair as { on: Run; off: Run });
  }

  // 2. One Berth with recording on and its control server for the rest.
  const port = await freePort();
  const berth = await startProcess('1', 'traffic-processes.ts', ['berth', String(port), String(targetPort), 'on'], ['--expose-gc']);
  const [controlUrl, token] = berth.ready.split(' ').slice(1) as [string, string];
  const url = `http://127.0.0.1:${port}${PATH}`;
  wrk(url, 5, connections); // warm-up that also fills the ring, so "before" already holds a full recorder
  // Each attempt gets a fresh slow subscriber, filled until it is behind: until its kernel buffers
  // and Berth's queue limit are full it still gets batches, and the comparison is about the steady
  // state where it is behind (and not yet closed for staying behind 30 s).
  let slowNow: { ws: WebSocket; label: string } | undefined;
  const slowAround = {
    before: async () => {
      const slow = (slowNow = await slowSubscriber(controlUrl, token));
      for (let i = 0; i < 5 && !((await streams(berth.child)).open.find((s) => s.label === slow.label)?.dropped ?? 0); i++) wrk(url, 2, connections);
    },
    after: async (run: Run) => {
      const mine = (await streams(berth.child)).open.find((s) => s.label === slowNow!.label);
      run.dropped = mine?.dropped ?? NaN; // NaN: it was closed during the run
      slowNow!.ws.terminate();
      await waitFor(async () => (await streams(berth.child)).open.length === 0);
    },
  };
  for (let round = 0; round < rounds; round++) {
    // The order swaps every round, as above.
    const first = round % 2 ? await measureQuiet(url, [target, berth.child], slowAround) : undefined;
    const without = await measureQuiet(url, [target, berth.child]);
    const withSlow = first ?? (await measureQuiet(url, [target, berth.child], slowAround));
    const dropped = withSlow.dropped ?? NaN;
    subscriber.push({ without, with: withSlow, dropped });
    console.error(`round ${round + 1}/${rounds} no subscriber ${Math.round(without.rps)} req/s, slow subscriber ${Math.round(withSlow.rps)} req/s (${dropped} records skipped for it), other load ${without.foreignCores.toFixed(2)}/${withSlow.foreignCores.toFixed(2)} cores`);
  }

  // 3. The paced run with one slow subscriber; RSS every second. "Before" is taken after a paced
  // run at the same rate without a subscriber, so both ends are measured in the same regime (a full
  // recorder, the heap sized for that allocation rate); the subscriber's own queue counts as growth.
  // The subscriber is reconnected (and stops reading again) whenever Berth closes it for staying
  // behind, as the dashboard would.
  await startPacer(port, rate, PACED_WARMUP_S, connections).result;
  const before = await gcMemory(berth.child);
  const closedBefore = (await streams(berth.child)).closedBehind;
  let slow = await slowSubscriber(controlUrl, token);
  let reconnects = 0;
  const rss: number[] = [];
  const buffered: number[] = [];
  const droppedOf = new Map<string, number>();
  const ownBefore = (cpuTicks(target) ?? 0) + (cpuTicks(berth.child) ?? 0) + selfAndChildrenTicks();
  const busyBefore = machineBusyTicks();
  const pacer = startPacer(port, rate, pacedSeconds, connections);
  await pacer.started;
  const started = Date.now();
  let reconnecting = false;
  const sample = () => {
    rss.push(rssOf(berth.child));
    void streams(berth.child).then(async (s) => {
      const mine = s.open.find((o) => o.label === slow.label);
      buffered.push(mine?.bufferedAmount ?? 0);
      for (const o of s.open) droppedOf.set(o.label, o.dropped);
      if (!mine && !reconnecting && Date.now() - started < pacedSeconds * 1000 - 2000) {
        reconnecting = true;
        slow.ws.terminate();
        slow = await slowSubscriber(controlUrl, token);
        reconnects++;
        reconnecting = false;
      }
    });
  };
  sample();
  const sampler = setInterval(sample, 1000);
  const result = await pacer.result;
  clearInterval(sampler);
  const own = (cpuTicks(target) ?? 0) + (cpuTicks(berth.child) ?? 0) + selfAndChildrenTicks() - ownBefore;
  const foreignCores = Math.max(0, machineBusyTicks() - busyBefore - own) / (100 * ((Date.now() - started) / 1000));
  const last = await streams(berth.child);
  for (const o of last.open) droppedOf.set(o.label, o.dropped);
  const after = await gcMemory(berth.child);
  slow.ws.terminate();
  paced = { result, before, after, rss, buffered, dropped: [...droppedOf.values()].reduce((a, b) => a + b, 0), reconnects, closedBehind: last.closedBehind - closedBefore, foreignCores };
} finally {
  for (const c of children) await stop(c);
}

report();
process.exit(0);

function report() {
  const mb = (bytes: number) => (bytes / (1 << 20)).toFixed(1);
  const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;
  console.log(`\nTraffic benchmark: wrk -t1 -c${connections}, ${duration} s per run, ${rounds} round(s), least disturbed of up to 3 attempts per run; target on core 0, Berth on core 1${hasTaskset ? '' : ' (taskset missing: unpinned)'}, wrk and the pacer unpinned; node ${process.version}`);

  console.log('\nRecording on vs off (no subscriber)          req/s on   req/s off   on/off  | other load on/off');
  recording.forEach((r, i) => console.log(`  round ${i + 1}                                   ${fmt(r.on.rps)}   ${fmt(r.off.rps)}    ${(r.on.rps / r.off.rps).toFixed(3)}  | ${r.on.foreignCores.toFixed(2)} / ${r.off.foreignCores.toFixed(2)} cores${r.on.errors + r.off.errors ? `  errors ${r.on.errors + r.off.errors}` : ''}`));
  const recRatio = median(recording.map((r) => r.on.rps / r.off.rps));
  console.log(`  median: recording on costs ${pct(recRatio)} of the throughput without it (on ${fmt(median(recording.map((r) => r.on.rps)))}, off ${fmt(median(recording.map((r) => r.off.rps)))} req/s)`);

  console.log('\nSlow WebSocket subscriber (recording on)     req/s none  req/s slow  slow/none | records skipped | other load none/slow');
  subscriber.forEach((s, i) => console.log(`  round ${i + 1}                                   ${fmt(s.without.rps)}   ${fmt(s.with.rps)}     ${(s.with.rps / s.without.rps).toFixed(3)} | ${String(s.dropped).padStart(15)} | ${s.without.foreignCores.toFixed(2)} / ${s.with.foreignCores.toFixed(2)} cores${s.without.errors + s.with.errors ? `  errors ${s.without.errors + s.with.errors}` : ''}`));
  const subRatio = median(subscriber.map((s) => s.with.rps / s.without.rps));

  if (paced) {
    const { result, before, after, rss, buffered } = paced;
    const achieved = result.perSecond.slice(1, -1);
    console.log(`\nPaced run: ${result.rate} req/s offered for ${result.seconds} s with one slow subscriber; other load ${paced.foreignCores.toFixed(2)} cores`);
    console.log(`  completed ${result.completed} of ${result.sent} sent (${(result.completed / result.seconds).toFixed(0)} req/s; per second min ${Math.min(...achieved)}, max ${Math.max(...achieved)}), errors ${result.errors}, non-2xx ${result.non2xx}, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
    console.log(`  slow subscriber: ${paced.dropped} records skipped, closed for staying behind ${paced.closedBehind}×, reconnected ${paced.reconnects}×; Berth's queue for it peaked at ${mb(Math.max(0, ...buffered))} MB`);
    console.log(`  Berth RSS each second (MB)  ${sparkline(rss)}  min ${mb(Math.min(...rss))}, max ${mb(Math.max(...rss))}`);
    for (let i = 0; i < rss.length; i += 10) console.log(`    ${String(i).padStart(3)} s  ${rss.slice(i, i + 10).map((v) => mb(v).padStart(6)).join('')}`);
    console.log(`  after GC: before ${mb(before.rss)} MB RSS (heap ${mb(before.heapUsed)} MB), after ${mb(after.rss)} MB RSS (heap ${mb(after.heapUsed)} MB)${before.gc ? '' : ' (gc unavailable: not run with --expose-gc)'}`);
    if (result.completed / result.seconds < 0.98 * result.rate) console.log(`  NOTE: the paced rate was not reached (${(result.completed / result.seconds).toFixed(0)} of ${result.rate} req/s): the figures below are for that lower rate`);
    const rssRatio = after.rss / before.rss;
    console.log(`\n${Math.abs(rssRatio - 1) <= 0.1 ? 'PASS' : 'FAIL'} RSS after the paced run within 10 % of before (after GC): ${pct(rssRatio)} (heap ${pct(after.heapUsed / before.heapUsed)})`);
  }
  console.log(`${subRatio >= 0.95 ? 'PASS' : 'FAIL'} throughput with the slow subscriber within 5 % of none: ${pct(subRatio)} (median of ${subscriber.length})`);
  console.log(`(recording on vs off: ${pct(recRatio)}; no target set)`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ connections, duration, rounds, node: process.version, pinned: hasTaskset, recording, subscriber, paced }, null, 2));
}

function fmt(rps: number): string {
  return Math.round(rps).toString().padStart(9);
}

function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => bars[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (bars.length - 1))]).join('');
}


/** A saturating wrk run, repeated (twice at most) while other work disturbed it; the least disturbed is kept. */
async function measureQuiet(url: string, own: ChildProcess[], around?: { before(): Promise<void>; after(run: Run): Promise<void> }): Promise<Run> {
  let best: Run | undefined;
  for (let attempt = 0; attempt < 3 && (best === undefined || best.foreignCores > QUIET_CORES); attempt++) {
    await around?.before();
    const ownBefore = own.reduce((sum, c) => sum + (cpuTicks(c) ?? 0), 0) + selfAndChildrenTicks();
    const busyBefore = machineBusyTicks();
    const load = wrk(url, duration, connections);
    const ownTicks = own.reduce((sum, c) => sum + (cpuTicks(c) ?? 0), 0) + selfAndChildrenTicks() - ownBefore;
    const run: Run = { ...load, foreignCores: Math.max(0, machineBusyTicks() - busyBefore - ownTicks) / (100 * duration) };
    await around?.after(run);
    if (best === undefined || run.foreignCores < best.foreignCores) best = run;
  }
  return best!;
}



/** A subscriber that authenticates, takes the first message, and then stops reading its socket. */
async function slowSubscriber(controlUrl: string, token: string): Promise<{ ws: WebSocket; label: string }> {
  const ws = new WebSocket(`${controlUrl.replace(/^http/, 'ws')}/api/events`);
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  const first = new Promise((ok) => ws.once('message', ok));
  ws.send(JSON.stringify({ token }));
  await first;
  ws.pause();
  ws.on('error', () => undefined);
  return { ws, label: `events 127.0.0.1:${(ws as unknown as { _socket: { localPort: number } })._socket.localPort}` };
}

function ask<T>(child: ChildProcess, type: string, replyType: string): Promise<T> {
  return new Promise((ok) => {
    const on = (msg: { type: string }) => {
      if (msg.type !== replyType) return;
      child.off('message', on);
      ok(msg as T);
    };
    child.on('message', on);
    child.send({ type });
  });
}

function streams(child: ChildProcess): Promise<StreamsReply> {
  return ask<StreamsReply>(child, 'streams', 'streams');
}

async function gcMemory(child: ChildProcess): Promise<Memory> {
  await new Promise((r) => setTimeout(r, 500)); // let in-flight batches and sockets settle
  return ask<Memory>(child, 'gc', 'memory');
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for Berth');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resident set size of a process in bytes, from /proc. */
function rssOf(child: ChildProcess): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}





/** The paced client in its own (unpinned) process: `started` once it sends, `result` once it has exited. */
function startPacer(port: number, requestsPerSecond: number, seconds: number, conns: number): { started: Promise<void>; result: Promise<PacerResult> } {
  const child = spawn(process.execPath, [join(root, 'bin/run-ts.js'), join(here, 'traffic-processes.ts'), 'pacer', String(port), String(requestsPerSecond), String(seconds), String(conns)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  let onStart: () => void = () => undefined;
  const started = new Promise<void>((ok) => (onStart = ok));
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    out += chunk;
    if (out.includes('started')) onStart();
  });
  const result = new Promise<PacerResult>((ok, fail) =>
    child.once('exit', (code) => {
      onStart();
      const line = out.split('\n').find((l) => l.startsWith('result '));
      if (code !== 0 || !line) return fail(new Error(`the pacer exited with ${code}: ${out}`));
      ok(JSON.parse(line.slice('result '.length)) as PacerResult);
    }),
  );
  return { started, result };
}


