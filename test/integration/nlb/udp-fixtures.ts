// Loopback fixtures for the UDP listener: in-process UDP echo targets (answering "<name> <payload>"
// and keeping what they received), UDP clients that resend until answered, and a listener over the
// real target-group runtime (health checks off). Everything closes in cleanup().
import * as dgram from 'node:dgram';
import { TargetGroupRuntime } from '../../../main/targets/index.js';
import { UdpListener, type UdpListenerOptions } from '../../../main/nlb/udp-listener.js';
import { listenerSchema, loadBalancerSchema, targetGroupSchema, type TrafficRecord } from '../../../shared/model/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];

export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export interface EchoTarget {
  name: string;
  host: string;
  port: number;
  /** Raw datagrams as received, with the sender's address. */
  received: { data: Buffer; from: dgram.RemoteInfo }[];
  close(): Promise<void>;
}

/** A UDP echo server; the reply is "<name> " + the payload after any PROXY v2 header. */
export async function startEchoTarget(name: string, host = '127.0.0.1'): Promise<EchoTarget> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const received: EchoTarget['received'] = [];
  socket.on('message', (data, from) => {
    received.push({ data, from });
    socket.send(Buffer.concat([Buffer.from(`${name} `), stripProxyHeader(data)]), from.port, from.address);
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  let closed = false;
  const close = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      socket.close(() => resolve());
    });
  cleanups.push(close);
  return { name, host, port: socket.address().port, received, close };
}

export function stripProxyHeader(data: Buffer): Buffer {
  if (data.length >= 16 && data.subarray(0, 12).equals(Buffer.from('0d0a0d0a000d0a515549540a', 'hex'))) return data.subarray(16 + data.readUInt16BE(14));
  return data;
}

export interface UdpClient {
  socket: dgram.Socket;
  port: number;
  /** Sends until a reply arrives (UDP may drop on a loaded machine); resolves with the reply's text. */
  ask(text: string, options?: { timeoutMs?: number; retryMs?: number }): Promise<string>;
  close(): void;
}

export async function udpClient(listenerPort: number, host = '127.0.0.1'): Promise<UdpClient> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const waiting = new Map<string, (reply: string) => void>();
  socket.on('message', (data) => {
    const text = data.toString('utf8');
    for (const [token, resolve] of waiting) {
      if (text.endsWith(token)) {
        waiting.delete(token);
        resolve(text);
      }
    }
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    socket.close();
  };
  cleanups.push(close);
  return {
    socket,
    port: socket.address().port,
    close,
    ask: (text, { timeoutMs = 20_000, retryMs = 500 } = {}) =>
      new Promise<string>((resolve, reject) => {
        const send = () => socket.send(text, listenerPort, host);
        const retry = setInterval(send, retryMs);
        const timer = setTimeout(() => {
          clearInterval(retry);
          waiting.delete(text);
          reject(new Error(`no reply to "${text}" within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(text, (reply) => {
          clearInterval(retry);
          clearTimeout(timer);
          resolve(reply);
        });
        send();
      }),
  };
}

export function targetGroup(targets: EchoTarget[], settings: Record<string, unknown> = {}): TargetGroupRuntime {
  const group = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'udp', protocol: 'UDP', deregistrationDelaySeconds: 0, ...settings }), { healthChecks: false });
  group.setTargets(targets.map((t) => spec(t)));
  cleanups.push(() => group.close());
  return group;
}

export function spec(t: EchoTarget) {
  return { id: t.name, host: t.host, port: t.port, source: 'static' as const };
}

export interface ListenerFixture {
  listener: UdpListener;
  port: number;
  records: TrafficRecord[];
}

/** A started UDP listener on an ephemeral port of `address`, forwarding to `group`. */
export async function startUdpListener(
  group: TargetGroupRuntime,
  listenerSettings: Record<string, unknown> = {},
  extra: Partial<UdpListenerOptions> = {},
): Promise<ListenerFixture> {
  const records: TrafficRecord[] = [];
  let id = 0;
  const listener = listenerSchema.parse({ port: 1, protocol: 'UDP', defaultAction: { forward: group.name }, ...listenerSettings });
  // Port 0: the system picks a free one, so parallel suites never collide.
  listener.port = (listenerSettings.port as number | undefined) ?? 0;
  const loadBalancer = loadBalancerSchema.parse({ name: 'nlb', type: 'network', listeners: [] });
  const udp = new UdpListener({ listener, loadBalancer, resolveTargetGroup: (name) => (name === group.name ? group : undefined), recorder: { nextId: () => ++id, record: (r) => records.push(r) }, ...extra });
  await udp.start();
  cleanups.push(() => udp.stop());
  return { listener: udp, port: udp.port!, records };
}
