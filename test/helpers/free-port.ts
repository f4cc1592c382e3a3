// A port nobody listens on right now, for a test to bind soon after. Taken at random below the
// kernel's ephemeral range: a port the OS picks for listen(0) comes from that range, where every
// outgoing connection, every other test's listen(0) and Docker's published ports draw too, so on a
// loaded machine (seconds between this call and a child process binding it) one of them could take
// it first. Below that range only another caller of this helper could, by a random collision.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const FLOOR = 20_000;

export async function freePort(protocol: 'tcp' | 'udp' = 'tcp', host = '127.0.0.1'): Promise<number> {
  const ceiling = ephemeralStart();
  for (let attempt = 0; attempt < 50 && ceiling - FLOOR >= 1_000; attempt++) {
    const port = FLOOR + Math.floor(Math.random() * (ceiling - FLOOR));
    if (await bindable(protocol, host, port)) return port;
  }
  // A crowded range (or an odd system setting): let the OS choose after all.
  return bound(protocol, host, 0);
}

/** The first port of the ephemeral range (Linux's setting; 32768 elsewhere, below macOS's 49152). */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > FLOOR ? first : 32_768;
  } catch {
    return 32_768;
  }
}

async function bindable(protocol: 'tcp' | 'udp', host: string, port: number): Promise<boolean> {
  try {
    await bound(protocol, host, port);
    return true;
  } catch {
    return false;
  }
}

/** Binds `port` (0: the OS picks), closes it again, and returns the port that was bound. */
async function bound(protocol: 'tcp' | 'udp', host: string, port: number): Promise<number> {
  if (protocol === 'udp') {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, resolve);
    }).catch((err: unknown) => {
      socket.close();
      throw err;
    });
    const address = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return address.port;
  }
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('the OS did not report a TCP port');
  return address.port;
}
