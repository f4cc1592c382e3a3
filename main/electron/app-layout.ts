// Where the desktop app's files sit, relative to app.getAppPath(): the folder with package.json in
// a checkout (`berth start` passes it to Electron) and resources/app.asar once packaged. Resolving
// from there, not from the bundle's own URL, keeps the window, the tray and the dashboard served to
// browsers on the same built files in both cases.
import { join } from 'node:path';

export interface AppLayout {
  /** The built dashboard (vite's outDir): the window's page and the control server's static root. */
  rendererDir: string;
  preload: string;
  assets: string;
}

export function appLayout(appPath: string): AppLayout {
  return {
    rendererDir: join(appPath, 'renderer', 'dist'),
    preload: join(appPath, 'dist-electron', 'preload.cjs'),
    assets: join(appPath, 'assets'),
  };
}
