import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

const run = chromiumAvailable();

describe.runIf(run)('the app shell', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('is served from the same origin as the API and renders on a phone and a desktop', async () => {
    for (const [size, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const browser = await openBrowser(viewport);
      try {
        const response = await browser.page.goto(server.url);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['cache-control']).toBe('no-cache');
        await browser.page.waitForSelector('#app *');
        expect(await browser.page.title()).toContain('Resolute');
        await screenshot(browser.page, 'app-shell', size);
      } finally {
        await browser.close();
      }
    }
  });

  it('answers the API beside the app', async () => {
    const res = await fetch(`${server.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation { signIn(username: "canbo.tdp1", password: "Resolute2026") { account { displayName } } }',
      }),
    });
    expect(await res.json()).toEqual({ data: { signIn: { account: { displayName: 'Bùi Thị Mai' } } } });
  });
});
