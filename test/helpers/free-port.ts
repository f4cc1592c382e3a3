// A port nobody listens on right now, found by letting the OS pick one on loopback and closing it.
// Racy by nature (another process may take it), which is fine for tests that bind it at once.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export async function freePort(protocol: 'tcp' | 'udp' = 'tcp', host = '127.0.0.1'): Promise<number> {
  if (protocol === 'udp') {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, resolve);
    });
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('the OS did not report a TCP port');
  return address.port;
}
