// What the engine needs from any running listener (ALB HTTP/HTTPS, NLB TCP/TLS/UDP): one shape, so
// the engine can start, update, toggle and stop them without knowing their protocol.
import type { Socket } from 'node:net';
import type { Listener, LoadBalancer } from '../../shared/model/index.js';
import type { TargetGroupRuntime } from '../targets/index.js';
import type { TrafficRecorder } from '../traffic/recorder.js';
import type { CertificateStore } from '../tls/index.js';

export interface ListenerRuntime {
  readonly id: string;
  /** Binds the socket; rejects with a BerthError('LISTENER_BIND_FAILED') naming the listener. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Live rule/action changes without rebinding (same address, port and protocol). */
  update(listener: Listener, loadBalancer: LoadBalancer): void;
  setEnabled(enabled: boolean): Promise<void>;
  /** Takes a TCP connection accepted on another socket (a Docker gateway address, for containers)
   * as if it had arrived on the listener's own; false when the listener takes no connections now. */
  accept?(socket: Socket): boolean;
}

export interface ListenerContext {
  loadBalancer: LoadBalancer;
  listener: Listener;
  resolveTargetGroup: (name: string) => TargetGroupRuntime | undefined;
  recorder: TrafficRecorder;
  dataDir: string;
  /** The one certificate store (created, with the CA, on first need). */
  certificates: () => CertificateStore;
}

export type ListenerFactory = (ctx: ListenerContext) => ListenerRuntime;

/** Listeners are identified by what they bind: a change of any of these means a new socket. */
export function listenerKey(lb: LoadBalancer, l: Listener): string {
  return `${lb.name}|${l.address}|${l.port}|${l.protocol}`;
}

export function listenerId(l: Listener): string {
  return `${l.port}/${l.protocol}`;
}

export function listenerUrl(l: Listener): string | undefined {
  const host = l.address.includes(':') ? `[${l.address}]` : l.address;
  if (l.protocol === 'HTTP') return `http://${host}:${l.port}/`;
  if (l.protocol === 'HTTPS') return `https://${host}:${l.port}/`;
  return `${l.protocol.toLowerCase()}://${host}:${l.port}`;
}
