// The server behind an HTTPS listener: one TLS port that speaks HTTP/2 and HTTP/1.1, chosen by ALPN
// per connection as an ALB does (elbv2-model.md 1.4). `routing.http2.enabled` is read at each
// handshake, so turning it off or on needs no rebind; connections already open keep their protocol.
import http2 from 'node:http2';
import type { ServerOptions } from 'node:https';
import { BerthHttp2Response, BerthResponse } from './exchange.js';

/** AWS's limit of concurrent requests on one HTTP/2 connection. */
export const MAX_CONCURRENT_STREAMS = 128;

export function createSecureServer(
  tls: ServerOptions,
  http2Enabled: () => boolean,
  onRequest: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
): http2.Http2SecureServer {
  const server = http2.createSecureServer(
    {
      ...(tls as http2.SecureServerOptions),
      allowHTTP1: true,
      Http1ServerResponse: BerthResponse as unknown as http2.SecureServerOptions['Http1ServerResponse'],
      Http2ServerResponse: BerthHttp2Response,
      ALPNCallback: ({ protocols }: { protocols: string[] }) => {
        if (protocols.includes('h2') && http2Enabled()) return 'h2';
        // A client offering only protocols Berth does not speak gets TLS's no_application_protocol alert.
        return protocols.includes('http/1.1') ? 'http/1.1' : undefined;
      },
      settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS, enablePush: false },
      // Abuse bounds (rapid reset, SETTINGS/PING floods, unread streams) are Node's own: a session
      // sending too many invalid frames or rejected streams, or buffering past maxSessionMemory
      // (10 MB), is closed; the others are unaffected.
    } as http2.SecureServerOptions,
    onRequest,
  );
  // The HTTP/1.1 side: the listener's idle sweep governs keep-alive, as on the plain HTTP listener.
  Object.assign(server, { keepAliveTimeout: 0, requestTimeout: 0 });
  return server;
}
