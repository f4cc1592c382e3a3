// TCP_UDP listeners: one port served over TCP and UDP by the engine, to a TCP_UDP target group whose
// target answers on both (a static target on loopback); both sockets or neither when binding.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, listenerSchema, loadBalancerSchema, type BerthConfigInput } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { TcpUdpListener } from '../../../main/nlb/tcp-udp-listener.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { cleanup, udpClient } from './udp-fixtures.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await cleanup();
  while (closers.length) await closers.pop()!();
});

/** A target on one port for both protocols: TCP echoes "tcp <bytes>", UDP "udp <datagram>". */
async function dualEcho(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort('tcp');
    const server = net.createServer((s) => {
      s.once('data', (d) => s.end(`tcp ${d.toString()}`));
      s.on('error', () => undefined);
    });
    const socket = dgram.createSocket('udp4');
    socket.on('message', (d, from) => socket.send(`udp ${d.toString()}`, from.port, from.address));
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(port, '127.0.0.1', resolve));
    } catch (err) {
      server.close();
      socket.close();
      if (attempt > 5) throw err;
      continue;
    }
    closers.push(() => new Promise<void>((resolve) => server.close(() => socket.close(() => resolve()))));
    return port;
  }
}

function tcpAsk(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('TCP_UDP listeners', () => {
  it('serve TCP and UDP on one port through the engine', async () => {
    const targetPort = await dualEcho();
    const port = await freePort('tcp');
    const input: BerthConfigInput = {
      loadBalancers: [{ name: 'nlb', type: 'network', listeners: [{ port, protocol: 'TCP_UDP', defaultAction: { forward: 'dual' } }] }],
      targetGroups: [{ name: 'dual', protocol: 'TCP_UDP', healthCheck: { enabled: false }, targets: { static: [`127.0.0.1:${targetPort}`] } }],
    };
    const engine = new BerthEngine({ config: configSchema.parse(input), dataDir: '/tmp', discovery: false });
    closers.push(() => engine.stop());
    await engine.start();
    await eventually(() => expect(engine.getState().loadBalancers[0]!.listeners[0]!.status).toBe('ok'));
    expect(await tcpAsk(port, 'hello')).toBe('tcp hello');
    const client = await udpClient(port);
    expect(await client.ask('hello')).toBe('udp hello');
    expect(await tcpAsk(port, 'again')).toBe('tcp again');
    await engine.stop();
    const kinds = engine.recorder.recent(100).map((r) => `${r.kind} ${r.listener}`);
    expect(kinds).toEqual(expect.arrayContaining([`tcp ${port}/TCP_UDP`, `udp ${port}/TCP_UDP`]));
  });

  it('bind both sockets or neither: a UDP port in use closes the TCP socket again', async () => {
    const port = await freePort('tcp');
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(port, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const listener = listenerSchema.parse({ port, protocol: 'TCP_UDP', defaultAction: { forward: 'dual' } });
    const loadBalancer = loadBalancerSchema.parse({ name: 'nlb', type: 'network', listeners: [] });
    const both = new TcpUdpListener({ listener, loadBalancer, resolveTargetGroup: () => undefined, recorder: { nextId: () => 1, record: () => undefined } });
    await expect(both.start()).rejects.toMatchObject({ code: 'LISTENER_BIND_FAILED', where: { listener: `${port}/TCP_UDP` } });
    expect(both.listening).toBe(false);
    expect(both.tcp.listening).toBe(false);
    // The TCP port is free again.
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});
