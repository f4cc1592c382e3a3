// `berth containers env`: the one step that lets a container (or every service of a compose project)
// call Berth's listeners by name over HTTPS it trusts: `docker run` arguments or a compose override.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { HttpBerthClient, type SocketConstructor } from '../../shared/contract/index.js';
import type { ContainerEnvView } from '../../shared/model/index.js';
import { composeOverride, dockerRunArgs, DockerNetworks, shellLine, writeContainerTrust } from '../container-access/index.js';
import { readControlFile } from '../control/index.js';
import { writeFileAtomic } from '../config/atomic-write.js';

interface EnvOptions {
  format: string;
  file?: string;
  output?: string;
  dockerHost?: string;
}

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

export function registerContainersCommand(program: Command, dataDir: () => string): void {
  const containers = program.command('containers').description('containers calling Berth by name over trusted HTTPS');
  containers
    .command('env')
    .description('what a container needs to reach Berth: `docker run` arguments, or a compose override for every service')
    .option('--format <format>', 'docker (arguments for docker run) or compose (an override file)', 'docker')
    .option('-f, --file <compose.yaml>', 'the compose file whose services get the override (default: ./compose.yaml and its usual aliases)')
    .option('-o, --output <file>', 'write the compose override to this file instead of printing it')
    .option('--docker-host <url>', 'Docker endpoint when no Berth is running (default: DOCKER_HOST, then the current context)')
    .action(async (opts: EnvOptions) => {
      try {
        if (opts.format !== 'docker' && opts.format !== 'compose') throw new Error(`--format is docker or compose, not "${opts.format}"`);
        const env = await containerEnv(dataDir(), opts.dockerHost);
        if (opts.format === 'docker') {
          process.stdout.write(`${shellLine(dockerRunArgs(env))}\n`);
          return;
        }
        const { file, services } = await composeServices(opts.file);
        const text = composeOverride(services, env);
        if (opts.output) {
          await writeFileAtomic(resolve(opts.output), text);
          process.stderr.write(`wrote ${opts.output} for ${services.length} service${services.length === 1 ? '' : 's'} of ${file}: docker compose -f ${file} -f ${opts.output} up -d\n`);
        } else process.stdout.write(text);
      } catch (err) {
        process.stderr.write(`berth containers env: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
    });
}

/** From the running Berth (it knows whether its DNS server could bind), else from Docker directly. */
async function containerEnv(dataDir: string, dockerHost: string | undefined): Promise<ContainerEnvView> {
  const trustDir = await writeContainerTrust(dataDir);
  const endpoint = await readControlFile(dataDir).catch(() => undefined);
  if (endpoint) {
    const client = new HttpBerthClient({ baseUrl: endpoint.url, token: endpoint.token, WebSocket: WebSocket as unknown as SocketConstructor });
    const state = await client.call('getState', {}).catch(() => undefined);
    if (state?.containerAccess) {
      if (state.containerAccess.platform === 'off') process.stderr.write('note: no load balancer of the running Berth allows container access (containerAccess: false)\n');
      for (const p of state.containerAccess.problems) process.stderr.write(`note: ${p}\n`);
      if (state.containerAccess.dns.hint) process.stderr.write(`note: ${state.containerAccess.dns.hint}\n`);
      return { ...state.containerAccess.env, trustDir };
    }
  }
  process.stderr.write('note: no running Berth found; containers resolve its names once `berth up` runs with the same --data-dir\n');
  const networks = new DockerNetworks(dockerHost ? { dockerHost } : {});
  try {
    const snapshot = await new Promise<ReturnType<DockerNetworks['snapshot']>>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('Docker did not list its networks within 10 s (is it running? DOCKER_HOST, --docker-host)')), 10_000);
      networks.once('change', (s) => {
        clearTimeout(timer);
        done(s);
      });
      void networks.start();
    });
    if (snapshot.platform === 'desktop') return { hosts: [], trustDir };
    const bridge = snapshot.networks.find((n) => n.name === 'bridge') ?? snapshot.networks[0];
    const dns = bridge?.gateways[0];
    return { ...(dns ? { dns } : {}), hosts: [], trustDir };
  } finally {
    networks.stop();
  }
}

async function composeServices(given: string | undefined): Promise<{ file: string; services: string[] }> {
  const candidates = given ? [given] : COMPOSE_FILES;
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (given) throw new Error(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      return undefined;
    });
    if (text === undefined) continue;
    const doc = parse(text) as { services?: Record<string, unknown> } | null;
    const services = Object.keys(doc?.services ?? {});
    if (!services.length) throw new Error(`${file} has no services`);
    return { file, services };
  }
  throw new Error(`no compose file here (${COMPOSE_FILES.join(', ')}); name one with -f`);
}
