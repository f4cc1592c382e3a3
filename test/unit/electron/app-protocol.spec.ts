// The window's page is served over berth://app/ so that its Content-Security-Policy arrives as a
// header (file:// pages ignore header policies): every response of the handler carries it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ENTRY, appProtocolHandler } from '../../../main/electron/app-protocol.js';
import { appLayout } from '../../../main/electron/app-layout.js';
import { contentSecurityPolicy } from '../../../main/electron/window-options.js';
import { ensureRendererBuilt } from '../../e2e/renderer-build.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the berth:// app protocol', () => {
  beforeAll(() => ensureRendererBuilt(), 180_000);

  it('serves the built dashboard with the window’s CSP on the page and on its scripts', async () => {
    const serve = appProtocolHandler(appLayout(root).rendererDir);
    const page = await serve(new Request(APP_ENTRY));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const script = await serve(new Request(new URL(src, APP_ENTRY).href));
      expect(script.status, src).toBe(200);
      expect(script.headers.get('content-type')).toBe('text/javascript');
      expect(script.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    }
    // A script may only come from the app itself, never inline.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  describe('outside the built folder', () => {
    let dir: TempDir;
    beforeAll(async () => {
      dir = await tempDir();
      mkdirSync(join(dir.path, 'dist'));
      writeFileSync(join(dir.path, 'dist', 'index.html'), '<div id="root"></div>');
      writeFileSync(join(dir.path, 'secret.txt'), 'not for the page');
    });
    afterAll(() => dir.remove());

    it('answers 404 for paths that climb out, other hosts and missing files, still with the CSP', async () => {
      const serve = appProtocolHandler(join(dir.path, 'dist'));
      expect((await serve(new Request('berth://app/'))).status).toBe(200);
      for (const url of ['berth://app/%2e%2e/secret.txt', 'berth://app/..%2fsecret.txt', 'berth://app/../secret.txt', 'berth://other/index.html', 'berth://app/missing.js']) {
        const res = await serve(new Request(url));
        expect(res.status, url).toBe(404);
        expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
        expect(await res.text()).not.toContain('not for the page');
      }
    });
  });
});
