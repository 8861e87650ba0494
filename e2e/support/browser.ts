import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

export const PHONE = { width: 360, height: 800 };
export const DESKTOP = { width: 1280, height: 800 };
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
