// Where Berth keeps its state (CA, certificates, control endpoint): --data-dir, else
// BERTH_DATA_DIR, else the OS's application-data folder (the one Electron's userData points at).
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export function resolveDataDir(option?: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (option) return resolve(option);
  if (env.BERTH_DATA_DIR) return resolve(env.BERTH_DATA_DIR);
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Berth');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Berth');
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'Berth');
}
