// The data folder and CA key are narrowed when found wider, but a folder everyone shares (sticky bit,
// as /tmp) is never closed: other users' files live there.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { narrowMode } from '../../../main/config/private-modes.js';

const root = mkdtempSync(join(tmpdir(), 'berth-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('narrowMode', () => {
  it('takes the extra bits off a private folder', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    chmodSync(dir, 0o755);
    expect(await narrowMode(dir, 0o700)).toEqual({ path: dir, from: 0o755, to: 0o700 });
    expect(statSync(dir).mode & 0o7777).toBe(0o700);
  });

  it('leaves a shared sticky folder as it is and says why', async () => {
    const dir = mkdtempSync(join(root, 'shared-'));
    chmodSync(dir, 0o1777);
    const fix = await narrowMode(dir, 0o700);
    expect(fix?.error).toMatch(/shared folder/);
    expect(statSync(dir).mode & 0o7777).toBe(0o1777);
  });
});
