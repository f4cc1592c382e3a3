import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, readSettings, settingsFile, writeSettings } from '../../../main/electron/desktop-settings.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

describe('desktop settings', () => {
  let dir: TempDir | undefined;
  afterEach(async () => dir?.remove());

  it('keeps close-to-tray, the other toggles and the window bounds across restarts', async () => {
    dir = await tempDir();
    const file = settingsFile(dir.path);
    expect(readSettings(file)).toEqual(DEFAULT_SETTINGS);
    writeSettings(file, { openAtLogin: true, notifications: true, closeToTray: false, bounds: { x: 10, y: 20, width: 900, height: 700 } });
    expect(readSettings(file)).toEqual({ openAtLogin: true, notifications: true, closeToTray: false, bounds: { x: 10, y: 20, width: 900, height: 700 } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ closeToTray: false });
  });

  it('opens with the defaults when the file is damaged or holds wrong types', async () => {
    dir = await tempDir();
    const file = settingsFile(dir.path);
    writeFileSync(file, '{"closeToTray": fal');
    expect(readSettings(file)).toEqual(DEFAULT_SETTINGS);
    writeFileSync(file, JSON.stringify({ closeToTray: 'no', notifications: true, bounds: 3 }));
    expect(readSettings(file)).toEqual({ ...DEFAULT_SETTINGS, notifications: true });
  });
});
