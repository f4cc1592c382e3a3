// What the desktop window refuses: opening other windows, navigating away from Berth's page, and
// every web permission (camera, notifications from the page, clipboard reads…). Written against
// the few methods of webContents and session it uses, so tests drive it with fakes.
import { isAppUrl, isExternalLink } from './window-options.js';

export interface NavigationEvent {
  preventDefault(): void;
}

export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent, url: string) => void): this;
  on(event: 'will-redirect', listener: (event: NavigationEvent, url: string) => void): this;
}

export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** Web links (http/https) go to the OS browser; anything else is dropped. */
export function guardNavigation(contents: GuardedContents, appEntryUrl: string, openExternal: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
  const stayOnApp = (event: NavigationEvent, url: string) => {
    if (isAppUrl(url, appEntryUrl)) return;
    event.preventDefault();
    if (isExternalLink(url)) openExternal(url);
  };
  contents.on('will-navigate', stayOnApp);
  contents.on('will-redirect', stayOnApp);
}

/** The page needs no permission: requests are refused and checks answer no. */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface RaisableWindow {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** A second launch, or "Open Berth" in the tray: the existing window comes to the front. */
export function bringToFront(window: RaisableWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
