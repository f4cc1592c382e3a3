// An HTTPS listener is the HTTP listener on a TLS socket: certificates come from the one certificate
// store, minted per SNI name the listener's rules allow (or the user's own PEM files).
import type { Socket } from 'node:net';
import type { Listener, LoadBalancer } from '../../shared/model/index.js';
import { TLS_HANDSHAKE_TIMEOUT_MS, type CertificatePolicy, type CertificateStore } from '../tls/index.js';
import { HttpListener, type HttpListenerOptions } from './http-listener.js';

/** Names a listener may mint for: its rules' hosts, its extra hostnames, and any `*.localhost`. */
export function certificatePolicy(listener: Listener): CertificatePolicy {
  const hosts = new Set<string>(['localhost', '*.localhost']);
  for (const r of listener.rules) for (const h of r.conditions.hostHeader ?? []) hosts.add(h.toLowerCase());
  for (const h of listener.hostnames ?? []) hosts.add(h.toLowerCase());
  return {
    allowedNames: [...hosts],
    ...(Array.isArray(listener.certificates) ? { userCertificates: listener.certificates } : {}),
  };
}

export class HttpsListener {
  readonly id: string;
  private inner: HttpListener | undefined;
  private policy: CertificatePolicy;
  /** The latest rules: a listener created switched off may be updated before its socket first opens. */
  private current: Pick<HttpListenerOptions, 'listener' | 'loadBalancer'>;

  constructor(
    private readonly options: Omit<HttpListenerOptions, 'tls'>,
    private readonly store: () => CertificateStore,
  ) {
    this.id = `${options.listener.port}/${options.listener.protocol}`;
    this.policy = certificatePolicy(options.listener);
    this.current = { listener: options.listener, loadBalancer: options.loadBalancer };
  }

  async start(): Promise<void> {
    if (!this.inner) {
      const store = this.store();
      await store.init();
      const base = await store.createSecureServerOptions(this.policy);
      // Rule edits change the allowed names; the callback always reads the current policy.
      // ALPN (h2 or http/1.1) is chosen per handshake by the listener's server (secure-server.ts).
      const tls = { ...base, SNICallback: (name: string, cb: Parameters<typeof base.SNICallback>[1]) => store.sniCallback(this.policy)(name, cb) };
      // The same handshake deadline as TLS network listeners, not Node's 120 s.
      this.inner = new HttpListener({ ...this.options, ...this.current, tls: { ...tls, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS } });
    }
    await this.inner.start();
  }

  accept(socket: Socket): boolean {
    return this.inner?.accept(socket) ?? false;
  }

  async stop(): Promise<void> {
    await this.inner?.stop();
  }

  update(listener: Listener, loadBalancer: LoadBalancer): void {
    this.policy = certificatePolicy(listener);
    this.current = { listener, loadBalancer };
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
