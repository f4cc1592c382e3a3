// An NLB TCP_UDP listener: one port served over TCP and UDP at once, as the TCP listener and the UDP
// listener side by side on the same address and port, started, updated, toggled and stopped together.
import type { Socket } from 'node:net';
import type { Listener, LoadBalancer } from '../../shared/model/index.js';
import { TcpListener, type TcpListenerOptions } from './tcp-listener.js';
import { UdpListener, type UdpListenerStats } from './udp-listener.js';

export type TcpUdpListenerOptions = TcpListenerOptions;

export class TcpUdpListener {
  readonly id: string;
  readonly tcp: TcpListener;
  readonly udp: UdpListener;

  constructor(options: TcpUdpListenerOptions) {
    this.id = `${options.listener.port}/${options.listener.protocol}`;
    this.tcp = new TcpListener(options);
    this.udp = new UdpListener({ listener: options.listener, loadBalancer: options.loadBalancer, resolveTargetGroup: options.resolveTargetGroup, recorder: options.recorder });
  }

  get listening(): boolean {
    return this.tcp.listening && this.udp.listening;
  }

  get port(): number | undefined {
    return this.tcp.port;
  }

  get stats(): UdpListenerStats & { connections: number } {
    return { ...this.udp.stats, connections: this.tcp.connections };
  }

  /** Containers reach the TCP side only (UDP has no per-connection socket to hand over). */
  accept(socket: Socket): boolean {
    return this.tcp.accept(socket);
  }

  /** Both sockets or neither: when UDP cannot bind, the TCP socket is closed again. */
  async start(): Promise<void> {
    await this.tcp.start();
    try {
      await this.udp.start();
    } catch (err) {
      await this.tcp.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all([this.tcp.stop(), this.udp.stop()]);
  }

  update(listener: Listener, loadBalancer: LoadBalancer): void {
    this.tcp.update(listener, loadBalancer);
    this.udp.update(listener, loadBalancer);
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled) await this.start();
    else await Promise.all([this.tcp.setEnabled(false), this.udp.setEnabled(false)]);
  }
}
