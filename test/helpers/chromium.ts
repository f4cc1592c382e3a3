// Navigation in the browser tests: Chromium aborts a navigation with net::ERR_NETWORK_CHANGED when the
// machine's interfaces change, which they do whenever another suite's container starts or stops (Docker
// adds and removes a veth pair). That says nothing about the page, so the navigation is tried again.
// Sometimes Chromium commits its error page first, and Playwright reports only that the navigation was
// "interrupted by another navigation to chrome-error://chromewebdata/": the error page names the code.
import type { Page, Response } from 'playwright-core';

export async function gotoSettled(page: Page, url: string, options: { timeout?: number } = {}): Promise<Response | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url, options);
    } catch (err) {
      const message = (err as Error).message;
      const code = message.includes('chrome-error://') ? await errorPageCode(page) : undefined;
      const networkChanged = message.includes('ERR_NETWORK_CHANGED') || code === 'ERR_NETWORK_CHANGED';
      if (!networkChanged || attempt === 5) throw code && !message.includes(code) ? new Error(`${message}\n(Chromium's error page: net::${code})`) : err;
    }
  }
}

/** The net::ERR_… code Chromium's error page shows, once it has loaded. */
async function errorPageCode(page: Page): Promise<string | undefined> {
  try {
    await page.waitForLoadState('domcontentloaded', { timeout: 5_000 });
    const text = await page.innerText('body', { timeout: 5_000 });
    return /\b(ERR_[A-Z0-9_]+)\b/.exec(text)?.[1];
  } catch {
    return undefined;
  }
}
