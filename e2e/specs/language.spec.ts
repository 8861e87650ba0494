import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

const locales = path.resolve(import.meta.dirname, '../../web/src/locales');

/** Every message key ("signIn.username", …): one showing on screen means a missing translation. */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}
const KEYS = keysOf(JSON.parse(readFileSync(path.join(locales, 'en.json'), 'utf8')));

async function untranslated(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return KEYS.filter((key) => text.includes(key));
}

describe.runIf(chromiumAvailable())('language', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('switches to English and back, with no untranslated key on any visited screen', async () => {
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(server.url);
      await page.getByText('Tên đăng nhập').first().waitFor();
      expect(await untranslated(page)).toEqual([]);

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByText('Username').first().waitFor();
      expect(await untranslated(page)).toEqual([]);
      await screenshot(page, 'language', 'phone-sign-in-en');

      await page.fill('#username', 'canbo.tdp1');
      await page.fill('#password', 'Resolute2026');
      await page.click('button[type="submit"]');
      await page.getByText('Số hóa hồ sơ thủ tục hành chính', { exact: false }).first().waitFor({ timeout: 60_000 });
      expect(await untranslated(page)).toEqual([]);
      await screenshot(page, 'language', 'phone-tasks-en');

      await page.goto(new URL('settings', server.url).toString());
      await page.getByRole('button', { name: 'Tiếng Việt' }).click();
      await page.getByRole('button', { name: 'Tiếng Việt', pressed: true }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('vi');
      expect(await untranslated(page)).toEqual([]);
      await screenshot(page, 'language', 'phone-settings-vi');
    } finally {
      await browser.close();
    }
  });
});
