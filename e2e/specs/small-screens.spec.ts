import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachScreenshot, DESKTOP, openBrowser, SMALL_PHONE } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { signIn } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

// The administration screens at 360×740: nothing makes the page scroll sideways, the key of each
// record and its buttons stay on screen, and a wide table scrolls in its own box with its key held.
const JOURNEY = 'small-screens';

/** How far the page scrolls sideways; when it does, the message names the elements that stick out. */
async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const { overflow, culprits } = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('main *')) {
      const box = el.getBoundingClientRect();
      const parent = el.parentElement?.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && (!parent || parent.right <= window.innerWidth + 1))
        out.push(
          `${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.width)}px «${(el.textContent ?? '').trim().slice(0, 30)}»`,
        );
    }
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, culprits: out.slice(0, 5) };
  });
  expect(overflow, `${where} scrolls sideways: ${culprits.join('; ')}`).toBeLessThanOrEqual(0);
}

/** The element lies wholly inside the 360 px viewport, left to right. */
async function expectOnScreen(locator: Locator, what: string): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  expect(box, `${what} is laid out`).not.toBeNull();
  expect(box!.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} ends on screen`).toBeLessThanOrEqual(SMALL_PHONE.width);
}

/** A row's button: its action, then (for screen readers) the record it acts on. */
const named = (action: string, key: string) => new RegExp(`^${action}\\s*:\\s*${key.replace(/\./g, '\\.')}$`);

describe.runIf(chromiumAvailable())('small screens: accounts, units and audit log at 360 px', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('an admin works the units tree, the accounts (as cards) and the audit log on a 360 px phone', async ({ annotate }) => {
    const admin = await openBrowser(SMALL_PHONE);
    try {
      const { page } = admin;
      await signIn(page, server, 'admin.lamdong', '/committee/admin/units');

      // Units: a unit below the admin's own, so every form shows.
      const names = page.locator('button.name');
      await names.nth(1).waitFor({ timeout: 30_000 });
      await names.nth(1).click();
      await page.locator('form', { hasText: 'Thêm đơn vị cấp dưới' }).waitFor();
      await expectNoSidewaysScroll(page, 'units');
      for (let i = 0; i < Math.min(3, await names.count()); i++) await expectOnScreen(names.nth(i), `unit ${i} of the tree`);
      await expectOnScreen(page.getByRole('button', { name: 'Thêm đơn vị', exact: true }), 'the add-unit button');
      await expectOnScreen(page.getByRole('button', { name: 'Ngừng hoạt động' }), 'the deactivate button');
      await page.evaluate(() => window.scrollTo(0, 0));
      await attachScreenshot(annotate, page, JOURNEY, 'units-360');

      // Accounts: one card per account, its username heading it, its buttons on screen.
      await page.getByRole('link', { name: 'Tài khoản', exact: true }).click();
      const rows = page.locator('[data-test="account-row"]');
      await rows.first().waitFor({ timeout: 30_000 });
      await expectNoSidewaysScroll(page, 'accounts');
      const first = rows.first();
      const username = (await first.locator('th[scope="row"]').innerText()).trim();
      expect(username.length).toBeGreaterThan(0);
      await expectOnScreen(first.locator('th[scope="row"]'), 'the username');
      expect(await first.locator('.cell-label').first().isVisible()).toBe(true);
      for (const action of ['Sửa', 'Đặt lại mật khẩu']) {
        await expectOnScreen(first.getByRole('button', { name: named(action, username) }), `${action} of ${username}`);
      }
      // The card's width is the screen's, not the table's columns'.
      const card = (await first.boundingBox())!;
      expect(card.width).toBeLessThanOrEqual(SMALL_PHONE.width);
      await attachScreenshot(annotate, page, JOURNEY, 'accounts-360');

      await first.getByRole('button', { name: named('Sửa', username) }).click();
      const editName = page.locator('tbody form').getByLabel('Tên hiển thị');
      await expectOnScreen(editName, 'the edit form’s display name');
      await expectOnScreen(page.locator('tbody form').getByRole('button', { name: 'Lưu' }), 'the save button');
      await expectNoSidewaysScroll(page, 'the account edit form');
      await attachScreenshot(annotate, page, JOURNEY, 'accounts-edit-360');
      await page.locator('tbody form').getByRole('button', { name: 'Huỷ' }).click();

      // An account made on the phone gives the audit log a change with a wide before/after table.
      const form = page.locator('form.create');
      await form.getByLabel('Tên đăng nhập').fill('dienthoai.360');
      await form.getByLabel('Tên hiển thị').fill('Tài khoản tạo trên điện thoại màn hình hẹp');
      await form.getByLabel('Đơn vị').selectOption({ index: 1 });
      await form.getByLabel('Quản trị').check();
      await expectOnScreen(form.getByRole('button', { name: 'Tạo tài khoản' }), 'the create button');
      await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
      await page.locator('[data-test="temporary-password"]').waitFor();
      await expectNoSidewaysScroll(page, 'the one-time password');
      await page.getByRole('button', { name: 'Tôi đã trao mật khẩu' }).click();

      // The audit log: each change's table scrolls inside its box, the field column held in view.
      await page.getByRole('link', { name: 'Nhật ký' }).click();
      const created = page.locator('.event', { hasText: 'Tạo tài khoản' }).first();
      await created.waitFor({ timeout: 30_000 });
      await expectNoSidewaysScroll(page, 'the audit log');
      const diff = created.locator('[data-test="audit-diff"]');
      await diff.scrollIntoViewIfNeeded();
      const scroll = await diff.evaluate((el) => {
        const before = el.getBoundingClientRect().left;
        const key = el.querySelector('tbody th')!;
        const widths = { box: el.clientWidth, table: el.scrollWidth };
        el.scrollLeft = el.scrollWidth;
        return { before, widths, scrolled: el.scrollLeft, keyLeft: key.getBoundingClientRect().left };
      });
      expect(scroll.widths.table, 'the change table is wider than the phone, so it scrolls').toBeGreaterThan(scroll.widths.box);
      expect(scroll.scrolled).toBeGreaterThan(0);
      expect(Math.abs(scroll.keyLeft - scroll.before), 'the field column stays at the left edge').toBeLessThan(2);
      await expectOnScreen(created.getByRole('button', { name: /^Account/ }), 'the entity filter button');
      await attachScreenshot(annotate, page, JOURNEY, 'audit-360');

      // On a desktop the same accounts are a table again: a header row, no per-cell labels.
      await page.setViewportSize(DESKTOP);
      await page.getByRole('link', { name: 'Tài khoản', exact: true }).click();
      await rows.first().waitFor();
      expect(await page.locator('table.cards thead th').first().isVisible()).toBe(true);
      expect(await rows.first().locator('.cell-label').first().isVisible()).toBe(false);
    } finally {
      await admin.close();
    }
  }, 180_000);
});
