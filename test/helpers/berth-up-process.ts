// `berth up` as a user runs it: a child process on a berth.yaml and a data folder, its output kept
// so a test can wait for a line, and the control API reached through control.json like `berth status`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { HttpBerthClient, type SocketConstructor } from '../../shared/contract/index.js';
import { readControlFile } from '../../main/control/control-file.js';
import { eventually } from './eventually.js';

const berth = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));

export interface BerthUpOptions {
  config: string;
  dataDir: string;
  /** Default: a socket nobody listens on, so the run has no Docker. */
  dockerHost?: string;
}

export interface BerthUp {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved as they arrived. */
  output(): string;
  /** Waits until the output contains the text (or matches the pattern). */
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The control API client, from control.json in the data folder. */
  client(): Promise<HttpBerthClient>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startBerthUp(options: BerthUpOptions): BerthUp {
  const dockerHost = options.dockerHost ?? `unix://${options.dataDir}-no-docker.sock`;
  const child = spawn(process.execPath, [berth, 'up', '-c', options.config, '--data-dir', options.dataDir, '--docker-host', dockerHost], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const clients: HttpBerthClient[] = [];
  return {
    child,
    output: () => out,
    waitFor: async (what, timeoutMs = 30_000) => {
      await eventually(
        () => {
          if (child.exitCode !== null) throw new Error(`berth up exited with ${child.exitCode}:\n${out}`);
          if (typeof what === 'string' ? !out.includes(what) : !what.test(out)) throw new Error(`not yet printed: ${String(what)}\n--- output so far ---\n${out}`);
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    client: async () => {
      const endpoint = await readControlFile(options.dataDir);
      const client = new HttpBerthClient({ baseUrl: endpoint.url, token: endpoint.token, WebSocket: WebSocket as unknown as SocketConstructor });
      clients.push(client);
      return client;
    },
    stop: async () => {
      clients.forEach((c) => c.close());
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
