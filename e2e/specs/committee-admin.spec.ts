import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

async function signIn(page: Page, base: string, username: string, next: string) {
  await page.goto(new URL(`sign-in?redirect=${encodeURIComponent(next)}`, base).toString());
  await page.fill('#username', username);
  await page.fill('#password', 'Resolute2026');
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => url.pathname === next, { timeout: 60_000 });
}

describe.runIf(chromiumAvailable())('committee administration, audit, evaluation and report', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('an admin adds a unit, deactivates and re-activates it, creates an account and finds it all in the audit log', async () => {
    const browser = await openBrowser(DESKTOP);
    try {
      const { page } = browser;
      await signIn(page, server.url, 'admin.lamdong', '/committee/admin/units');
      await page.getByRole('button', { name: 'Ngừng hoạt động' }).waitFor({ state: 'detached' });
      const create = page.locator('form', { hasText: 'Thêm đơn vị cấp dưới' });
      await create.getByLabel('Mã').fill('E2E-CB-1');
      await create.getByLabel('Tên').fill('Chi bộ thử nghiệm E2E');
      await create.getByLabel('Cấp (loại)').fill('CELL');
      await create.getByRole('button', { name: 'Thêm đơn vị' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã thêm đơn vị.' }).waitFor();
      await page.locator('button.name', { hasText: 'Chi bộ thử nghiệm E2E' }).click();
      await page.getByRole('button', { name: 'Ngừng hoạt động' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã ngừng hoạt động đơn vị.' }).waitFor();
      await page.getByRole('button', { name: 'Kích hoạt lại' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã kích hoạt lại đơn vị.' }).waitFor();
      await screenshot(page, 'committee-admin', 'units');

      await page.getByRole('link', { name: 'Tài khoản', exact: true }).click();
      const form = page.locator('form.create');
      await form.getByLabel('Tên đăng nhập').fill('e2e.quantri');
      await form.getByLabel('Tên hiển thị').fill('Quản trị thử nghiệm');
      await form.getByLabel('Đơn vị').selectOption({ label: '— Chi bộ thử nghiệm E2E' });
      await form.getByLabel('Quản trị').check();
      await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
      const password = await page.locator('[data-test="temporary-password"]').innerText();
      expect(password.length).toBeGreaterThanOrEqual(8);
      await page.getByText('phải đổi mật khẩu này ở lần đăng nhập đầu tiên').waitFor();
      await screenshot(page, 'committee-admin', 'accounts-password');
      await page.getByRole('button', { name: 'Tôi đã trao mật khẩu' }).click();
      expect(await page.content()).not.toContain(password);

      await page.getByRole('link', { name: 'Nhật ký' }).click();
      await page.locator('.event', { hasText: 'Kích hoạt lại đơn vị' }).first().waitFor();
      await page.locator('.event', { hasText: 'Tạo tài khoản' }).first().waitFor();
      // The re-activation shows its before and after, the changed field marked.
      const reactivated = page.locator('.event', { hasText: 'Kích hoạt lại đơn vị' }).first();
      expect(await reactivated.locator('tr.changed th').allInnerTexts()).toEqual(['active']);
      await screenshot(page, 'committee-admin', 'audit');
    } finally {
      await browser.close();
    }
  });

  it('a leader rates a task of a unit below, sees the ranking, and prints the report without the navigation', async () => {
    const browser = await openBrowser(DESKTOP);
    try {
      const { page } = browser;
      await signIn(page, server.url, 'lanhdao.lamdong', '/committee/evaluation');
      await page.locator('.filters select').first().selectOption('YEAR');
      await page.locator('ul.tasks[aria-busy="false"]').waitFor();
      const task = page.locator('.task').first();
      await task.waitFor({ timeout: 30_000 });
      await task.getByLabel('Hoàn thành tốt').check();
      await task.getByLabel('Nhận xét').fill('Làm tốt');
      await task.getByRole('button', { name: 'Lưu đánh giá' }).click();
      await task.getByText('Đã lưu đánh giá.').waitFor();
      await page.locator('.score-breakdown tbody tr').first().waitFor();
      await screenshot(page, 'committee-admin', 'evaluation');

      await page.getByRole('link', { name: 'Báo cáo in' }).click();
      await page.getByRole('heading', { name: 'Báo cáo tình hình thực hiện nghị quyết' }).waitFor();
      await page.locator('.by-child tbody tr').first().waitFor();
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.bar').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'In báo cáo' }).isVisible()).toBe(false);
      expect(await page.locator('.by-child').isVisible()).toBe(true);
      await screenshot(page, 'committee-admin', 'report-print');
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.byteLength).toBeGreaterThan(1000);
    } finally {
      await browser.close();
    }
  });
});
