import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit as auditScreen, type Size, type Violation } from '../support/axe.js';
import { DESKTOP, openBrowser, PHONE } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { openTasksOf, publishResolution57, signIn, taskCard } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'accessibility';
const audit = (page: Page, screen: string, size: Size = 'phone') => auditScreen(page, JOURNEY, screen, size);

describe.runIf(chromiumAvailable())('accessibility', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('finds no serious or critical axe-core violation, nor a skipped heading level, on the main screens at phone size (committee screens at desktop size too)', async () => {
    const violations: Violation[] = [];
    const [task] = await openTasksOf(server, 'CB-LD-XUANHUONG-1', 1);

    const officer = await openBrowser(PHONE);
    try {
      const { page } = officer;
      await page.goto(new URL('sign-in', server.url).toString());
      await page.locator('#username').waitFor();
      violations.push(...(await audit(page, 'sign-in')));

      await signIn(page, server, 'canbo.tdp1');
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await page.getByText('Đã gửi hết').first().waitFor();
      violations.push(...(await audit(page, 'tasks')));

      await (await taskCard(page, task!)).click();
      await page.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      violations.push(...(await audit(page, 'task-detail')));

      await page.getByRole('link', { name: 'Báo cáo tiến độ', exact: true }).click();
      await page.locator('#report-percent').waitFor();
      violations.push(...(await audit(page, 'report-form')));

      await page
        .getByRole('navigation', { name: 'Điều hướng chính' })
        .getByRole('link', { name: /Đồng bộ/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Đồng bộ' }).waitFor();
      violations.push(...(await audit(page, 'sync')));

      await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cài đặt' }).click();
      await page.getByRole('heading', { level: 1, name: 'Cài đặt' }).waitFor();
      violations.push(...(await audit(page, 'settings')));
    } finally {
      await officer.close();
    }

    const leader = await openBrowser(PHONE);
    try {
      const { page } = leader;
      await signIn(page, server, 'lanhdao.xuanhuong', '/committee/dashboard');
      await page.locator('table.units tbody tr').first().waitFor({ timeout: 30_000 });
      violations.push(...(await audit(page, 'committee-dashboard')));

      await page.goto(new URL('committee/warnings', server.url).toString());
      await page.locator('ul.warnings li').first().waitFor({ timeout: 30_000 });
      violations.push(...(await audit(page, 'committee-warnings')));

      // The committee screens are mostly used on a desktop: the same two there.
      await page.setViewportSize(DESKTOP);
      violations.push(...(await audit(page, 'committee-warnings', 'desktop')));
      await page.goto(new URL('committee/dashboard', server.url).toString());
      await page.locator('table.units tbody tr').first().waitFor({ timeout: 30_000 });
      violations.push(...(await audit(page, 'committee-dashboard', 'desktop')));
    } finally {
      await leader.close();
    }

    // The public view of a resolution a provincial leader published.
    const published = await publishResolution57(server);
    const visitor = await openBrowser(PHONE);
    try {
      const { page } = visitor;
      await page.goto(new URL(`public/${published}`, server.url).toString());
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.getByText('Lâm Đồng').first().waitFor({ timeout: 30_000 });
      violations.push(...(await audit(page, 'public-view')));

      // At 360 px the table rows are cards: nothing scrolls sideways, each value spans its card
      // beside its visible label, and Chromium still exposes both tables with their headers.
      await page.locator('table.stack tbody td').first().waitFor();
      const layout = await page.evaluate(() => {
        const row = document.querySelector('table.stack tbody tr')!;
        const cell = row.querySelector('td')!;
        return {
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          row: row.getBoundingClientRect().width,
          cell: cell.getBoundingClientRect().width,
          label: getComputedStyle(cell.querySelector('.cell-label')!).display,
        };
      });
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.cell).toBeGreaterThan(layout.row * 0.8);
      expect(layout.label).not.toBe('none');
      const cdp = await page.context().newCDPSession(page);
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      const count = (role: string) => nodes.filter((n) => n.role?.value === role).length;
      expect(count('table')).toBe(2);
      expect(count('columnheader')).toBe(8);
      expect(count('rowheader')).toBeGreaterThan(0);
      expect(count('cell')).toBeGreaterThan(0);
      await page.setViewportSize(DESKTOP);
      expect(await page.locator('table.stack .cell-label').first().isVisible()).toBe(false);
      violations.push(...(await audit(page, 'public-view', 'desktop')));
    } finally {
      await visitor.close();
    }

    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });
});
