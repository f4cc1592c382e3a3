// The processes the L7 benchmark runs, one role each (so each can be pinned to its own core):
//   target <port>                       a small keep-alive HTTP server
//   berth <port> <targetPort> <rules> [capture]   Berth's HttpListener with <rules> host+path rules;
//                                       capture `off` sets `capture: { headers: false }`
//   http-proxy-3 <port> <targetPort>    the bare library with a keep-alive agent (reference)
//   undici <port> <targetPort>          the bare undici Pool dispatch (reference)
// Each prints `ready <port>` once listening and exits on SIGTERM or when its parent goes away.
import * as http from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import { Pool } from 'undici';
import { HttpListener } from '../../main/alb/index.js';
import { TargetGroupRuntime } from '../../main/targets/index.js';
import { TrafficRecorder } from '../../main/traffic/recorder.js';
import { targetGroupSchema, type Listener, type LoadBalancer, type Rule } from '../../shared/model/index.js';

const [role, portText, targetPortText, rulesText, captureText] = process.argv.slice(2);
const port = Number(portText);
const targetPort = Number(targetPortText);
const BODY = Buffer.from('hello, world\n');

function ready(server: { once(event: 'listening', cb: () => void): unknown }) {
  server.once('listening', () => console.log(`ready ${port}`));
}

// A benchmark must not outlive its runner.
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 1000).unref();

if (role === 'target') {
  const server = http.createServer({ keepAliveTimeout: 120_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
  ready(server);
  server.listen(port, '127.0.0.1');
} else if (role === 'berth') {
  const ruleCount = Number(rulesText ?? 1);
  // The engine's own parts: a target group at runtime (health checks off, so no probe traffic
  // competes with the load) and the bounded traffic recorder.
  const group = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'bench', protocol: 'HTTP' }), { healthChecks: false });
  group.setTargets([{ id: `target:${targetPort}`, host: '127.0.0.1', port: targetPort, source: 'static' }]);
  const recorder = new TrafficRecorder();
  const forward = { forward: { targetGroups: [{ name: 'bench', weight: 1 }], stickiness: undefined } };
  const rules: Rule[] = Array.from({ length: ruleCount }, (_, i) => ({
    priority: i + 1,
    enabled: true,
    conditions: { hostHeader: [`h${i}.bench.localhost`], pathPattern: [`/api/v${i % 10}/*`] },
    action: forward,
  }));
  const listener: Listener = { port, protocol: 'HTTP', address: '127.0.0.1', enabled: true, defaultAction: { fixedResponse: { statusCode: '404' } }, rules, ...(captureText === 'off' ? { capture: { headers: false, bodyBytes: 0 } } : {}) };
  const lb: LoadBalancer = { name: 'bench', type: 'application', scheme: 'internal', idleTimeoutSeconds: 60, preserveHostHeader: false, http2Enabled: true, xffHeaderProcessingMode: 'append', listeners: [listener] };
  const berth = new HttpListener({ listener, loadBalancer: lb, resolveTargetGroup: () => group, recorder });
  await berth.start();
  console.log(`ready ${port}`);
} else if (role === 'http-proxy-3') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = createProxyServer({ agent });
  const target = { host: '127.0.0.1', port: targetPort, protocol: 'http:' };
  proxy.on('error', (_err, _req, res) => {
    if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502).end();
  });
  const server = http.createServer((req, res) => proxy.web(req, res, { target }));
  ready(server);
  server.listen(port, '127.0.0.1');
} else if (role === 'undici') {
  const pool = new Pool(`http://127.0.0.1:${targetPort}`, { connections: 256 });
  const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
  const server = http.createServer((req, res) => {
    const headers: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (!HOP.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    pool.dispatch(
      { path: req.url!, method: req.method!, headers, body: null },
      {
        onConnect: () => undefined,
        onHeaders: (status: number, raw: Buffer[]) => {
          const out: string[] = [];
          for (let i = 0; i < raw.length; i += 2) {
            const name = raw[i]!.toString('latin1');
            if (!HOP.has(name.toLowerCase())) out.push(name, raw[i + 1]!.toString('latin1'));
          }
          res.writeHead(status, out);
          return true;
        },
        onData: (chunk: Buffer) => res.write(chunk),
        onComplete: () => res.end(),
        onError: () => (res.headersSent ? res.destroy() : res.writeHead(502).end()),
      },
    );
  });
  ready(server);
  server.listen(port, '127.0.0.1');
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
