// Reads a new connection's first bytes until its TLS ClientHello is complete — bounded in size and
// time — and hands them back untouched, so SNI pass-through can choose a target and replay them.
import type { Socket } from 'node:net';
import { MAX_CLIENT_HELLO, parseClientHello } from './client-hello.js';

export interface Peeked {
  /** The server name, when the bytes were a ClientHello with SNI. */
  serverName: string | undefined;
  /** Everything read from the client so far, to be written to the target first. */
  buffered: Buffer;
  /** Why no name was found (not TLS, too large, too slow, client gone); for the traffic record. */
  reason?: string;
}

/** A ClientHello may come with early data in the same read, so allow a little beyond the limit. */
const MAX_PEEK = MAX_CLIENT_HELLO + 16 * 1024;

/**
 * Resolves once the ClientHello is readable, the bytes are not TLS, `timeoutMs` passes (a client
 * that waits for the server to speak first), or the client ends or fails. Never rejects. The socket
 * is left paused with its listeners as they were, so the caller's pipe() sees every later byte.
 */
export function peekClientHello(socket: Socket, timeoutMs: number): Promise<Peeked> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (serverName: string | undefined, reason?: string) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      const buffered = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      resolve({ serverName, buffered, ...(reason ? { reason } : {}) });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const bytes = chunks.length === 1 ? chunk : Buffer.concat(chunks, size);
      const result = parseClientHello(bytes);
      if (result.kind === 'hello') return done(result.serverName, result.serverName ? undefined : 'no server name');
      if (result.kind === 'not-tls') return done(undefined, result.reason);
      if (size > MAX_PEEK) return done(undefined, 'the ClientHello is too large');
    };
    const onEnd = () => done(undefined, 'the client ended before a complete ClientHello');
    const timer = setTimeout(() => done(undefined, `no complete ClientHello within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
