// The tray menu as data: a pure function of the engine's state and the user's settings. The Electron
// layer turns it into a native Menu and runs each item's command; tests assert it directly.
import type { EngineState } from '../engine/engine-state.js';
import { isUnhealthy } from '../../shared/model/state.js';

export type TrayCommand =
  | { kind: 'call'; method: 'setListenerEnabled'; input: { loadBalancer: string; listener: string; enabled: boolean } }
  | { kind: 'call'; method: 'pauseAll'; input: { paused: boolean } }
  | { kind: 'open-window' }
  | { kind: 'open-dashboard' }
  | { kind: 'copy'; text: string }
  | { kind: 'set-setting'; setting: 'openAtLogin' | 'notifications' | 'closeToTray'; value: boolean }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'normal'; label: string; enabled?: boolean; command?: TrayCommand }
  | { type: 'checkbox'; label: string; checked: boolean; enabled?: boolean; command: TrayCommand }
  | { type: 'separator' }
  | { type: 'submenu'; label: string; items: TrayItem[] };

export interface TraySettings {
  openAtLogin: boolean;
  notifications: boolean;
  closeToTray: boolean;
}

export type TrayBadge = 'ok' | 'unhealthy' | 'paused' | 'error';

export function trayBadge(state: EngineState, paused: boolean): TrayBadge {
  if (paused) return 'paused';
  // A berth.yaml that cannot be loaded is an error to fix, even though the last good version still runs.
  if (configBroken(state)) return 'error';
  if (state.loadBalancers.some((lb) => lb.listeners.some((l) => l.status === 'error'))) return 'error';
  if (state.targetGroups.some((tg) => tg.targets.some((t) => isUnhealthy(t.health)))) return 'unhealthy';
  return 'ok';
}

/**
 * The tray image for a badge. macOS draws menu-bar icons itself from a template image (black with
 * alpha) so they follow the menu bar's appearance; elsewhere the light or dark icon is chosen from
 * the OS theme, and coloured badges stay coloured everywhere.
 */
export function trayIcon(badge: TrayBadge, platform: NodeJS.Platform, darkTheme: boolean): { file: string; template: boolean } {
  if (badge !== 'ok') return { file: `tray-${badge}.png`, template: false };
  if (platform === 'darwin') return { file: 'tray-template.png', template: true };
  return { file: darkTheme ? 'tray-dark.png' : 'tray-light.png', template: false };
}

export function trayTooltip(state: EngineState, paused: boolean): string {
  const listeners = state.loadBalancers.flatMap((lb) => lb.listeners);
  const on = listeners.filter((l) => l.enabled && l.status === 'ok').length;
  const unhealthy = state.targetGroups.reduce((n, tg) => n + tg.targets.filter((t) => isUnhealthy(t.health)).length, 0);
  const parts = [`Berth: ${on}/${listeners.length} listeners on`];
  if (unhealthy) parts.push(`${unhealthy} unhealthy target${unhealthy === 1 ? '' : 's'}`);
  if (paused) parts.push('traffic paused');
  const file = state.configFileState;
  if (file && file.status !== 'ok') parts.push(file.status === 'missing' ? 'berth.yaml deleted' : 'berth.yaml not valid');
  return parts.join(' · ');
}

/** Most problems listed in the menu; the window shows them all. */
const MENU_PROBLEMS = 3;

/** The menu's first lines while berth.yaml cannot be loaded: what is wrong, where, and that the last good version runs. */
export function configProblemItems(state: EngineState): TrayItem[] {
  const file = state.configFileState;
  if (!file || file.status === 'ok') return [];
  const name = state.configFile?.split(/[\\/]/).pop() ?? 'berth.yaml';
  const n = file.problems.length;
  const headline =
    file.status === 'missing' ? `⚠ ${name} was deleted: the last good version keeps running` : `⚠ ${name} has ${n} problem${n === 1 ? '' : 's'}: the last good version keeps running`;
  const items: TrayItem[] = [{ type: 'normal', label: headline, enabled: false }];
  if (file.status === 'invalid') {
    for (const p of file.problems.slice(0, MENU_PROBLEMS)) items.push({ type: 'normal', label: `    ${name}:${p.line}:${p.column}  ${p.path ? `${p.path}: ` : ''}${p.message}`, enabled: false });
    if (n > MENU_PROBLEMS) items.push({ type: 'normal', label: `    … and ${n - MENU_PROBLEMS} more`, enabled: false });
  }
  items.push({ type: 'normal', label: 'Show the problems in Berth', command: { kind: 'open-window' } }, { type: 'separator' });
  return items;
}

function configBroken(state: EngineState): boolean {
  return state.configFileState !== undefined && state.configFileState.status !== 'ok';
}

export function buildTrayMenu(state: EngineState, settings: TraySettings, paused: boolean): TrayItem[] {
  const items: TrayItem[] = [...configProblemItems(state)];
  const listenersFrom = items.length;
  for (const lb of state.loadBalancers) {
    if (lb.listeners.length === 0) continue;
    items.push({ type: 'normal', label: `${lb.name} (${lb.type === 'application' ? 'ALB' : 'NLB'})`, enabled: false });
    for (const l of lb.listeners) {
      const suffix = l.status === 'error' ? ' — error' : '';
      items.push({
        type: 'checkbox',
        label: `${l.id}  ${l.url ?? `${l.address}:${l.port}`}${suffix}`,
        checked: l.enabled,
        command: { kind: 'call', method: 'setListenerEnabled', input: { loadBalancer: lb.name, listener: l.id, enabled: !l.enabled } },
      });
    }
  }
  if (items.length === listenersFrom) items.push({ type: 'normal', label: 'No listeners', enabled: false });

  const urls = state.loadBalancers.flatMap((lb) => lb.listeners.filter((l) => l.url && l.enabled).map((l) => l.url!));
  items.push(
    { type: 'separator' },
    { type: 'checkbox', label: 'Pause all traffic', checked: paused, command: { kind: 'call', method: 'pauseAll', input: { paused: !paused } } },
    { type: 'separator' },
    { type: 'normal', label: 'Open Berth', command: { kind: 'open-window' } },
    { type: 'normal', label: 'Open dashboard in browser', command: { kind: 'open-dashboard' } },
  );
  if (urls.length > 0) {
    items.push({ type: 'submenu', label: 'Copy URL', items: urls.map((url) => ({ type: 'normal' as const, label: url, command: { kind: 'copy' as const, text: url } })) });
  }
  items.push(
    { type: 'separator' },
    { type: 'checkbox', label: 'Start at login', checked: settings.openAtLogin, command: { kind: 'set-setting', setting: 'openAtLogin', value: !settings.openAtLogin } },
    { type: 'checkbox', label: 'Notify when a target group goes down', checked: settings.notifications, command: { kind: 'set-setting', setting: 'notifications', value: !settings.notifications } },
    { type: 'checkbox', label: 'Keep running when the window closes', checked: settings.closeToTray, command: { kind: 'set-setting', setting: 'closeToTray', value: !settings.closeToTray } },
    { type: 'separator' },
    { type: 'normal', label: 'Quit Berth', command: { kind: 'quit' } },
  );
  return items;
}
