// `berth up`: the engine headless under plain Node. Prints listeners, discovery status and the
// targets of each group as they change; stops cleanly on SIGINT/SIGTERM.
import type { Command } from 'commander';
import { BerthEngine } from '../engine/index.js';
import { loadConfigOrExit } from './config-option.js';
import { parseControlAddress, startControl, type ControlServer } from '../control/index.js';
import { upstreamClient } from '../alb/index.js';

/** What to do when Docker is unreachable: the ways Berth finds an engine, as the Docker CLI does. */
const DOCKER_FIX = 'start Docker, or point Berth at your engine: set DOCKER_HOST, pass --docker-host unix:///path/to/docker.sock, or switch with docker context use NAME';

interface UpOptions {
  config?: string;
  dockerHost?: string;
  control?: string;
  trafficLimit?: number;
}

/** Most traffic records anyone may keep: 1,000,000 summaries are a few hundred MB. */
const TRAFFIC_LIMIT_MAX = 1_000_000;

function trafficLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > TRAFFIC_LIMIT_MAX) {
    process.stderr.write(`berth up: --traffic-limit takes a whole number of records from 0 (record nothing) to ${TRAFFIC_LIMIT_MAX}, not "${value}"\n`);
    process.exit(2);
  }
  return n;
}

export function registerUpCommand(program: Command, dataDir: () => string): void {
  program
    .command('up')
    .description('run the load balancers headless: discover containers, start listeners, print targets as they change')
    .option('-c, --config <file>', 'berth.yaml to load (default: ./berth.yaml; none → zero-config)')
    .option('--docker-host <url>', 'Docker endpoint, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, then the current context)')
    .option('--control <host:port>', 'where the control API and dashboard listen (default: 127.0.0.1 on a random port)')
    .option('--traffic-limit <records>', 'traffic records kept for the live view, detail and exports (default 10000; 0 records none)', trafficLimit)
    .action(async (opts: UpOptions) => {
      if (opts.control) {
        // A mistyped or non-loopback --control is a usage error, not a Berth without its API.
        try {
          parseControlAddress(opts.control);
        } catch (err) {
          process.stderr.write(`berth up: ${(err as Error).message}\n`);
          process.exit(2);
        }
      }
      let upstream: string;
      try {
        upstream = upstreamClient().description;
      } catch (err) {
        // BERTH_UPSTREAM_CLIENT asks for something this process cannot do.
        process.stderr.write(`berth up: ${(err as Error).message}\n`);
        process.exit(2);
      }
      const loaded = await loadConfigOrExit(opts.config);
      const engine = new BerthEngine({
        ...(loaded.config ? { config: loaded.config } : {}),
        ...(loaded.file ? { configFile: loaded.file } : {}),
        ...(opts.dockerHost ? { dockerHost: opts.dockerHost } : {}),
        ...(opts.trafficLimit !== undefined ? { trafficLimit: opts.trafficLimit } : {}),
        dataDir: dataDir(),
      });
      const print = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${line}\n`);

      engine.on('log', (e) => (e.level === 'info' ? print(e.message) : process.stderr.write(`${e.level}: ${e.message}\n`)));
      engine.on('targets', (e) => {
        const list = e.targets.map((t) => `${t.id} (${t.health}${t.stale ? ', stale: Docker unreachable' : ''})`).join(', ');
        print(`${e.targetGroup}: ${e.targets.length} target${e.targets.length === 1 ? '' : 's'}${list ? `  ${list}` : ''}`);
      });
      engine.on('health', (e) => print(`${e.targetGroup}: ${e.target} ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`));

      let control: ControlServer | undefined;
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        print(`${signal}: stopping`);
        Promise.all([control?.close(), engine.stop()]).then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      print(loaded.file ? `config ${loaded.file}` : 'no berth.yaml: zero-config mode (http://<service>.<project>.localhost:8080/, http://<container>.localhost:8080/)');
      print(`upstream client: ${upstream}`);
      await engine.start();
      const docker = engine.getState().discovery;
      if (docker.connected) print(`docker: connected to ${docker.endpoint} (${docker.source})`);
      else {
        process.stderr.write(
          `docker: ${docker.error ?? `not reachable at ${docker.endpoint} (from ${docker.source})`}\n` +
            (docker.lookedAt?.length ? `  looked at:\n${docker.lookedAt.map((place) => `    ${place}\n`).join('')}` : '') +
            `  fix: ${DOCKER_FIX}\n` +
            '  Static targets work meanwhile; Berth keeps retrying.\n',
        );
      }

      try {
        control = await startControl(engine, { dataDir: dataDir(), ...(opts.control ? { control: opts.control } : {}), ...(loaded.file ? { configFile: loaded.file } : {}) });
        print(`dashboard: ${control.url}/ (log in: open the link below; it carries the token)`);
        // The login link goes to the terminal only, never to a log line with a timestamp prefix.
        process.stdout.write(`  ${control.dashboardUrl}\n`);
      } catch (err) {
        process.stderr.write(`control API not started: ${err instanceof Error ? err.message : String(err)}\n`);
      }

    });
}
