// A fresh folder per test for config files, data dirs and certificates; removed when asked, and
// kept instead when BERTH_KEEP_TEMP=1 so a failing run can be inspected afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function tempDir(prefix = 'berth-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    remove: async () => {
      if (process.env.BERTH_KEEP_TEMP === '1') return;
      await rm(path, { recursive: true, force: true });
    },
  };
}
