import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newestMtime, staleDesktopBuilds } from '../../../main/cli/desktop-build.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

describe('when `berth start` rebuilds the desktop app', () => {
  let dir: TempDir | undefined;
  afterEach(async () => dir?.remove());

  /** Writes `path` under the temp root with its mtime `secondsAgo` in the past. */
  const file = (path: string, secondsAgo: number) => {
    const full = join(dir!.path, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, path);
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(full, t, t);
  };

  async function checkout() {
    dir = await tempDir();
    file('main/engine/berth-engine.ts', 600);
    file('main/electron/main.ts', 600);
    file('shared/model/state.ts', 600);
    file('renderer/app.tsx', 600);
    file('renderer/views/traffic/traffic-view.tsx', 600);
    return dir.path;
  }

  it('builds both on first start', async () => {
    expect(staleDesktopBuilds(await checkout())).toEqual(['build:renderer', 'build:electron']);
  });

  it('builds nothing when both outputs are newer than every source', async () => {
    const root = await checkout();
    file('renderer/dist/index.html', 60);
    file('dist-electron/main.js', 60);
    file('dist-electron/preload.cjs', 60);
    expect(staleDesktopBuilds(root)).toEqual([]);
  });

  it('rebuilds the main process after a change under main/, the page after a change under renderer/, both after shared/', async () => {
    const root = await checkout();
    const built = () => {
      file('renderer/dist/index.html', 60);
      file('dist-electron/main.js', 60);
      file('dist-electron/preload.cjs', 60);
    };
    built();
    file('main/engine/berth-engine.ts', 1);
    expect(staleDesktopBuilds(root)).toEqual(['build:electron']);
    built();
    file('main/engine/berth-engine.ts', 600);
    file('renderer/views/traffic/traffic-view.tsx', 1);
    expect(staleDesktopBuilds(root)).toEqual(['build:renderer']);
    file('renderer/views/traffic/traffic-view.tsx', 600);
    file('shared/model/state.ts', 1);
    expect(staleDesktopBuilds(root)).toEqual(['build:renderer', 'build:electron']);
  });

  it('rebuilds when one of the main-process outputs is missing', async () => {
    const root = await checkout();
    file('renderer/dist/index.html', 60);
    file('dist-electron/main.js', 60);
    expect(staleDesktopBuilds(root)).toEqual(['build:electron']);
  });

  it('does not count the page’s own build output as a renderer source', async () => {
    const root = await checkout();
    file('renderer/dist/index.html', 60);
    file('renderer/dist/assets/index.js', 1);
    expect(newestMtime(join(root, 'renderer'))).toBeLessThan(Date.now() - 300_000);
  });
});
