// Which Docker engine to talk to, found the way the Docker CLI finds it — `--docker-host`, then
// DOCKER_HOST, then the current docker context, then the platform default — and how to dial it
// with dockerode. Every place looked at is recorded, so "Docker unreachable" can say where it looked.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';

export type EndpointSource = 'flag' | 'env' | 'context' | 'default';

export interface DockerEndpoint {
  /** As the Docker CLI writes it: unix:///var/run/docker.sock, npipe:////./pipe/docker_engine, tcp://host:2376, ssh://me@host. */
  host: string;
  source: EndpointSource;
  /** Where the host came from, for people: `DOCKER_HOST`, `docker context "colima"`, … */
  description: string;
  /** Each place consulted, in order, and what it said. */
  lookedAt: string[];
  /** Client certificate files (PEM paths) when the endpoint uses TLS. */
  tls?: { ca?: string; cert?: string; key?: string };
}

export interface EndpointInputs {
  /** The `--docker-host` flag, which wins over everything. */
  flag?: string;
  env?: Record<string, string | undefined>;
  homeDir?: string;
  platform?: NodeJS.Platform;
}

const WINDOWS_DEFAULT = 'npipe:////./pipe/docker_engine';
const UNIX_DEFAULT = 'unix:///var/run/docker.sock';

export function resolveDockerEndpoint(inputs: EndpointInputs = {}): DockerEndpoint {
  const env = inputs.env ?? process.env;
  const home = inputs.homeDir ?? homedir();
  const platform = inputs.platform ?? process.platform;
  const lookedAt: string[] = [];

  if (inputs.flag) {
    lookedAt.push(`--docker-host: ${inputs.flag}`);
    return { host: inputs.flag, source: 'flag', description: '--docker-host', lookedAt };
  }
  lookedAt.push('--docker-host: not given');

  if (env.DOCKER_HOST) {
    lookedAt.push(`DOCKER_HOST: ${env.DOCKER_HOST}`);
    return { host: env.DOCKER_HOST, source: 'env', description: 'DOCKER_HOST', lookedAt, ...envTls(env, home) };
  }
  lookedAt.push('DOCKER_HOST: not set');

  const fromContext = contextEndpoint(env, home, lookedAt);
  if (fromContext) return fromContext;

  const userSocket = join(home, '.docker', 'run', 'docker.sock');
  // Docker Desktop on macOS may run without the /var/run symlink, leaving only the per-user socket.
  const host =
    platform === 'win32' ? WINDOWS_DEFAULT : platform === 'darwin' && !existsSync('/var/run/docker.sock') && existsSync(userSocket) ? `unix://${userSocket}` : UNIX_DEFAULT;
  lookedAt.push(`platform default: ${host}`);
  return { host, source: 'default', description: 'the platform default', lookedAt };
}

/** The context named by DOCKER_CONTEXT or config.json's currentContext, as stored by `docker context create`. */
function contextEndpoint(env: Record<string, string | undefined>, home: string, lookedAt: string[]): DockerEndpoint | undefined {
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  const configFile = join(configDir, 'config.json');
  let name = env.DOCKER_CONTEXT;
  if (name) lookedAt.push(`DOCKER_CONTEXT: ${name}`);
  else {
    const config = readJson(configFile);
    name = typeof config?.currentContext === 'string' ? config.currentContext : undefined;
    lookedAt.push(`${configFile}: ${config === undefined ? 'not found or unreadable' : name ? `currentContext "${name}"` : 'no currentContext'}`);
  }
  // "default" is the CLI's name for "no context": DOCKER_HOST or the platform default.
  if (!name || name === 'default') return undefined;

  // The CLI stores each context under the SHA-256 of its name.
  const digest = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', digest, 'meta.json');
  const meta = readJson(metaFile);
  const docker = (meta?.Endpoints as Record<string, { Host?: unknown }> | undefined)?.docker;
  if (typeof docker?.Host !== 'string' || !docker.Host) {
    lookedAt.push(`${metaFile}: ${meta === undefined ? 'not found or unreadable' : 'no Endpoints.docker.Host'}`);
    return undefined;
  }
  lookedAt.push(`${metaFile}: ${docker.Host}`);
  const tlsDir = join(configDir, 'contexts', 'tls', digest, 'docker');
  const tls = tlsFiles(tlsDir);
  return { host: docker.Host, source: 'context', description: `docker context "${name}"`, lookedAt, ...(tls ? { tls } : {}) };
}

/** DOCKER_TLS_VERIFY and DOCKER_CERT_PATH mean the same here as for the Docker CLI. */
function envTls(env: Record<string, string | undefined>, home: string): Pick<DockerEndpoint, 'tls'> {
  if (!env.DOCKER_TLS_VERIFY && !env.DOCKER_CERT_PATH) return {};
  const files = tlsFiles(env.DOCKER_CERT_PATH || join(home, '.docker'));
  return files ? { tls: files } : {};
}

function tlsFiles(dir: string): { ca?: string; cert?: string; key?: string } | undefined {
  const files: { ca?: string; cert?: string; key?: string } = {};
  for (const kind of ['ca', 'cert', 'key'] as const) {
    const file = join(dir, `${kind}.pem`);
    if (existsSync(file)) files[kind] = file;
  }
  return Object.keys(files).length > 0 ? files : undefined;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * dockerode options for an endpoint. Every connection field is set, even to undefined, because
 * docker-modem merges its own reading of DOCKER_HOST underneath and a leftover `host` from there
 * would win over our socket path.
 */
export function dockerodeOptions(endpoint: DockerEndpoint, env: Record<string, string | undefined> = process.env): DockerOptions {
  const none: DockerOptions = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined };
  const raw = endpoint.host.includes('://') ? endpoint.host : `tcp://${endpoint.host}`;
  const scheme = raw.slice(0, raw.indexOf('://'));
  const rest = raw.slice(raw.indexOf('://') + 3);
  switch (scheme) {
    case 'unix':
      return { ...none, socketPath: rest || '/var/run/docker.sock' };
    case 'npipe':
      return { ...none, socketPath: rest || '//./pipe/docker_engine' };
    case 'ssh': {
      const url = new URL(raw);
      return { ...none, protocol: 'ssh', host: url.hostname, port: url.port || 22, username: url.username || undefined, sshOptions: { agent: env.SSH_AUTH_SOCK } };
    }
    case 'tcp':
    case 'http':
    case 'https': {
      const url = new URL(raw.replace(/^tcp:/, 'http:'));
      const tls = scheme === 'https' || endpoint.tls !== undefined || url.port === '2376';
      return {
        ...none,
        protocol: tls ? 'https' : 'http',
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || (tls ? 2376 : 2375),
        ca: readPem(endpoint.tls?.ca),
        cert: readPem(endpoint.tls?.cert),
        key: readPem(endpoint.tls?.key),
      };
    }
    default:
      throw new Error(`unsupported Docker host "${endpoint.host}" (from ${endpoint.description}): use unix://, npipe://, tcp:// or ssh://`);
  }
}

function readPem(file: string | undefined): Buffer | undefined {
  return file ? readFileSync(file) : undefined;
}
