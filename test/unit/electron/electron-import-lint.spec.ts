// The rule that keeps `electron` inside main/electron/, run through ESLint's Node API on source
// text placed at paths in the repository (nothing is written), so its own eslint.config.js decides.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function lint(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, relativePath), warnIgnored: true });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.message.includes('electron is imported only in main/electron/')).map((m) => m.ruleId ?? '');
}

const unique = `lint-probe-${process.pid}`;

describe('electron stays in main/electron', () => {
  it('refuses electron/main, electron and require("electron") in main/', async () => {
    expect(await lint(`main/engine/${unique}-a.ts`, "import { app } from 'electron/main';\nexport const name = app.name;\n")).toEqual(['no-restricted-imports']);
    expect(await lint(`main/engine/${unique}-b.ts`, "import { app } from 'electron';\nexport const name = app.name;\n")).toEqual(['no-restricted-imports']);
    expect(await lint(`main/engine/${unique}-c.ts`, "import { createRequire } from 'node:module';\nexport const e: unknown = createRequire(import.meta.url)('electron');\n")).toEqual(['no-restricted-syntax']);
    expect(await lint(`main/engine/${unique}-d.ts`, "export const load = () => import('electron/common');\n")).toEqual(['no-restricted-syntax']);
  }, 60_000);

  it('refuses it in test .tsx files and in the renderer', async () => {
    expect(await lint(`test/unit/renderer/${unique}.spec.tsx`, "import { ipcRenderer } from 'electron/renderer';\nexport const r = ipcRenderer;\n")).toEqual(['no-restricted-imports']);
    expect(await lint(`renderer/views/${unique}.tsx`, "import { shell } from 'electron';\nexport const s = shell;\n")).toEqual(['no-restricted-imports']);
  }, 60_000);

  it('allows it in main/electron/', async () => {
    expect(await lint(`main/electron/${unique}.ts`, "import { app } from 'electron/main';\nexport const name = app.name;\n")).toEqual([]);
  }, 60_000);
});
