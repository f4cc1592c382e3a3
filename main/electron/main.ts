// The desktop app: the engine in-process, one window over the IPC bridge, a tray with listener
// toggles. Everything that can be decided without Electron lives in the files beside this one.
import { app, BrowserWindow, ipcMain, Menu, Notification, shell, session, Tray, clipboard, nativeImage, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BerthEngine } from '../engine/index.js';
import { createHandlers } from '../control/handlers.js';
import { inProcessClient, startControl, type ControlServer } from '../control/index.js';
import { loadConfig } from '../config/load-config.js';
import { resolveDataDir } from '../config/data-dir.js';
import { registerIpcBridge } from './ipc-bridge.js';
import { contentSecurityPolicy, isAppUrl, isExternalLink, windowOptions, DEFAULT_BOUNDS, type WindowBounds } from './window-options.js';
import { buildTrayMenu, trayBadge, trayTooltip, type TrayCommand, type TrayItem, type TraySettings } from './tray-menu.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Built layout: dist-electron/{main.js,preload.cjs} beside renderer/dist and assets/.
const entry = pathToFileURL(join(here, '..', 'renderer', 'dist', 'index.html')).href;
const preload = join(here, 'preload.cjs');
const assets = join(here, '..', 'assets');

if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | undefined;
let tray: Tray | undefined;
let engine: BerthEngine;
let control: ControlServer | undefined;
let quitting = false;
const dataDir = resolveDataDir(process.env.BERTH_DATA_DIR ?? app.getPath('userData'));
const settingsFile = join(dataDir, 'desktop.json');
let settings: TraySettings & { bounds?: WindowBounds } = { openAtLogin: false, notifications: false, closeToTray: true };
try {
  settings = { ...settings, ...(JSON.parse(readFileSync(settingsFile, 'utf8')) as typeof settings) };
} catch {
  // first run
}
const save = () => writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

function openWindow(): void {
  if (window) return void window.show();
  window = new BrowserWindow(windowOptions(preload, settings.bounds ?? DEFAULT_BOUNDS));
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, entry)) {
      event.preventDefault();
      if (isExternalLink(url)) void shell.openExternal(url);
    }
  });
  window.on('close', (event) => {
    settings.bounds = window!.getBounds();
    save();
    if (settings.closeToTray && !quitting) {
      event.preventDefault();
      window!.hide();
    }
  });
  window.on('closed', () => (window = undefined));
  window.once('ready-to-show', () => window?.show());
  void window.loadURL(entry);
}

function toMenu(items: TrayItem[]): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.type === 'separator') return { type: 'separator' };
    if (item.type === 'submenu') return { label: item.label, submenu: toMenu(item.items) };
    const run = item.command;
    return { type: item.type, label: item.label, enabled: item.enabled ?? true, ...(item.type === 'checkbox' ? { checked: item.checked } : {}), ...(run ? { click: () => void runCommand(run) } : {}) };
  });
}

async function runCommand(command: TrayCommand): Promise<void> {
  switch (command.kind) {
    case 'call':
      if (command.method === 'setListenerEnabled') await engine.setListenerEnabled(command.input.loadBalancer, command.input.listener, command.input.enabled);
      else await engine.pauseAll(command.input.paused);
      return;
    case 'open-window':
      return openWindow();
    case 'open-dashboard':
      control ??= await startControl(engine, { dataDir });
      return void shell.openExternal(control.dashboardUrl);
    case 'copy':
      return clipboard.writeText(command.text);
    case 'set-setting':
      settings[command.setting] = command.value;
      if (command.setting === 'openAtLogin') app.setLoginItemSettings({ openAtLogin: command.value });
      save();
      return refreshTray();
    case 'quit':
      quitting = true;
      return app.quit();
  }
}

function refreshTray(): void {
  if (!tray) return;
  const state = engine.getState();
  const badge = trayBadge(state, state.paused);
  const plain = nativeTheme.shouldUseDarkColors ? 'dark' : 'light';
  const icon = join(assets, process.platform === 'darwin' && badge === 'ok' ? 'tray-template.png' : `tray-${badge === 'ok' ? plain : badge}.png`);
  if (existsSync(icon)) tray.setImage(nativeImage.createFromPath(icon));
  tray.setToolTip(trayTooltip(state, state.paused));
  tray.setContextMenu(Menu.buildFromTemplate(toMenu(buildTrayMenu(state, settings, state.paused))));
}

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } }));
  const file = process.env.BERTH_CONFIG ?? (existsSync('berth.yaml') ? 'berth.yaml' : undefined);
  const loaded = file ? await loadConfig(file) : undefined;
  engine = new BerthEngine({ ...(loaded?.ok ? { config: loaded.config, configFile: file } : {}), dataDir });
  await engine.start();
  registerIpcBridge(ipcMain, {
    handlers: createHandlers({ engine, configFile: loaded?.ok ? file : undefined }),
    events: inProcessClient(engine),
    isTrustedSender: (e) => window !== undefined && e.sender.id === window.webContents.id && isAppUrl(e.senderFrame?.url ?? '', entry),
  });
  engine.on('health', (e) => {
    if (settings.notifications && (e.to === 'unhealthy' || (e.from === 'unhealthy' && e.to === 'healthy'))) new Notification({ title: `Berth: ${e.targetGroup}`, body: `${e.target} is ${e.to}` }).show();
  });
  let pending = false;
  engine.on('state', () => {
    if (pending) return;
    pending = true;
    setTimeout(() => ((pending = false), refreshTray()), 200);
  });
  tray = new Tray(nativeImage.createEmpty());
  refreshTray();
  openWindow();
});

app.on('second-instance', () => openWindow());
app.on('before-quit', (event) => {
  if (quitting && !engine) return;
  quitting = true;
  event.preventDefault();
  void Promise.all([control?.close(), engine?.stop()]).finally(() => app.exit(0));
});
