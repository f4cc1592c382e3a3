// `berth up` with a TCP listener in front of a static target, as a user runs it: 256 MB each way
// arrive intact with half-close, the connection is recorded with its byte counts, and the Berth
// process takes (almost) no fresh memory pages per MB relayed: reads land in reused buffers. The
// stream path (BERTH_TCP_RELAY=stream, pipe()) must move the same bytes the same way.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { HttpBerthClient, type SocketConstructor } from '../../../shared/contract/index.js';
import { readControlFile } from '../../../main/control/control-file.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
const MB = 1024 * 1024;
const children: ChildProcess[] = [];
const servers: net.Server[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  servers.forEach((s) => s.close());
});

/** A target that hashes what it receives and, once the client has ended, sends `size` bytes back and ends. */
async function startTarget(size: number, block: Buffer): Promise<{ port: number; received: { bytes: number; sha: string }[] }> {
  const received: { bytes: number; sha: string }[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    socket.on('end', () => {
      received.push({ bytes, sha: hash.digest('hex') });
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += block.length;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    socket.on('error', () => socket.destroy());
  });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: (server.address() as net.AddressInfo).port, received };
}

/** Minor page faults of a process so far, from /proc (field 10 of stat). */
function minorFaults(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[7]);
}

async function startBerth(targetPort: number, extraEnv: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tcp-bulk-'));
  const port = await freePort();
  const file = join(dir, 'berth.yaml');
  writeFileSync(
    file,
    [
      'loadBalancers:',
      '  - name: net',
      '    type: network',
      '    listeners:',
      `      - { port: ${port}, protocol: TCP, defaultAction: { forward: bulk } }`,
      'targetGroups:',
      '  - name: bulk',
      '    protocol: TCP',
      `    targets: { static: ["127.0.0.1:${targetPort}"] }`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, ...extraEnv, BERTH_DATA_DIR: join(dir, 'data'), DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` };
  const up = spawn(process.execPath, [berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(up);
  let out = '';
  up.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  up.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await eventually(() => expect(out).toContain('dashboard: '), { timeoutMs: 30_000 });
  const endpoint = await readControlFile(join(dir, 'data'));
  const client = new HttpBerthClient({ baseUrl: endpoint.url, token: endpoint.token, WebSocket: WebSocket as unknown as SocketConstructor });
  return { port, pid: up.pid!, client };
}

/** Sends `size` bytes, ends, and hashes what comes back until the target ends. */
function transfer(port: number, size: number, block: Buffer): Promise<{ bytes: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const hash = createHash('sha256');
    let bytes = 0;
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += block.length;
        if (!socket.write(block)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    socket.once('connect', pump);
    socket.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    socket.on('end', () => resolve({ bytes, sha: hash.digest('hex') }));
    socket.on('error', reject);
  });
}

function expectedSha(size: number, block: Buffer): string {
  const hash = createHash('sha256');
  for (let n = 0; n < size; n += block.length) hash.update(block);
  return hash.digest('hex');
}

const block = Buffer.alloc(128 * 1024);
for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
const size = 256 * MB;
const sha = expectedSha(size, block);

describe.each([
  ['reused read buffers (the default)', {}, true],
  ['the stream path (BERTH_TCP_RELAY=stream)', { BERTH_TCP_RELAY: 'stream' }, false],
] as const)('berth up, TCP bulk through %s', (_name, extraEnv, checkFaults) => {
  it('relays 256 MB each way with half-close and records the byte counts', async () => {
    const target = await startTarget(size, block);
    const { port, pid, client } = await startBerth(target.port, extraEnv);
    // A first small transfer warms the process up, so the count below is about relaying only.
    await transfer(port, 8 * MB, block);
    const before = minorFaults(pid);
    const back = await transfer(port, size, block);
    const faultsPerMb = (minorFaults(pid) - before) / (2 * size / MB);
    console.log(`[tcp bulk, ${_name}] ${faultsPerMb.toFixed(1)} minor page faults per MB relayed in the Berth process`);
    expect(back).toEqual({ bytes: size, sha });
    // Health checks connect too (and send nothing): the transfer is one of the connections.
    expect(target.received).toContainEqual({ bytes: size, sha });
    if (checkFaults) {
      // Fresh 64 KB buffers per read cost up to 256 faults per MB (one per 4 KB page); reused ones ~0.
      expect(faultsPerMb).toBeLessThan(16);
    }
    await eventually(async () => {
      const traffic = await client.call('getTraffic', {});
      const tcp = traffic.records.filter((r) => r.kind === 'tcp');
      expect(tcp).toHaveLength(2);
      expect(tcp.find((r) => r.bytesIn === size)).toMatchObject({ bytesIn: size, bytesOut: size, targetGroup: 'bulk' });
    });
  }, 120_000);
});
