import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

describe.runIf(chromiumAvailable())('offline field work', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('signs in, syncs the cell’s tasks, and reopens them with no network at all', async () => {
    const browser = await openBrowser();
    try {
      const { page, context } = browser;
      await page.goto(server.url);
      await page.fill('#username', 'canbo.tdp1');
      await page.fill('#password', 'Resolute2026');
      await page.click('button[type="submit"]');
      // A task the demo data assigns to this officer's party cell, shown after the first sync.
      const task = page.getByText('Số hóa hồ sơ thủ tục hành chính', { exact: false }).first();
      await task.waitFor({ timeout: 60_000 });
      await screenshot(page, 'offline-field-work', 'phone-1-synced');
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });

      await context.setOffline(true);
      await page.reload();
      await page.getByText('Số hóa hồ sơ thủ tục hành chính', { exact: false }).first().waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      await screenshot(page, 'offline-field-work', 'phone-2-reopened-offline');
    } finally {
      await browser.close();
    }
  });
});
