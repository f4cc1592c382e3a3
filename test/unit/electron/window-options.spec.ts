import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isAppUrl, isExternalLink, windowOptions } from '../../../main/electron/window-options.js';

describe('desktop window options', () => {
  it('isolates the renderer: context isolation, sandbox, no Node', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('keeps a remembered size and position', () => {
    const opts = windowOptions('/p', { x: 10, y: 20, width: 900, height: 700 });
    expect(opts).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
  });

  it('has a strict CSP: no remote scripts, no network, no framing', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('allows only the app page in the window; web links go to the OS browser', () => {
    const entry = 'file:///opt/Berth/resources/app/renderer/dist/index.html';
    expect(isAppUrl(entry + '#/traffic', entry)).toBe(true);
    expect(isAppUrl('https://evil.example/', entry)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', entry)).toBe(false);
    expect(isExternalLink('https://docs.aws.amazon.com/')).toBe(true);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });
});
