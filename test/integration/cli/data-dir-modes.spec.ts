// `berth up` on a data folder that others can read: the folder becomes 0700 and the CA key 0600, one
// warning line each naming the path and both modes, and a second start finds nothing to say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa } from '../../../main/tls/index.js';
import { startBerthUp } from '../../helpers/berth-up-process.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('data folder and CA key modes', () => {
  let dir: TempDir;
  let dataDir: string;
  let key: string;
  let config: string;
  let port: number;

  beforeAll(async () => {
    dir = await tempDir('berth-modes-');
    dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    const ca = await createCa(dataDir);
    key = ca.paths.key;
    // As a folder made by hand (or an old version) and a key copied with cp under umask 022 leave them.
    chmodSync(dataDir, 0o755);
    chmodSync(key, 0o644);
    port = await freePort();
    config = join(dir.path, 'berth.yaml');
    writeFileSync(config, `loadBalancers:\n  - name: web\n    listeners:\n      - { port: ${port}, protocol: HTTP, defaultAction: { fixedResponse: { statusCode: 200, messageBody: up } } }\n`);
  }, 60_000);

  afterAll(() => dir?.remove());

  it('narrows both, says so once for each, and serves as usual', async () => {
    const up = startBerthUp({ config, dataDir });
    try {
      await up.waitFor('dashboard: ');
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(key)).toBe(0o600);
      const lines = up.output().split('\n');
      expect(lines.filter((l) => l.includes('mode 0'))).toEqual([
        `warn: the data folder ${dataDir} had mode 0755; changed it to 0700 so other users cannot read it`,
        `warn: the CA's private key ${key} had mode 0644; changed it to 0600 so other users cannot read it`,
      ]);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('up');
    } finally {
      expect(await up.stop()).toBe(0);
    }
  }, 60_000);

  it('says nothing when they are already private, and never widens a narrower mode', async () => {
    chmodSync(dataDir, 0o700);
    chmodSync(key, 0o400);
    const up = startBerthUp({ config, dataDir });
    try {
      await up.waitFor('dashboard: ');
      expect(up.output()).not.toContain('mode 0');
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(key)).toBe(0o400);
    } finally {
      expect(await up.stop()).toBe(0);
    }
  }, 60_000);
});
