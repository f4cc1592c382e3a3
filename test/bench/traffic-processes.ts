// The processes the traffic benchmark runs besides l7-processes.ts's target, one role each:
//   berth <listenerPort> <targetPort> on|off   the engine (recording on, or off with capacity 0) and
//                                              the real control server; prints `ready <url> <token>`;
//                                              over IPC: {type:'gc'} → memory after GC,
//                                              {type:'streams'} → the event streams' stats
//   pacer <port> <rate> <seconds> <conns>      a paced HTTP client: <rate> requests/s for <seconds>,
//                                              prints `started`, then `result <json>`
//                                              (per-second completions, latency)
// Each exits on SIGTERM or when its parent goes away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BerthEngine } from '../../main/engine/index.js';
import { startControl } from '../../main/control/index.js';
import { configSchema } from '../../shared/model/index.js';

const [role, ...rest] = process.argv.slice(2);

process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 1000).unref();

if (role === 'berth') {
  const [listenerPort, targetPort, recording] = rest;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-traffic-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const config = configSchema.parse({
    loadBalancers: [{ name: 'bench', listeners: [{ port: Number(listenerPort), protocol: 'HTTP', defaultAction: { forward: { targetGroups: [{ name: 'app' }] } } }] }],
    targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { static: [`127.0.0.1:${targetPort}`] } }],
  });
  // Health checks off, so no probe traffic competes with the load; Docker off.
  const engine = new BerthEngine({ config, dataDir: dir, discovery: false, healthChecks: false, ...(recording === 'off' ? { trafficLimit: 0 } : {}) });
  await engine.start();
  const control = await startControl(engine, { dataDir: dir });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'gc') {
      // Two full collections a second apart, so objects freed by the first one's finalisers go too,
      // and RSS read a second after the last: V8 sweeps and returns freed pages to the OS on
      // background threads after gc() returns, so RSS read at once still counts the garbage.
      gc?.();
      setTimeout(() => {
        gc?.();
        setTimeout(() => process.send?.({ type: 'memory', gc: gc !== undefined, ...process.memoryUsage() }), 1000);
      }, 1000);
    } else if (msg.type === 'streams') {
      process.send?.({ type: 'streams', ...control.eventStreams(), traffic: engine.getState().traffic });
    }
  });
  console.log(`ready ${control.url} ${control.token}`);
} else if (role === 'pacer') {
  const [port, rateText, secondsText, connsText] = rest;
  const rate = Number(rateText);
  const seconds = Number(secondsText);
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: Number(connsText ?? 32) });
  const maxInFlight = Number(connsText ?? 32) * 4;
  const perSecond = new Array<number>(Math.ceil(seconds)).fill(0);
  const latencies: number[] = [];
  let sent = 0;
  let inFlight = 0;
  let errors = 0;
  let non2xx = 0;
  console.log('started');
  const t0 = performance.now();
  const fire = () => {
    sent++;
    inFlight++;
    const started = performance.now();
    pool
      .request({ path: '/api/v9/items', method: 'GET', headers: { host: 'app.bench.localhost' } })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 300) non2xx++;
        const now = performance.now();
        latencies.push(now - started);
        const second = Math.floor((now - t0) / 1000);
        if (second < perSecond.length) perSecond[second]!++;
      })
      .catch(() => errors++)
      .finally(() => inFlight--);
  };
  await new Promise<void>((done) => {
    // Requests are sent when due by the clock, not when the previous one ends, so a slow answer
    // does not lower the offered rate (up to maxInFlight outstanding).
    const tick = () => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= seconds) return done();
      const due = Math.floor(elapsed * rate);
      while (sent < due && inFlight < maxInFlight) fire();
      setTimeout(tick, 1);
    };
    tick();
  });
  const deadline = performance.now() + 5000;
  while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  console.log(`result ${JSON.stringify({ rate, seconds, sent, completed: latencies.length, errors, non2xx, perSecond, p50: pct(50), p99: pct(99) })}`);
  await pool.close();
  process.exit(0);
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
