import { describe, expect, it } from 'vitest';
import { bringToFront, denyPermissions, guardNavigation, type GuardedContents, type NavigationEvent, type PermissionSession } from '../../../main/electron/window-guards.js';
import { APP_ENTRY } from '../../../main/electron/app-protocol.js';

function fakeContents() {
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const listeners: Record<string, ((e: NavigationEvent, url: string) => void)[]> = {};
  const contents: GuardedContents = {
    setWindowOpenHandler: (h) => void (openHandler = h),
    on(event: string, fn: (e: NavigationEvent, url: string) => void) {
      (listeners[event] ??= []).push(fn);
      return this;
    },
  } as GuardedContents;
  const navigate = (event: 'will-navigate' | 'will-redirect', url: string) => {
    let prevented = false;
    for (const fn of listeners[event] ?? []) fn({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, open: (url: string) => openHandler!({ url }), navigate };
}

describe('the desktop window guards', () => {
  it('never opens a second window; web links go to the OS browser, other schemes nowhere', () => {
    const external: string[] = [];
    const f = fakeContents();
    guardNavigation(f.contents, APP_ENTRY, (url) => external.push(url));
    expect(f.open('https://docs.aws.amazon.com/elasticloadbalancing/')).toEqual({ action: 'deny' });
    expect(f.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(external).toEqual(['https://docs.aws.amazon.com/elasticloadbalancing/']);
  });

  it('keeps the window on Berth’s page: navigation and redirects elsewhere are stopped', () => {
    const external: string[] = [];
    const f = fakeContents();
    guardNavigation(f.contents, APP_ENTRY, (url) => external.push(url));
    expect(f.navigate('will-navigate', `${APP_ENTRY}#/traffic`)).toBe(false);
    expect(f.navigate('will-navigate', 'http://127.0.0.1:8080/')).toBe(true);
    expect(f.navigate('will-navigate', 'file:///home/me/.ssh/id_ed25519')).toBe(true);
    expect(f.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(f.navigate('will-navigate', 'berth://app/../../package.json')).toBe(true);
    expect(external).toEqual(['http://127.0.0.1:8080/', 'https://evil.example/']);
  });

  it('refuses every permission request and answers every permission check with no', () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | undefined;
    denyPermissions({ setPermissionRequestHandler: (h) => void (request = h), setPermissionCheckHandler: (h) => void (check = h) });
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'fullscreen', 'openExternal']) {
      const answers: boolean[] = [];
      request!({}, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
      expect(check!({}, permission)).toBe(false);
    }
  });

  it('a second launch restores a minimised window, shows and focuses it', () => {
    const calls: string[] = [];
    let minimised = true;
    const win = { isMinimized: () => minimised, restore: () => (calls.push('restore'), (minimised = false)), show: () => calls.push('show'), focus: () => calls.push('focus') };
    bringToFront(win);
    expect(calls).toEqual(['restore', 'show', 'focus']);
    bringToFront(win);
    expect(calls).toEqual(['restore', 'show', 'focus', 'show', 'focus']);
  });
});
