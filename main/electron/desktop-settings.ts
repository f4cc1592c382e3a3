// The desktop app's own preferences (tray toggles, window bounds) in desktop.json in the data
// folder: read leniently, since a damaged or older file must never stop the app from opening.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WindowBounds } from './window-options.js';
import type { TraySettings } from './tray-menu.js';

export interface DesktopSettings extends TraySettings {
  bounds?: WindowBounds;
}

export const DEFAULT_SETTINGS: DesktopSettings = { openAtLogin: false, notifications: false, closeToTray: true };

export function settingsFile(dataDir: string): string {
  return join(dataDir, 'desktop.json');
}

export function readSettings(file: string): DesktopSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const flag = (key: keyof TraySettings) => (typeof r[key] === 'boolean' ? (r[key] as boolean) : DEFAULT_SETTINGS[key]);
  return {
    openAtLogin: flag('openAtLogin'),
    notifications: flag('notifications'),
    closeToTray: flag('closeToTray'),
    // Checked against the displays when the window opens (restoreBounds).
    ...(r.bounds && typeof r.bounds === 'object' ? { bounds: r.bounds as WindowBounds } : {}),
  };
}

/** Written whole through a temporary file, so a crash mid-write leaves the previous settings. */
export function writeSettings(file: string, settings: DesktopSettings): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(tmp, file);
}
