import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../../main/config/data-dir.js';

describe('the data folder', () => {
  it('--data-dir, then BERTH_DATA_DIR, then the OS app-data folder', () => {
    expect(resolveDataDir('/x/opt', { BERTH_DATA_DIR: '/x/env' }, 'linux')).toBe('/x/opt');
    expect(resolveDataDir(undefined, { BERTH_DATA_DIR: '/x/env' }, 'linux')).toBe('/x/env');
    expect(resolveDataDir(undefined, { HOME: '/home/a' }, 'linux')).toBe('/home/a/.config/Berth');
    expect(resolveDataDir(undefined, { HOME: '/home/a', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Berth');
    expect(resolveDataDir(undefined, { HOME: '/home/a', XDG_CONFIG_HOME: 'relative' }, 'linux')).toBe('/home/a/.config/Berth');
    expect(resolveDataDir(undefined, { HOME: '/Users/a' }, 'darwin')).toBe('/Users/a/Library/Application Support/Berth');
    expect(resolveDataDir(undefined, { HOME: '/h', APPDATA: '/c/AppData/Roaming' }, 'win32')).toMatch(/[/\\]c[/\\]AppData[/\\]Roaming[/\\]Berth$/);
  });
});
