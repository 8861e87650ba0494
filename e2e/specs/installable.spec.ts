import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

describe.runIf(chromiumAvailable())('installable', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('passes Chromium’s own installability check, with a controlling service worker and loading icons', async () => {
    const browser = await openBrowser();
    try {
      const { page, context } = browser;
      await page.goto(server.url);
      // The first visit installs the worker; the next navigation is the one it controls.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.reload();
      const controlled = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
      expect(controlled).toMatch(/\/sw\.js$/);

      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
      expect(installabilityErrors).toEqual([]);

      const manifestHref = await page.getAttribute('link[rel="manifest"]', 'href');
      const manifestUrl = new URL(manifestHref!, server.url).toString();
      const manifest = (await (await fetch(manifestUrl)).json()) as {
        icons: { src: string; sizes: string; purpose?: string }[];
        display: string;
      };
      expect(manifest.display).toBe('standalone');
      expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
      expect(manifest.icons.some((i) => i.purpose?.includes('maskable'))).toBe(true);
      for (const icon of manifest.icons) {
        const res = await fetch(new URL(icon.src, manifestUrl));
        expect(res.status, icon.src).toBe(200);
        expect(res.headers.get('content-type'), icon.src).toMatch(/^image\//);
      }
      await screenshot(page, 'installable', 'phone');
    } finally {
      await browser.close();
    }
  });
});
