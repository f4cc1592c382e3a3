// Moves one direction of a plain TCP connection with no allocation per read: the kernel copies into
// one buffer the relay owns and reuses (net.Socket's `onread`), instead of a fresh 64 KB Buffer per
// read that the allocator hands back and forth with the OS. Backpressure and half-close as pipe().
import * as net from 'node:net';

/** What libuv asks for per read of a TCP socket: the largest read Node would make anyway. */
const READ_SIZE = 64 * 1024;

/** Read buffers of finished connections, for the next ones: a connection does not cost 128 KB of malloc. */
const pool: Buffer[] = [];
const POOL_MAX = 128;

/** Tests force the stream path (`pipe()`), to prove both behave the same. */
export const RELAY_DISABLED = process.env.BERTH_TCP_RELAY === 'stream';

/**
 * One direction, `from` → `to`. Reads land in `buffer` and are written straight on. A write the
 * kernel takes at once leaves the buffer free for the next read; a write it cannot take yet keeps a
 * reference to the buffer, so reading stops until that write is done (the same backpressure pipe()
 * gives, with one buffer in flight instead of a queue).
 */
export class Relay {
  private buffer: Buffer | undefined = pool.pop() ?? Buffer.allocUnsafeSlow(READ_SIZE);
  private from: net.Socket | undefined;
  private to: net.Socket | undefined;
  /** Bytes read before `to` was attached (a target that speaks first), copied out of the buffer. */
  private early: Buffer[] = [];
  private waiting = false;
  /** For the `onread` option of the socket that is read from. */
  readonly onread = { buffer: this.buffer!, callback: (n: number, buf: Uint8Array) => this.forward(n, buf as Buffer) };

  /** Once the socket read from is destroyed (no read can land any more): the buffer goes back to the pool. */
  release(): void {
    if (this.buffer && pool.length < POOL_MAX) pool.push(this.buffer);
    this.buffer = undefined;
  }

  /** Starts moving bytes; `from` must have been created with this relay's `onread`. */
  attach(from: net.Socket, to: net.Socket): void {
    this.from = from;
    this.to = to;
    // end: true of pipe(): the end of one direction is forwarded as a FIN once the writes are out.
    from.once('end', () => to.end());
    for (const chunk of this.early) to.write(chunk);
    this.early = [];
    from.resume();
  }

  private forward(n: number, buf: Buffer): boolean {
    const to = this.to;
    if (!to) {
      this.early.push(Buffer.from(buf.subarray(0, n)));
      return false;
    }
    to.write(buf.subarray(0, n), this.written);
    if (to.writableLength === 0) return true;
    this.waiting = true;
    return false;
  }

  /** Every write's callback (Node batches the calls of one function): the held buffer is free again. */
  private readonly written = (): void => {
    if (!this.waiting || (this.to && this.to.writableLength > 0)) return;
    this.waiting = false;
    if (this.from && !this.from.destroyed) this.from.resume();
  };
}

interface HandleCarrier {
  _handle?: { useUserBuffer?: unknown; readStop?: unknown } | null;
}

/**
 * A socket accepted by a net.Server cannot be given `onread` (the option exists only when creating a
 * socket), so its TCP handle is handed to a new socket that has it, and the accepted one is retired
 * without closing the handle. This leans on Node's `handle` option and the `_handle` property, which
 * are not public API: it is checked for before use, and undefined is returned (the caller keeps the
 * stream path) when the handle is not what is expected or the socket has already read something.
 */
export function adoptForRelay(socket: net.Socket, relay: Relay): net.Socket | undefined {
  const carrier = socket as net.Socket & HandleCarrier;
  const handle = carrier._handle;
  if (RELAY_DISABLED || !handle || typeof handle.useUserBuffer !== 'function' || socket.destroyed || socket.readableLength > 0) return undefined;
  if (socket.constructor !== net.Socket) return undefined;
  const options = { handle, allowHalfOpen: true, pauseOnCreate: true, onread: relay.onread } as net.SocketConstructorOpts;
  const adopted = new net.Socket(options);
  // The old socket lets go of the handle; destroying it then closes nothing but its own state
  // (and the server's count of it, which the listener does not use).
  carrier._handle = null;
  socket.destroy();
  return adopted;
}

/** Options for net.connect that make the new socket read through `relay`. */
export function relayConnectOptions(relay: Relay | undefined): Pick<net.NetConnectOpts, 'onread'> {
  return relay ? { onread: relay.onread } : {};
}
