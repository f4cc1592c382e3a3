// Whether `berth start` must rebuild the desktop app before opening it: the window's page
// (renderer/dist) and the main process (dist-electron) are rebuilt when missing or older than any
// of their sources, so `npm start` never opens yesterday's code. An mtime walk costs a few ms.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', '.git']);

/** Newest modification time of the files under `dir` (0 when it does not exist). */
export function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function mtimeOrZero(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The npm scripts to run, in order, before the desktop app in `root` can start. */
export function staleDesktopBuilds(root: string): ('build:renderer' | 'build:electron')[] {
  const shared = newestMtime(join(root, 'shared'));
  const page = mtimeOrZero(join(root, 'renderer', 'dist', 'index.html'));
  const mainJs = Math.min(mtimeOrZero(join(root, 'dist-electron', 'main.js')), mtimeOrZero(join(root, 'dist-electron', 'preload.cjs')));
  const scripts: ('build:renderer' | 'build:electron')[] = [];
  if (page === 0 || Math.max(shared, newestMtime(join(root, 'renderer'))) > page) scripts.push('build:renderer');
  if (mainJs === 0 || Math.max(shared, newestMtime(join(root, 'main'))) > mainJs) scripts.push('build:electron');
  return scripts;
}
