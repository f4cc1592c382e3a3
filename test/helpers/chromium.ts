// Navigation in the browser tests: Chromium aborts a navigation with net::ERR_NETWORK_CHANGED when the
// machine's interfaces change, which they do whenever another suite's container starts or stops (Docker
// adds and removes a veth pair). That says nothing about the page, so the navigation is tried again.
import type { Page, Response } from 'playwright-core';

export async function gotoSettled(page: Page, url: string, options: { timeout?: number } = {}): Promise<Response | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url, options);
    } catch (err) {
      if (!(err as Error).message.includes('ERR_NETWORK_CHANGED') || attempt === 5) throw err;
    }
  }
}
