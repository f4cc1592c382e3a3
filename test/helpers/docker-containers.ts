// Real containers on the private test engine, running the echo servers of test/docker/servers on
// ephemeral host ports of 127.0.0.1, labelled with this run's id so a test file (or benchmark)
// removes only what it created, even while other files use the same engine. No vitest here, so
// benchmarks run it under plain Node; test files use ./docker.js, which adds describeDocker.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { SERVERS_DIR, TEST_IMAGE, clientFor, ensureEngineRunning, startEngine, stopEngine, testDockerHost } from './docker-engine.js';

const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));

/** Every container the tests create carries this label… */
export const TEST_LABEL = 'dev.berth.test';
/** …and this one with the id of the test file's run. */
export const RUN_LABEL = 'dev.berth.test.run';
export const runId = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

export type TestServer = 'http-echo' | 'tcp-echo' | 'udp-echo' | 'grpc-echo';

export interface StartContainerOptions {
  /** Default: a unique name. Include `runId` in your own names when files may run in parallel. */
  name?: string;
  labels?: Record<string, string>;
  /** Container ports to publish on an ephemeral host port of 127.0.0.1: `'8081'`, `'8081/tcp'`, `'53/udp'`. Default `['8081/tcp']` (`['8081/udp']` for udp-echo). */
  ports?: string[];
  /** Fixed host ports for some of `ports` (key as in `ports`, e.g. `'8081/udp'`); the rest stay ephemeral. */
  hostPorts?: Record<string, number>;
  /** Default 'http-echo'. It listens on the first port unless env.PORT says otherwise, and answers with NAME = the container name. */
  server?: TestServer;
  env?: Record<string, string>;
  compose?: { project: string; service: string };
  restartPolicy?: 'no' | 'always' | 'unless-stopped';
  /** A Docker HEALTHCHECK run with busybox sh, e.g. `wget -qO- http://127.0.0.1:8081/health`. */
  healthcheck?: { cmd: string; intervalMs?: number; retries?: number };
  /** Run this instead of the server, e.g. `['sleep', '3600']` where only the published port matters. */
  command?: string[];
  /** Create without starting. */
  created?: boolean;
}

export interface TestContainer {
  id: string;
  name: string;
  /** The host port Docker published for a container port (default 8081/tcp) when last (re)started. */
  hostPort(containerPort?: number | string): number;
  /** `http://127.0.0.1:<host port of 8081>` + path. */
  url(path?: string): string;
  stop(): Promise<void>;
  kill(signal?: string): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  remove(): Promise<void>;
  /** Re-reads the published ports. */
  refresh(): Promise<void>;
  /**
   * Resolves once an http-echo server answers on its published port. Docker's port proxy accepts
   * connections as soon as the container starts and closes them until the server inside listens,
   * which takes tens of milliseconds on a quiet machine and seconds on a loaded one.
   */
  serving(timeoutMs?: number): Promise<void>;
}

/** One test engine instance: 0 is shared by all suites; others are private (e.g. for daemon restarts). */
export class TestEngine {
  readonly docker: Dockerode;
  readonly dockerHost: string;
  private counter = 0;

  constructor(readonly instance = 0) {
    this.docker = clientFor(instance);
    this.dockerHost = testDockerHost(instance);
  }

