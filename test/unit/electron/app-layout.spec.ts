import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appLayout } from '../../../main/electron/app-layout.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the desktop app layout', () => {
  it('finds the files where the build scripts and the packager put them', () => {
    const layout = appLayout(root);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; productName?: string; scripts: Record<string, string> };
    expect(pkg.scripts['build:electron']).toContain(`--outfile=${relative(root, layout.preload)}`);
    expect(pkg.main).toBe('dist-electron/main.js');
    expect(pkg.productName).toBe('Berth');
    // vite.config.ts builds into renderer/dist; electron-builder ships these folders.
    expect(relative(root, layout.rendererDir)).toBe(join('renderer', 'dist'));
    const builder = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    for (const dir of [layout.rendererDir, layout.assets, join(layout.preload, '..')]) expect(builder).toContain(`- ${relative(root, dir)}/**`);
  });
});
