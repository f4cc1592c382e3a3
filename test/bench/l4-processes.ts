// The processes the L4 benchmark runs, one role each (so each can be pinned to its own core):
//   tcp-sink <port>                          counts the bytes of each connection, answers the count at its end
//   tcp-echo <port>                          echoes each connection's bytes (after a PROXY v2 header, if any)
//   udp-echo <port>                          echoes each datagram (after a PROXY v2 header, if any)
//   tcp-pipe <port> <targetPort>             a bare Node forwarder: net.connect and pipe() both ways (anchor)
//   berth-tcp <port> <targetPort> <pp2>      Berth's TcpListener in front of the target
//   berth-udp <port> <targetPort> <pp2>      Berth's UdpListener in front of the target
// The Berth roles run the engine's own parts: a target group at runtime (health checks off, so no
// probe traffic competes with the load) and the traffic recorder, one record per connection or flow.
// Each prints `ready <port>` once listening and exits on SIGTERM or when its parent goes away.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { TcpListener } from '../../main/nlb/tcp-listener.js';
import { UdpListener } from '../../main/nlb/udp-listener.js';
import { TargetGroupRuntime } from '../../main/targets/index.js';
import { TrafficRecorder } from '../../main/traffic/recorder.js';
import { listenerSchema, loadBalancerSchema, targetGroupSchema } from '../../shared/model/index.js';

const [role, portText, targetPortText, proxyText] = process.argv.slice(2);
const port = Number(portText);
const targetPort = Number(targetPortText);
const proxyProtocolV2 = proxyText === 'on';
const SIGNATURE = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 1000).unref();

/** Bytes of a PROXY v2 header at the start of `data`, 0 without one. */
function proxyHeaderLength(data: Buffer): number {
  return data.length >= 16 && data.subarray(0, 12).equals(SIGNATURE) ? 16 + data.readUInt16BE(14) : 0;
}

function ready() {
  console.log(`ready ${port}`);
}

if (role === 'tcp-sink') {
  net
    .createServer({ allowHalfOpen: true }, (socket) => {
      let bytes = 0;
      socket.on('data', (d: Buffer) => (bytes += d.length));
      socket.on('end', () => socket.end(String(bytes)));
      socket.on('error', () => socket.destroy());
    })
    .listen(port, '127.0.0.1', ready);
} else if (role === 'tcp-echo') {
  net
    .createServer((socket) => {
      let first = true;
      socket.setNoDelay(true);
      socket.on('data', (d: Buffer) => {
        if (first) {
          first = false;
          const skip = proxyHeaderLength(d);
          if (skip) d = d.subarray(skip);
        }
        if (d.length) socket.write(d);
      });
      socket.on('end', () => socket.end());
      socket.on('error', () => socket.destroy());
    })
    .listen(port, '127.0.0.1', ready);
} else if (role === 'udp-echo') {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (d, from) => {
    const skip = proxyHeaderLength(d);
    socket.send(skip ? d.subarray(skip) : d, from.port, from.address);
  });
  socket.bind(port, '127.0.0.1', () => {
    socket.setRecvBufferSize(4 * 1024 * 1024);
    socket.setSendBufferSize(4 * 1024 * 1024);
    ready();
  });
} else if (role === 'tcp-pipe') {
  net
    .createServer({ allowHalfOpen: true }, (client) => {
      const target = net.connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true }, () => {
        client.pipe(target);
        target.pipe(client);
      });
      client.on('error', () => target.destroy());
      target.on('error', () => client.destroy());
    })
    .listen(port, '127.0.0.1', ready);
} else if (role === 'berth-tcp' || role === 'berth-udp') {
  const protocol = role === 'berth-tcp' ? 'TCP' : 'UDP';
  const group = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'bench', protocol, proxyProtocolV2 }), { healthChecks: false });
  group.setTargets([{ id: `target:${targetPort}`, host: '127.0.0.1', port: targetPort, source: 'static' }]);
  const recorder = new TrafficRecorder();
  const listener = listenerSchema.parse({ port, protocol, defaultAction: { forward: 'bench' } });
  const loadBalancer = loadBalancerSchema.parse({ name: 'bench', type: 'network', listeners: [] });
  const options = { listener, loadBalancer, resolveTargetGroup: () => group, recorder };
  const berth = protocol === 'TCP' ? new TcpListener(options) : new UdpListener(options);
  await berth.start();
  ready();
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
