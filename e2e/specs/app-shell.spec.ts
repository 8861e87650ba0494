import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { DEMO_PASSWORD, gql, SIGN_IN } from '../support/journeys.js';
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
    const { signIn } = await gql(server, null, SIGN_IN, { username: 'canbo.tdp1', password: DEMO_PASSWORD });
    expect(signIn.account).toEqual({ displayName: 'Bùi Thị Mai' });
    expect(signIn.accessToken).toEqual(expect.any(String));
  });
});
