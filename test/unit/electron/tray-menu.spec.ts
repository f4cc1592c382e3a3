import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTrayMenu, trayBadge, trayIcon, trayTooltip, type TrayItem } from '../../../main/electron/tray-menu.js';
import type { EngineState } from '../../../main/engine/engine-state.js';

function state(overrides: Partial<EngineState> = {}): EngineState {
  return {
    version: 3,
    mode: 'file',
    config: { loadBalancers: [], targetGroups: [] },
    paused: false,
    loadBalancers: [
      {
        name: 'web',
        type: 'application',
        listeners: [
          { loadBalancer: 'web', id: '8080/HTTP', address: '127.0.0.1', port: 8080, protocol: 'HTTP', enabled: true, status: 'ok', url: 'http://127.0.0.1:8080/' },
          { loadBalancer: 'web', id: '8443/HTTPS', address: '127.0.0.1', port: 8443, protocol: 'HTTPS', enabled: false, status: 'disabled', url: 'https://127.0.0.1:8443/' },
        ],
      },
      { name: 'edge', type: 'network', listeners: [{ loadBalancer: 'edge', id: '7000/TCP', address: '127.0.0.1', port: 7000, protocol: 'TCP', enabled: true, status: 'error', error: 'port taken' }] },
    ],
    targetGroups: [{ name: 'users', protocol: 'HTTP', targets: [{ id: 'web-1:49153', host: '127.0.0.1', port: 49153, source: 'docker', targetGroup: 'users', health: 'healthy', inFlight: 0 }] }],
    containers: [],
    discovery: { connected: true, stale: false, endpoint: 'unix:///var/run/docker.sock', source: 'default' },
    problems: [],
    ...overrides,
  };
}

const settings = { openAtLogin: false, notifications: true, closeToTray: true };
const checkboxes = (items: TrayItem[]) => items.filter((i): i is Extract<TrayItem, { type: 'checkbox' }> => i.type === 'checkbox');

