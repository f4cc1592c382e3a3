// A TLS listener is the TCP listener on a TLS socket: Berth terminates TLS with certificates from the
// one certificate store (minted per SNI name, the listener's own PEM files, or the default one) and
// forwards plain TCP — or TLS again to TLS target groups.
import type { Socket } from 'node:net';
import type { Listener, LoadBalancer } from '../../shared/model/index.js';
import type { CertificatePolicy, CertificateStore, SniCallback } from '../tls/index.js';
import { TcpListener, type TcpListenerOptions } from './tcp-listener.js';

/**
 * Names a TLS listener may mint for: its extra hostnames and any `*.localhost` (network listeners
 * have no host rules); its PEM files when it lists them.
 */
export function tlsCertificatePolicy(listener: Listener): CertificatePolicy {
  const hosts = new Set<string>(['localhost', '*.localhost']);
  for (const h of listener.hostnames ?? []) hosts.add(h.toLowerCase());
  return {
    allowedNames: [...hosts],
    ...(Array.isArray(listener.certificates) ? { userCertificates: listener.certificates } : {}),
  };
}

/** AWS ALPN policies as the protocols offered, in preference order; None (or none) offers nothing. */
export function alpnProtocols(policy: Listener['alpnPolicy']): string[] | undefined {
  switch (policy) {
    case 'HTTP1Only':
      return ['http/1.1'];
    case 'HTTP2Only':
      return ['h2'];
    case 'HTTP2Optional':
      return ['http/1.1', 'h2'];
    case 'HTTP2Preferred':
      return ['h2', 'http/1.1'];
    default:
      return undefined;
  }
}

export class TlsListener {
  readonly id: string;
  private inner: TcpListener | undefined;
  private policy: CertificatePolicy;
  // The latest config, so a listener first started after edits starts with them.
  private listener: Listener;
  private loadBalancer: LoadBalancer;

  constructor(
    private readonly options: Omit<TcpListenerOptions, 'tls'>,
    private readonly store: () => CertificateStore,
  ) {
    this.id = `${options.listener.port}/${options.listener.protocol}`;
    this.policy = tlsCertificatePolicy(options.listener);
    this.listener = options.listener;
    this.loadBalancer = options.loadBalancer;
  }

  /** The bound port once listening. */
  get port(): number | undefined {
    return this.inner?.port;
  }

  get connections(): number {
    return this.inner?.connections ?? 0;
  }

  accept(socket: Socket): boolean {
    return this.inner?.accept(socket) ?? false;
  }

  async start(): Promise<void> {
    if (!this.inner) {
      const store = this.store();
      await store.init();
      const base = await store.createSecureServerOptions(this.policy);
      // Listener edits change the allowed names; the callback always reads the current policy.
      const SNICallback: SniCallback = (name, cb) => store.sniCallback(this.policy)(name, cb);
      const alpn = alpnProtocols(this.listener.alpnPolicy);
      this.inner = new TcpListener({ ...this.options, listener: this.listener, loadBalancer: this.loadBalancer, tls: { ...base, SNICallback, ...(alpn ? { ALPNProtocols: alpn } : {}) } });
    }
    await this.inner.start();
  }

  async stop(): Promise<void> {
    await this.inner?.stop();
  }

  update(listener: Listener, loadBalancer: LoadBalancer): void {
    this.policy = tlsCertificatePolicy(listener);
    this.listener = listener;
    this.loadBalancer = loadBalancer;
    this.inner?.update(listener, loadBalancer);
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (!this.inner) {
      if (enabled) await this.start();
      return;
    }
    await this.inner.setEnabled(enabled);
  }
}
