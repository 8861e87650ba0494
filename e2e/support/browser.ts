import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

export const PHONE = { width: 360, height: 800 };
export const DESKTOP = { width: 1366, height: 900 };
const artifacts = path.resolve(import.meta.dirname, '../artifacts');

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh, empty profile: nothing carries over from another journey. */
export async function openBrowser(viewport = PHONE, locale = 'vi-VN'): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'resolute-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport,
    locale,
    serviceWorkers: 'allow',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot under e2e/artifacts/<journey>/<name>.png (git-ignored). */
export async function screenshot(page: Page, journey: string, name: string): Promise<string> {
  const dir = path.join(artifacts, journey);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Screenshots the page at phone and at desktop size (`phone-<name>.png`, `desktop-<name>.png`),
 * then puts the viewport back as it was.
 */
export async function screenshots(page: Page, journey: string, name: string): Promise<void> {
  const before = page.viewportSize() ?? PHONE;
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await screenshot(page, journey, `${label}-${name}`);
  }
  await page.setViewportSize(before);
}

/** The phone size the small-screen journeys check: the narrowest common Android screen. */
export const SMALL_PHONE = { width: 360, height: 740 };

/** What a test's context offers to attach a file to the journey's output (vitest's `annotate`). */
export type Annotate = (message: string, attachment?: { path?: string; contentType?: string }) => Promise<unknown>;

/**
 * Screenshots the page (e2e/artifacts/<journey>/<name>.png) and attaches it to the test, so the
 * reporter lists it with the journey's result.
 */
export async function attachScreenshot(annotate: Annotate, page: Page, journey: string, name: string): Promise<string> {
  const file = await screenshot(page, journey, name);
  await annotate(`screenshot ${name} (${page.viewportSize()?.width}×${page.viewportSize()?.height})`, {
    path: file,
    contentType: 'image/png',
  });
  return file;
}