describe('tray menu', () => {
  it('lists each listener as a checkbox reflecting its state, with its URL', () => {
    const boxes = checkboxes(buildTrayMenu(state(), settings, false));
    const http = boxes.find((b) => b.label.startsWith('8080/HTTP'))!;
    const https = boxes.find((b) => b.label.startsWith('8443/HTTPS'))!;
    expect(http.checked).toBe(true);
    expect(http.label).toContain('http://127.0.0.1:8080/');
    expect(https.checked).toBe(false);
    expect(boxes.find((b) => b.label.startsWith('7000/TCP'))!.label).toContain('error');
  });

  it('toggling a listener issues setListenerEnabled with the opposite state', () => {
    const boxes = checkboxes(buildTrayMenu(state(), settings, false));
    expect(boxes.find((b) => b.label.startsWith('8080/HTTP'))!.command).toEqual({
      kind: 'call',
      method: 'setListenerEnabled',
      input: { loadBalancer: 'web', listener: '8080/HTTP', enabled: false },
    });
    expect(boxes.find((b) => b.label.startsWith('8443/HTTPS'))!.command).toMatchObject({ input: { enabled: true } });
  });

  it('offers pause-all reflecting the paused flag and the settings', () => {
    const paused = checkboxes(buildTrayMenu(state(), settings, true)).find((b) => b.label === 'Pause all traffic')!;
    expect(paused.checked).toBe(true);
    expect(paused.command).toEqual({ kind: 'call', method: 'pauseAll', input: { paused: false } });
    const login = checkboxes(buildTrayMenu(state(), settings, false)).find((b) => b.label === 'Start at login')!;
    expect(login.command).toEqual({ kind: 'set-setting', setting: 'openAtLogin', value: true });
  });

  it('copies only URLs of enabled listeners, and ends with quit', () => {
    const items = buildTrayMenu(state(), settings, false);
    const copy = items.find((i): i is Extract<TrayItem, { type: 'submenu' }> => i.type === 'submenu' && i.label === 'Copy URL')!;
    expect(copy.items.map((i) => (i.type === 'normal' ? i.label : ''))).toEqual(['http://127.0.0.1:8080/']);
    expect(items.at(-1)).toEqual({ type: 'normal', label: 'Quit Berth', command: { kind: 'quit' } });
  });

  it('says so when there are no listeners', () => {
    const items = buildTrayMenu(state({ loadBalancers: [] }), settings, false);
    expect(items[0]).toEqual({ type: 'normal', label: 'No listeners', enabled: false });
  });

  it('badges errors, unhealthy targets and pause', () => {
    expect(trayBadge(state(), false)).toBe('error');
    expect(trayBadge(state(), true)).toBe('paused');
    const healthy = state({ loadBalancers: [] });
    expect(trayBadge(healthy, false)).toBe('ok');
    healthy.targetGroups[0]!.targets[0]!.health = 'unhealthy';
    expect(trayBadge(healthy, false)).toBe('unhealthy');
    expect(trayTooltip(healthy, false)).toContain('1 unhealthy target');
  });

  it('a berth.yaml that cannot be loaded: error icon, a menu line with each problem at FILE:LINE:COL, a tooltip word; cleared once valid', () => {
    const problems = [
      { file: '/home/dev/shop/berth.yaml', line: 5, column: 15, path: 'loadBalancers[0].listeners[0].port', message: 'a port is 1–65535, got 99999' },
      { file: '/home/dev/shop/berth.yaml', line: 9, column: 3, path: '', message: 'a tab used for indentation; YAML indents with spaces' },
    ];
    const fine = state({ loadBalancers: [], configFile: '/home/dev/shop/berth.yaml', configFileState: { revision: '0123456789abcdef', status: 'ok', problems: [], loadedAt: 0 } });
    const broken = { ...fine, configFileState: { ...fine.configFileState!, status: 'invalid' as const, problems } };
    expect(trayBadge(fine, false)).toBe('ok');
    expect(trayBadge(broken, false)).toBe('error');
    expect(trayIcon(trayBadge(broken, false), 'darwin', false)).toEqual({ file: 'tray-error.png', template: false });
    expect(trayTooltip(broken, false)).toContain('berth.yaml not valid');
    const menu = buildTrayMenu(broken, settings, false);
    expect(menu.slice(0, 5)).toEqual([
      { type: 'normal', label: '⚠ berth.yaml has 2 problems: the last good version keeps running', enabled: false },
      { type: 'normal', label: '    berth.yaml:5:15  loadBalancers[0].listeners[0].port: a port is 1–65535, got 99999', enabled: false },
      { type: 'normal', label: '    berth.yaml:9:3  a tab used for indentation; YAML indents with spaces', enabled: false },
      { type: 'normal', label: 'Show the problems in Berth', command: { kind: 'open-window' } },
      { type: 'separator' },
    ]);
    expect(menu[5]).toEqual({ type: 'normal', label: 'No listeners', enabled: false });
    const deleted = buildTrayMenu({ ...fine, configFileState: { ...fine.configFileState!, status: 'missing', problems: [problems[0]!] } }, settings, false);
    expect(deleted[0]).toEqual({ type: 'normal', label: '⚠ berth.yaml was deleted: the last good version keeps running', enabled: false });
    expect(buildTrayMenu(fine, settings, false)[0]).toEqual({ type: 'normal', label: 'No listeners', enabled: false });
  });

  it('offers close-to-tray as a checkbox that flips the setting', () => {
    const on = checkboxes(buildTrayMenu(state(), settings, false)).find((b) => b.label === 'Keep running when the window closes')!;
    expect(on.checked).toBe(true);
    expect(on.command).toEqual({ kind: 'set-setting', setting: 'closeToTray', value: false });
    const off = checkboxes(buildTrayMenu(state(), { ...settings, closeToTray: false }, false)).find((b) => b.label === 'Keep running when the window closes')!;
    expect(off.checked).toBe(false);
    expect(off.command).toEqual({ kind: 'set-setting', setting: 'closeToTray', value: true });
  });

  it('uses a template image on macOS and the theme’s icon elsewhere; badges keep their colour', () => {
    expect(trayIcon('ok', 'darwin', false)).toEqual({ file: 'tray-template.png', template: true });
    expect(trayIcon('ok', 'darwin', true)).toEqual({ file: 'tray-template.png', template: true });
    expect(trayIcon('ok', 'linux', true)).toEqual({ file: 'tray-dark.png', template: false });
    expect(trayIcon('ok', 'win32', false)).toEqual({ file: 'tray-light.png', template: false });
    expect(trayIcon('unhealthy', 'darwin', false)).toEqual({ file: 'tray-unhealthy.png', template: false });
    expect(trayIcon('paused', 'linux', true)).toEqual({ file: 'tray-paused.png', template: false });
  });

  it('every icon it names ships in assets/ at 1x and 2x', () => {
    const assets = fileURLToPath(new URL('../../../assets/', import.meta.url));
    for (const badge of ['ok', 'unhealthy', 'paused', 'error'] as const) {
      for (const [platform, dark] of [['darwin', false], ['linux', false], ['linux', true]] as const) {
        const { file } = trayIcon(badge, platform, dark);
        expect(existsSync(join(assets, file)), file).toBe(true);
        expect(existsSync(join(assets, file.replace('.png', '@2x.png'))), file).toBe(true);
      }
    }
  });
});
