// `berth start` (npm start): the desktop app where Electron can run; otherwise one line saying why,
// and the headless engine with the dashboard URL, so the command always does the main job.
import type { Command } from 'commander';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkElectron } from './electron-launch.js';
import { staleDesktopBuilds } from './desktop-build.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('open the desktop app (falls back to `berth up` with the dashboard where Electron cannot start; BERTH_HEADLESS=1 forces that)')
    .option('-c, --config <file>', 'berth.yaml to load')
    .allowUnknownOption(false)
    .action(async (opts: { config?: string }) => {
      const check = checkElectron();
      const dataDir = program.opts<{ dataDir?: string }>().dataDir;
      const root = fileURLToPath(new URL('../../', import.meta.url));
      const main = fileURLToPath(new URL('../../dist-electron/main.js', import.meta.url));
      let reason = check.ok ? undefined : check.reason;
      if (check.ok) {
        const stale = staleDesktopBuilds(root);
        if (stale.length > 0) process.stderr.write(`berth: building the desktop app (${stale.join(', ')})…\n`);
        for (const script of stale) {
          const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
          if (r.status !== 0) reason = `building the desktop app failed (npm run ${script})`;
        }
        if (!reason && !existsSync(main)) reason = 'building the desktop app failed (npm run build:electron)';
      }
      if (check.ok && !reason) {
        // The app folder (not main.js) is what Electron is given, so app.getAppPath() is the folder
        // with package.json, renderer/dist and assets, as in the packaged app.
        const env = { ...process.env, ...(opts.config ? { BERTH_CONFIG: resolve(opts.config) } : {}), ...(dataDir ? { BERTH_DATA_DIR: resolve(dataDir) } : {}) };
        const child = spawn(check.binary, [root], { stdio: 'inherit', env });
        child.on('exit', (code) => process.exit(code ?? 0));
        return;
      }
      process.stderr.write(`berth: the desktop app cannot start here: ${reason}; running headless instead.\n`);
      await program.parseAsync([process.argv[0]!, process.argv[1]!, ...(dataDir ? ['--data-dir', dataDir] : []), 'up', ...(opts.config ? ['-c', opts.config] : [])]);
    });
}
