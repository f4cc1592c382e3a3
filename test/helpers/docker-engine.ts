// The test Docker engine from TypeScript: where its socket is, whether it can run here, and starting,
// stopping and restarting it through test/docker/engine.sh (the one place that knows how).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';

const run = promisify(execFile);
export const ENGINE_SCRIPT = fileURLToPath(new URL('../docker/engine.sh', import.meta.url));
export const SERVERS_DIR = fileURLToPath(new URL('../docker/servers', import.meta.url));
export const TEST_IMAGE = 'berth-test:latest';

function engineRoot(): string {
  return process.env.BERTH_DOCKER_ROOT ?? '/tmp/berth-docker';
}

/**
 * The socket of test engine `instance`. Instance 0 honours BERTH_TEST_DOCKER_HOST, then a
 * DOCKER_HOST that points into the test engine's folder (as `engine.sh env` prints it); any other
 * DOCKER_HOST is someone's real engine, and the tests never start containers there.
 */
export function testDockerHost(instance = 0): string {
  const own = `unix://${join(engineRoot(), String(instance), 'docker.sock')}`;
  if (instance !== 0) return own;
  if (process.env.BERTH_TEST_DOCKER_HOST) return process.env.BERTH_TEST_DOCKER_HOST;
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith(`unix://${engineRoot()}/`)) return host;
  return own;
}

export function socketPath(instance = 0): string {
  return testDockerHost(instance).replace(/^unix:\/\//, '');
}

export function clientFor(instance = 0): Dockerode {
  // host/port/protocol are cleared so docker-modem's own reading of DOCKER_HOST cannot override the socket.
  return new Dockerode({ socketPath: socketPath(instance), host: undefined, port: undefined, protocol: undefined });
}

/**
 * Whether the Docker suites can run here, decided synchronously at collection time: a socket is
 * there, or this machine can start an engine (Linux, root, dockerd or apt-get to install it).
 * A socket whose daemon died is still "yes": ensureEngine() restarts it or fails loudly.
 */
export function dockerSupport(instance = 0): { ok: true } | { ok: false; reason: string } {
  const socket = socketPath(instance);
  if (existsSync(socket)) return { ok: true };
  const missing = `no test Docker engine at ${socket}`;
  if (process.platform !== 'linux') return { ok: false, reason: `${missing}, and test/docker/engine.sh runs only on Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `${missing}, and starting one needs root: run \`sudo test/docker/engine.sh start${instance ? ` ${instance}` : ''}\` first` };
  if (!onPath('dockerd') && !onPath('apt-get')) return { ok: false, reason: `${missing}; dockerd is not installed and apt-get is not there to install it` };
  return { ok: true };
}

/** Whether the engine answers right now (a ping over its socket). */
export async function dockerAvailable(instance = 0): Promise<boolean> {
  if (!existsSync(socketPath(instance))) return false;
  let timer: NodeJS.Timeout | undefined;
  // A hung daemon must read as "no", not hang the suite.
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('ping timed out')), 3_000)));
  try {
    await Promise.race([clientFor(instance).ping(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const ensured = new Map<number, Promise<void>>();

/** Starts the engine (and builds the image) unless both are there; once per instance per process. */
export function ensureEngineRunning(instance = 0): Promise<void> {
  let pending = ensured.get(instance);
  if (!pending) {
    pending = (async () => {
      if ((await dockerAvailable(instance)) && (await hasImage(instance))) return;
      await engineScript('start', instance);
      if (!(await dockerAvailable(instance))) throw new Error(`test/docker/engine.sh start ${instance} returned but ${testDockerHost(instance)} does not answer`);
    })();
    // A failed attempt is not cached: the next suite tries again and reports its own error.
    pending.catch(() => ensured.delete(instance));
    ensured.set(instance, pending);
  }
  return pending;
}

export async function stopEngine(instance: number): Promise<void> {
  await engineScript('stop', instance);
}

export async function startEngine(instance: number): Promise<void> {
  await engineScript('start', instance);
}

async function hasImage(instance: number): Promise<boolean> {
  try {
    await clientFor(instance).getImage(TEST_IMAGE).inspect();
    return true;
  } catch {
    return false;
  }
}

async function engineScript(command: 'start' | 'stop', instance: number): Promise<void> {
  try {
    await run('bash', [ENGINE_SCRIPT, command, String(instance)], { timeout: 300_000, maxBuffer: 8 * 1024 * 1024 });
  } catch (err) {
    const detail = err as { stderr?: string; message?: string };
    throw new Error(`test/docker/engine.sh ${command} ${instance} failed: ${(detail.stderr || detail.message || String(err)).trim()}`);
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}
