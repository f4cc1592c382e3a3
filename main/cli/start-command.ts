// `berth start` (npm start): the desktop app where Electron can run; otherwise one line saying why,
// and the headless engine with the dashboard URL, so the command always does the main job.
import type { Command } from 'commander';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkElectron } from './electron-launch.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('open the desktop app (falls back to `berth up` with the dashboard where Electron cannot start)')
    .option('-c, --config <file>', 'berth.yaml to load')
    .allowUnknownOption(false)
    .action(async (opts: { config?: string }) => {
      const check = checkElectron();
      const root = fileURLToPath(new URL('../../', import.meta.url));
      const main = fileURLToPath(new URL('../../dist-electron/main.js', import.meta.url));
      if (check.ok && !existsSync(main)) {
        // First start with Electron present: build the window's page and the main process once.
        process.stderr.write('berth: building the desktop app (first start)…\n');
        for (const script of ['build:renderer', 'build:electron']) spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
      }
      const reason = !check.ok ? check.reason : !existsSync(main) ? 'building the desktop app failed (npm run build:electron)' : undefined;
      if (!reason && check.ok) {
        const child = spawn(check.binary, [main], { stdio: 'inherit', env: { ...process.env, ...(opts.config ? { BERTH_CONFIG: opts.config } : {}) } });
        child.on('exit', (code) => process.exit(code ?? 0));
        return;
      }
      process.stderr.write(`berth: the desktop app cannot start here: ${reason}; running headless instead.\n`);
      await program.parseAsync([process.argv[0]!, process.argv[1]!, ...(program.opts<{ dataDir?: string }>().dataDir ? ['--data-dir', program.opts<{ dataDir: string }>().dataDir] : []), 'up', ...(opts.config ? ['-c', opts.config] : [])]);
    });
}
