// `berth targets`: a one-shot table of what each target group would contain now.
import type { Command } from 'commander';
import { DockerDiscovery } from '../discovery/index.js';
import { zeroConfig } from '../config/zero-config.js';
import { labelsToConfig } from '../config/labels.js';
import { desiredTargets } from '../engine/target-sync.js';
import { loadConfigOrExit } from './config-option.js';

export function registerTargetsCommand(program: Command): void {
  program
    .command('targets')
    .description('print what each target group would contain now')
    .option('-c, --config <file>', 'berth.yaml to load (default: ./berth.yaml; none → zero-config)')
    .option('--docker-host <url>', 'Docker endpoint')
    .action(async (opts: { config?: string; dockerHost?: string }) => {
      const loaded = await loadConfigOrExit(opts.config);
      const discovery = new DockerDiscovery(opts.dockerHost ? { dockerHost: opts.dockerHost } : {});
      await discovery.start();
      const containers = discovery.containers();
      const status = discovery.status();
      await discovery.stop();
      if (!status.connected) {
        process.stderr.write(`docker: not reachable at ${status.endpoint} (${status.source})${status.error ? `: ${status.error}` : ''}\n`);
        if (status.lookedAt?.length) process.stderr.write(`  looked at:\n${status.lookedAt.map((place) => `    ${place}\n`).join('')}`);
      }

      const config = labelsToConfig(containers, loaded.config ?? zeroConfig(containers)).config;
      const rows: string[][] = [['TARGET GROUP', 'TARGET', 'ADDRESS', 'SOURCE', 'CONTAINER', 'STATE']];
      for (const tg of config.targetGroups) {
        const targets = desiredTargets(tg, containers);
        if (targets.length === 0) rows.push([tg.name, '-', '-', '-', '-', 'no targets']);
        for (const t of targets) {
          rows.push([tg.name, t.id, `${t.host}:${t.port}`, t.source, t.containerName ?? '-', t.paused ? 'paused' : t.dockerHealth === 'unhealthy' ? 'docker-unhealthy' : 'running']);
        }
      }
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    });
}
