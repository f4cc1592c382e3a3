// `berth validate`: the same loading and validation `berth up` does, without starting anything.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { BerthConfig } from '../../shared/model/index.js';
import { loadConfig, formatProblem } from '../config/load-config.js';

export function summarise(config: BerthConfig): string {
  const listeners = config.loadBalancers.reduce((n, lb) => n + lb.listeners.length, 0);
  const rules = config.loadBalancers.reduce((n, lb) => n + lb.listeners.reduce((m, l) => m + l.rules.length, 0), 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(config.loadBalancers.length, 'load balancer')}, ${plural(listeners, 'listener')}, ${plural(rules, 'rule')}, ${plural(config.targetGroups.length, 'target group')}`;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check berth.yaml: exit 0 if valid, else print every problem as FILE:LINE:COL  path  message')
    .option('-c, --config <file>', 'the config to check', 'berth.yaml')
    .action(async (opts: { config: string }) => {
      const file = resolve(opts.config);
      const result = await loadConfig(file);
      if (result.ok) {
        process.stdout.write(`${opts.config} is valid: ${summarise(result.config)}\n`);
        return;
      }
      for (const p of result.problems) process.stdout.write(`${formatProblem({ ...p, file: opts.config })}\n`);
      process.stderr.write(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${opts.config}\n`);
      process.exitCode = 1;
    });
}
