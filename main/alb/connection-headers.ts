// Request headers Berth derives from the client's TLS connection (AWS: `x-amzn-tls-version` and
// `x-amzn-tls-cipher-suite` with the load balancer's TLS-headers attribute), under the names the
// listener's header modification gives them. Undefined when a listener adds none (no per-request cost).
import type { TLSSocket } from 'node:tls';
import { requestHeaderName, type Listener, type LoadBalancer } from '../../shared/model/index.js';

export type ConnectionHeaders = (socket: TLSSocket, out: string[]) => void;

export function compileConnectionHeaders(listener: Listener, lb: LoadBalancer): ConnectionHeaders | undefined {
  if (listener.protocol !== 'HTTPS' || !lb.tlsVersionAndCipherSuiteHeaders) return undefined;
  const version = requestHeaderName(listener.headerModification, 'tlsVersion');
  const cipher = requestHeaderName(listener.headerModification, 'tlsCipherSuite');
  return (socket, out) => {
    // What the client sent under these names is dropped: only the load balancer speaks for the connection.
    dropNames(out, version, cipher);
    const protocol = typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
    if (protocol) out.push(version, protocol);
    const suite = typeof socket.getCipher === 'function' ? socket.getCipher()?.name : undefined;
    if (suite) out.push(cipher, suite);
  };
}

/** Removes every header named `a` or `b` (lower-case) from a flat [name, value, …] list, in place. */
export function dropNames(out: string[], ...names: string[]): void {
  let kept = 0;
  for (let i = 0; i < out.length; i += 2) {
    if (names.includes(out[i]!.toLowerCase())) continue;
    out[kept++] = out[i]!;
    out[kept++] = out[i + 1]!;
  }
  out.length = kept;
}
