// A client that stops reading while its target keeps writing 256 MB: Berth, in its own process,
// keeps its memory flat (backpressure reaches the target), and every byte arrives once reading resumes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { cleanup, onCleanup, pattern, serve } from './nlb-fixtures.js';

afterEach(cleanup);

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  buffered: number;
  connections: number;
}

function startBerth(targetPort: number): Promise<{ port: number; memory: () => Promise<Memory> }> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--expose-gc', 'bin/run-ts.js', 'test/integration/nlb/berth-child.ts', String(targetPort)], { stdio: 'pipe' });
  onCleanup(() => {
    child.stdin.end();
    child.kill();
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  return next().then((first) => {
    const match = /^ready (\d+)$/.exec(first);
    if (!match) throw new Error(`the Berth child said: ${first}`);
    return {
      port: Number(match[1]),
      memory: async () => {
        const answer = next();
        child.stdin.write('mem\n');
        return JSON.parse(await answer) as Memory;
      },
    };
  });
}

const MB = 1024 * 1024;

it('Berth’s memory stays flat while a slow reader has 256 MB coming', async () => {
  const total = 256 * MB;
  const block = pattern(256 * 1024, 11);
  let handed = 0;
  const source = await serve('source', net.createServer((socket) => {
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += block.length;
        handed += block.length;
        if (!socket.write(block)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  }));
  const berth = await startBerth(source.port);
  // A first small transfer warms the listener up, so the baseline includes its steady state.
  const warm = net.connect(berth.port, '127.0.0.1');
  await new Promise<void>((resolve) => warm.once('data', () => resolve()));
  warm.destroy();
  await eventually(async () => expect((await berth.memory()).connections).toBe(0), { timeoutMs: 20_000 });
  const before = await berth.memory();
  handed = 0;

  const client = net.connect(berth.port, '127.0.0.1');
  client.on('error', () => undefined);
  onCleanup(() => client.destroy());
  client.pause();
  let last = -1;
  await eventually(() => {
    const now = handed;
    const stable = now === last && now > 0;
    last = now;
    expect(stable).toBe(true);
  }, { timeoutMs: 30_000, intervalMs: 400 });
  const stalled = await berth.memory();
  console.log(`[slow reader, child] target handed over ${(handed / MB).toFixed(1)} MB of 256; Berth rss ${(before.rss / MB).toFixed(1)} → ${(stalled.rss / MB).toFixed(1)} MB, external ${(before.external / MB).toFixed(1)} → ${(stalled.external / MB).toFixed(1)} MB, socket buffers ${(stalled.buffered / 1024).toFixed(0)} KiB`);
  expect(stalled.connections).toBe(1);
  expect(stalled.buffered).toBeLessThan(2 * MB);
  expect(stalled.external - before.external).toBeLessThan(16 * MB);
  expect(stalled.rss - before.rss).toBeLessThan(48 * MB);
  expect(handed).toBeLessThan(64 * MB);

  const hash = createHash('sha256');
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    client.on('data', (c: Buffer) => {
      hash.update(c);
      received += c.length;
    });
    client.once('end', resolve);
    client.once('error', reject);
    client.resume();
  });
  const expected = createHash('sha256');
  for (let at = 0; at < total; at += block.length) expected.update(block);
  expect(received).toBe(total);
  expect(hash.digest('hex')).toBe(expected.digest('hex'));
  const after = await berth.memory();
  expect(after.rss - before.rss).toBeLessThan(64 * MB);
}, 180_000);
