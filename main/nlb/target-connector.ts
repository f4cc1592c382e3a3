// Opens the connection to one target for a network listener: TCP within a connect timeout, the
// PROXY v2 header first when the group asks for it, and TLS on top for TLS target groups.
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface ConnectRequest {
  host: string;
  port: number;
  timeoutMs: number;
  /** Written before anything else, in the clear (before TLS too), as an NLB does. */
  proxyHeader?: Buffer;
  /** TLS to the target (TLS listener → TLS target group). */
  tls?: { servername: string | undefined };
  /** Reads of a plain TCP target into a reused buffer (socket-relay.ts); not with `tls`. */
  onread?: net.OnReadOpts;
}

export type ConnectFailure = 'refused' | 'timeout' | 'tls-failed';

export type ConnectResult = { ok: true; socket: net.Socket } | { ok: false; failure: ConnectFailure; message: string };

/**
 * Resolves with a connected socket (handshake done for TLS) or the failure; never rejects. Sockets
 * are half-open capable so a client's FIN is forwarded without closing the other direction.
 */
export function connectTarget(request: ConnectRequest): Promise<ConnectResult> {
  return new Promise((resolve) => {
    let settled = false;
    const raw = net.connect({ host: request.host, port: request.port, allowHalfOpen: true, ...(request.onread ? { onread: request.onread } : {}) });
    let secure: tls.TLSSocket | undefined;
    const finish = (result: ConnectResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.off('error', onError);
      secure?.off('error', onError);
      if (!result.ok) {
        secure?.destroy();
        raw.destroy();
      }
      resolve(result);
    };
    const onError = (err: NodeJS.ErrnoException) => {
      const failure: ConnectFailure = secure ? 'tls-failed' : 'refused';
      finish({ ok: false, failure, message: `${request.host}:${request.port}: ${err.code ?? err.message}` });
    };
    // Until the caller attaches its own handlers, a late error must not go unhandled.
    raw.on('error', noop);
    raw.on('error', onError);
    const timer = setTimeout(() => finish({ ok: false, failure: 'timeout', message: `${request.host}:${request.port}: no connection within ${request.timeoutMs} ms` }), request.timeoutMs);
    raw.once('connect', () => {
      if (request.proxyHeader) raw.write(request.proxyHeader);
      if (!request.tls) return finish({ ok: true, socket: raw });
      // Local targets present self-signed or development certificates: like an NLB (and an ALB),
      // Berth encrypts toward them but does not verify them, so any certificate is accepted.
      secure = tls.connect({
        socket: raw,
        rejectUnauthorized: false,
        // allowHalfOpen comes from the wrapped socket.
        ...(request.tls.servername && net.isIP(request.tls.servername) === 0 ? { servername: request.tls.servername } : {}),
      });
      secure.on('error', noop);
      secure.on('error', onError);
      secure.once('secureConnect', () => finish({ ok: true, socket: secure! }));
    });
  });
}

function noop(): void {}
