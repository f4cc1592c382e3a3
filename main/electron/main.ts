// The desktop app: the engine in-process, one window over the IPC bridge, a tray with listener
// toggles, and the control API for the CLI and browsers. Everything that can be decided without
// Electron lives in the files beside this one.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, nativeTheme, Notification, protocol, screen, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthEngine } from '../engine/index.js';
import { createHandlers } from '../control/handlers.js';
import { inProcessClient, startControl, type ControlServer } from '../control/index.js';
import { loadConfig } from '../config/load-config.js';
import { resolveDataDir } from '../config/data-dir.js';
import type { BerthConfig } from '../../shared/model/index.js';
import { registerIpcBridge } from './ipc-bridge.js';
import { isAppUrl, windowOptions } from './window-options.js';
import { buildTrayMenu, trayBadge, trayIcon, trayTooltip, type TrayCommand, type TrayItem } from './tray-menu.js';
import { APP_ENTRY, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.js';
import { appLayout } from './app-layout.js';
import { bringToFront, denyPermissions, guardNavigation } from './window-guards.js';
import { debounce, restoreBounds } from './window-bounds.js';
import { configFileNotification, groupHealthNotifications, type ConfigFileMemory, type GroupHealthMemory } from './health-notifications.js';
import { configFailureMessage } from './config-failure.js';
import { readSettings, settingsFile, writeSettings, type DesktopSettings } from './desktop-settings.js';

// Named before any path is asked for, and userData pointed at the data folder the CLI uses
// (BERTH_DATA_DIR, else the OS's app-data folder), so `berth status`, `berth ca trust` and the app
// share one CA and one control.json.
app.setName('Berth');
const dataDir = resolveDataDir();
app.setPath('userData', dataDir);
// Custom schemes must be declared before `ready`.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// A second launch only wakes the first (see 'second-instance'); it must start nothing itself.
if (!app.requestSingleInstanceLock()) app.quit();
else runDesktopApp();

function runDesktopApp(): void {
  const layout = appLayout(app.getAppPath());
  const file = settingsFile(dataDir);
  let settings: DesktopSettings = readSettings(file);
  let window: BrowserWindow | undefined;
  let tray: Tray | undefined;
  let engine: BerthEngine | undefined;
  let control: ControlServer | undefined;
  let quitting = false;
  let stopped = false;
  let healthMemory: GroupHealthMemory = new Map();
  let configMemory: ConfigFileMemory;

  const save = () => {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeSettings(file, settings);
    } catch (err) {
      console.error(`berth: cannot save ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const rememberBounds = () => {
    // getNormalBounds is the restored size even while minimised or maximised; full screen is skipped
    // because some platforms report the screen's size there.
    if (!window || window.isDestroyed() || window.isFullScreen()) return;
    settings = { ...settings, bounds: window.getNormalBounds() };
    save();
  };
  const rememberBoundsSoon = debounce(rememberBounds, 500);

  function openWindow(): void {
    if (window) return bringToFront(window);
    const bounds = restoreBounds(settings.bounds, screen.getAllDisplays().map((d) => d.workArea));
    window = new BrowserWindow(windowOptions(layout.preload, bounds));
    guardNavigation(window.webContents, APP_ENTRY, (url) => void shell.openExternal(url));
    window.on('move', rememberBoundsSoon);
    window.on('resize', rememberBoundsSoon);
    window.on('close', (event) => {
      rememberBoundsSoon.cancel();
      rememberBounds();
      if (settings.closeToTray && !quitting) {
        event.preventDefault();
        window!.hide();
      }
    });
    window.on('closed', () => (window = undefined));
    window.once('ready-to-show', () => window?.show());
    void window.loadURL(APP_ENTRY);
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
        if (command.method === 'setListenerEnabled') await engine?.setListenerEnabled(command.input.loadBalancer, command.input.listener, command.input.enabled);
        else await engine?.pauseAll(command.input.paused);
        return;
      case 'open-window':
        return openWindow();
      case 'open-dashboard':
        if (control) await shell.openExternal(control.dashboardUrl);
        else dialog.showErrorBox('Berth: no dashboard', 'The control API did not start, so there is no dashboard to open in a browser.');
        return;
      case 'copy':
        return clipboard.writeText(command.text);
      case 'set-setting':
        settings = { ...settings, [command.setting]: command.value };
        if (command.setting === 'openAtLogin') app.setLoginItemSettings({ openAtLogin: command.value });
        save();
        return refreshTray();
      case 'quit':
        return app.quit();
    }
  }

  function refreshTray(): void {
    if (!tray || !engine) return;
    const state = engine.getState();
    const badge = trayBadge(state, state.paused);
    const icon = trayIcon(badge, process.platform, nativeTheme.shouldUseDarkColors);
    const path = join(layout.assets, icon.file);
    if (existsSync(path)) {
      const image = nativeImage.createFromPath(path);
      image.setTemplateImage(icon.template);
      tray.setImage(image);
    }
    tray.setToolTip(trayTooltip(state, state.paused));
    tray.setContextMenu(Menu.buildFromTemplate(toMenu(buildTrayMenu(state, settings, state.paused))));
  }

  function onStateSettled(): void {
    if (!engine) return;
    // The memory follows the state even while notifications are off, so turning them on does not
    // announce every group that went down meanwhile.
    const state = engine.getState();
    const next = groupHealthNotifications(healthMemory, state.targetGroups);
    healthMemory = next.memory;
    const file = configFileNotification(configMemory, state);
    configMemory = file.memory;
    const notifications = [...(file.notification ? [file.notification] : []), ...next.notifications];
    if (settings.notifications && Notification.isSupported()) for (const n of notifications) new Notification(n).show();
    refreshTray();
  }

  async function loadDesktopConfig(): Promise<{ ok: true; file?: string; config?: BerthConfig } | { ok: false }> {
    const env = process.env.BERTH_CONFIG;
    const path = env ? resolve(env) : existsSync('berth.yaml') ? resolve('berth.yaml') : undefined;
    if (!path) return { ok: true };
    const loaded = await loadConfig(path);
    if (loaded.ok) return { ok: true, file: path, config: loaded.config };
    const { title, message } = configFailureMessage(path, loaded.problems);
    console.error(`${title}\n${message}`);
    dialog.showErrorBox(title, message);
    return { ok: false };
  }

  app.whenReady().then(async () => {
    denyPermissions(session.defaultSession);
    protocol.handle(APP_SCHEME, appProtocolHandler(layout.rendererDir));
    const loaded = await loadDesktopConfig();
    if (!loaded.ok) {
      stopped = true;
      return app.exit(1);
    }
    engine = new BerthEngine({ ...(loaded.config ? { config: loaded.config, configFile: loaded.file } : {}), dataDir });
    await engine.start();
    try {
      // Bound to 127.0.0.1 with a fresh token in control.json, as `berth up` does.
      control = await startControl(engine, { dataDir, dashboardDir: layout.rendererDir, ...(loaded.file ? { configFile: loaded.file } : {}) });
    } catch (err) {
      console.error(`berth: control API not started: ${err instanceof Error ? err.message : String(err)}`);
    }
    const running = engine;
    registerIpcBridge(ipcMain, {
      handlers: createHandlers({ engine: running, configFile: loaded.file }),
      events: inProcessClient(running),
      isTrustedSender: (e) => window !== undefined && e.sender.id === window.webContents.id && isAppUrl(e.senderFrame?.url ?? '', APP_ENTRY),
    });
    let pending = false;
    running.on('state', () => {
      if (pending) return;
      pending = true;
      setTimeout(() => ((pending = false), onStateSettled()), 200);
    });
    nativeTheme.on('updated', refreshTray);
    tray = new Tray(nativeImage.createEmpty());
    onStateSettled();
    openWindow();
  }).catch((err: unknown) => {
    dialog.showErrorBox('Berth could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
    stopped = true;
    app.exit(1);
  });

  app.on('second-instance', () => {
    if (app.isReady() && engine) openWindow();
  });
  app.on('activate', () => {
    if (engine) openWindow();
  });
  // Every way out (tray, Cmd+Q, the OS logging out) comes here; app.exit below skips the window's
  // close handler, so the bounds are saved here too.
  app.on('before-quit', (event) => {
    quitting = true;
    rememberBoundsSoon.cancel();
    rememberBounds();
    if (stopped) return;
    stopped = true;
    event.preventDefault();
    void Promise.allSettled([control?.close(), engine?.stop()]).finally(() => app.exit(0));
  });
  // With close-to-tray off, closing the window quits (on macOS too: Berth lives in the tray).
  app.on('window-all-closed', () => {
    if (!settings.closeToTray) app.quit();
  });
}
