// Berth's TCP listener alone in a child process, so a test can measure its memory apart from the
// test's own clients and servers: `berth-child.ts <targetPort>` prints `ready <port>`, and answers
// each `mem` line on stdin with one JSON line of memory figures taken after a full GC.
import { createInterface } from 'node:readline';
import { TcpListener } from '../../../main/nlb/index.js';
import { TargetGroupRuntime } from '../../../main/targets/index.js';
import { TrafficRecorder } from '../../../main/traffic/recorder.js';
import { loadBalancerSchema, targetGroupSchema } from '../../../shared/model/index.js';

const targetPort = Number(process.argv[2]);
const group = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'source', protocol: 'TCP' }), { healthChecks: false });
group.setTargets([{ id: 'source', host: '127.0.0.1', port: targetPort, source: 'static' }]);
const loadBalancer = loadBalancerSchema.parse({ name: 'child', type: 'network', listeners: [{ port: 1, protocol: 'TCP', defaultAction: { forward: 'source' } }] });
const recorder = new TrafficRecorder();
// Port 0: the OS picks one, reported on stdout.
const listener = new TcpListener({ listener: { ...loadBalancer.listeners[0]!, port: 0 }, loadBalancer, resolveTargetGroup: () => group, recorder });
await listener.start();
console.log(`ready ${listener.port}`);

const gc = (globalThis as { gc?: () => void }).gc;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'mem') return;
  gc?.();
  const m = process.memoryUsage();
  console.log(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, buffered: listener.bufferedBytes(), connections: listener.connections }));
});
// The child must not outlive the test.
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