  async startContainer(options: StartContainerOptions = {}): Promise<TestContainer> {
    const server = options.server ?? 'http-echo';
    const ports = (options.ports ?? [server === 'udp-echo' ? '8081/udp' : '8081/tcp']).map(portKey);
    const firstPort = ports[0]?.split('/')[0] ?? '8081';
    const fixedPorts = new Map(Object.entries(options.hostPorts ?? {}).map(([k, v]) => [portKey(k), v]));
    const name = options.name ?? `berth-t-${runId}-${++this.counter}`;
    // NAME makes the echo servers answer with the container's name, so tests can tell who answered.
    const env = { PORT: firstPort, NAME: name, ...options.env };
    const labels: Record<string, string> = { ...options.labels, [TEST_LABEL]: '1', [RUN_LABEL]: runId };
    if (options.compose) {
      labels['com.docker.compose.project'] = options.compose.project;
      labels['com.docker.compose.service'] = options.compose.service;
    }
    const container = await this.docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: options.command ?? ['node', `/srv/${server}.js`],
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: labels,
      ExposedPorts: Object.fromEntries(ports.map((p) => [p, {}])),
      // The servers exit on SIGTERM at once; a short timeout bounds anything else.
      StopTimeout: 2,
      ...(options.healthcheck ? { Healthcheck: healthcheck(options.healthcheck) } : {}),
      HostConfig: {
        // HostPort '' asks Docker for an ephemeral port, exactly what Berth has to discover.
        PortBindings: Object.fromEntries(ports.map((p) => [p, [{ HostIp: '127.0.0.1', HostPort: String(fixedPorts.get(p) ?? '') }]])),
        // grpc-echo imports @grpc/grpc-js: the host's node_modules is mounted where Node looks last.
        Binds: [`${SERVERS_DIR}:/srv:ro`, ...(server === 'grpc-echo' ? [`${NODE_MODULES}:/node_modules:ro`] : [])],
        RestartPolicy: { Name: options.restartPolicy ?? 'no' },
      },
    });
    const handle = new ContainerHandle(container, name);
    if (!options.created) await handle.start();
    return handle;
  }

  /** Removes every container this test file created on this engine. */
  async removeAll(): Promise<void> {
    const mine = await this.docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
    await Promise.all(mine.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(ignoreGone)));
  }

  /** Stops the daemon (its containers stop with it); other suites on this instance would see it go. */
  async stopDaemon(): Promise<void> {
    await stopEngine(this.instance);
  }

  async startDaemon(): Promise<void> {
    await startEngine(this.instance);
  }

  async restartDaemon(): Promise<void> {
    await this.stopDaemon();
    await this.startDaemon();
  }
}

class ContainerHandle implements TestContainer {
  readonly id: string;
  private published = new Map<string, number>();

  constructor(
    private readonly container: Dockerode.Container,
    readonly name: string,
  ) {
    this.id = container.id;
  }

  hostPort(containerPort: number | string = 8081): number {
    const key = portKey(String(containerPort));
    const port = this.published.get(key);
    if (port === undefined) throw new Error(`${this.name} has no published host port for ${key} (published: ${[...this.published.keys()].join(', ') || 'none'})`);
    return port;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.hostPort()}${path}`;
  }

  async refresh(): Promise<void> {
    const info = await this.container.inspect();
    this.published = new Map();
    for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
      const binding = (bindings ?? []).find((b) => !b.HostIp.includes(':')) ?? bindings?.[0];
      if (binding?.HostPort) this.published.set(key, Number(binding.HostPort));
    }
  }

  async serving(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(this.url('/health'), { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.ok) return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`${this.name} does not answer on ${this.url('/health')}: ${(err as Error).message}`);
      }
      if (Date.now() > deadline) throw new Error(`${this.name} does not answer 200 on ${this.url('/health')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async start(): Promise<void> {
    await this.container.start();
    await this.refresh();
  }

  async restart(): Promise<void> {
    await this.container.restart({ t: 2 });
    await this.refresh();
  }

  async stop(): Promise<void> {
    await this.container.stop({ t: 2 }).catch(ignoreNotModified);
  }

  async kill(signal = 'SIGKILL'): Promise<void> {
    await this.container.kill({ signal });
  }

  async pause(): Promise<void> {
    await this.container.pause();
  }

  async unpause(): Promise<void> {
    await this.container.unpause();
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true }).catch(ignoreGone);
  }
}

const engines = new Map<number, TestEngine>();

/** The test engine, started (and its image built) if needed. */
export async function ensureEngine(instance = 0): Promise<TestEngine> {
  await ensureEngineRunning(instance);
  let engine = engines.get(instance);
  if (!engine) engines.set(instance, (engine = new TestEngine(instance)));
  return engine;
}

export async function startContainer(options?: StartContainerOptions): Promise<TestContainer> {
  return (await ensureEngine()).startContainer(options);
}

export async function removeAll(): Promise<void> {
  await Promise.all([...engines.values()].map((e) => e.removeAll()));
}

/** Restarts the daemon of an instance. Prefer a private instance (≥ 1): instance 0 is shared by parallel files. */
export async function restartDaemon(instance = 0): Promise<void> {
  await (await ensureEngine(instance)).restartDaemon();
}

function portKey(port: string): string {
  return port.includes('/') ? port : `${port}/tcp`;
}

function healthcheck(h: { cmd: string; intervalMs?: number; retries?: number }): Record<string, unknown> {
  const ns = (ms: number) => ms * 1_000_000;
  return { Test: ['CMD-SHELL', h.cmd], Interval: ns(h.intervalMs ?? 500), Timeout: ns(2_000), Retries: h.retries ?? 1, StartPeriod: 0 };
}

/** Removing something already gone is success. */
function ignoreGone(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 404) throw err;
}

/** Stopping a stopped container answers 304. */
function ignoreNotModified(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 304) throw err;
}
