// Can the desktop app start here? Finds Electron's binary and a display; when either is missing,
// says why in one line so `npm start` can fall back to the headless engine.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

export type LaunchCheck = { ok: true; binary: string } | { ok: false; reason: string };

export function checkElectron(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): LaunchCheck {
  if (env.BERTH_HEADLESS === '1') return { ok: false, reason: 'BERTH_HEADLESS=1 is set' };
  let binary: string;
  try {
    // The electron package's main export is the path of its downloaded binary; it throws when the
    // download never happened (offline install, install scripts disabled).
    binary = createRequire(import.meta.url)('electron') as string;
  } catch (err) {
    const first = String(err instanceof Error ? err.message : err).split('\n')[0];
    return { ok: false, reason: `the Electron binary is not installed (${first})` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { ok: false, reason: `the Electron binary is missing at ${String(binary)}` };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { ok: false, reason: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return { ok: true, binary };
}
