// The e2e drives the built dashboard (renderer/dist, served by `berth up`): build it when it is
// missing or older than any renderer source, so a plain `vitest run` never tests a stale page.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const renderer = join(root, 'renderer');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  const index = join(renderer, 'dist', 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return built >= newestSource(renderer) && newestSource(join(root, 'shared')) <= built;
}

/** Several test files (in parallel workers) may need the page at once: one builds, the others wait
 * for it, since a build empties renderer/dist before it writes the new page. */
const LOCK = join(renderer, '.build-lock');
const STALE_LOCK_MS = 5 * 60_000;

export async function ensureRendererBuilt(): Promise<void> {
  if (fresh()) return;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed run is taken over once it is clearly older than any build.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`the dashboard build lock ${LOCK} was held for 10 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(renderer, 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: root,
      encoding: 'utf8',
      // Vitest runs with NODE_ENV=test, which would make Vite build React's development runtime: the
      // page under test must be the one users get.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error(`npm run build:renderer failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
