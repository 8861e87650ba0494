import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, PHONE, screenshot, type Browser } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

const DESKTOP = { width: 1366, height: 900 };
const JOURNEY = 'committee-decompose';
const NEW_TASK = 'Khảo sát hộ dân dùng dịch vụ công trực tuyến – Tổ dân phố 1';

async function signIn(page: Page, url: string, username: string, to = '/') {
  await page.goto(new URL(`/sign-in?redirect=${encodeURIComponent(to)}`, url).toString());
  await page.fill('#username', username);
  await page.fill('#password', 'Resolute2026');
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => u.pathname === to, { timeout: 60_000 });
}

describe.runIf(chromiumAvailable())('committee: decompose, assign, sync and review', () => {
  let server: RunningServer;
  const open: Browser[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const b of open) await b.close();
    await server?.stop();
  });

  it('a commune focal officer adds a sub-task for a cell, the cell officer’s phone syncs it, and a leader approves by keyboard', async () => {
    // The cell officer has the app on a phone, already synced.
    const phone = await openBrowser(PHONE);
    open.push(phone);
    await signIn(phone.page, server.url, 'canbo.tdp1');
    await phone.page.getByText('Số hóa hồ sơ thủ tục hành chính', { exact: false }).first().waitFor({ timeout: 60_000 });

    // The commune's focal officer decomposes a commune task on a desktop.
    const desk = await openBrowser(DESKTOP);
    open.push(desk);
    const page = desk.page;
    await signIn(page, server.url, 'daumoi.xuanhuong', '/committee/plan');
    await page.getByRole('heading', { name: 'Phân rã và giao nhiệm vụ' }).waitFor();
    const resolution = page.getByLabel('Nghị quyết');
    const option57 = await resolution.locator('option', { hasText: '57-NQ/TW' }).getAttribute('value');
    await resolution.selectOption(option57!);
    const parent = page.locator('.node', { hasText: 'Phổ cập kỹ năng số cho người dân – Phường Xuân Hương' }).first();
    await parent.waitFor();
    await parent
      .getByRole('button', { name: /^Thêm nhiệm vụ con/ })
      .first()
      .click();
    const form = page.locator('form.sub-form');
    await form.getByLabel('Tên nhiệm vụ').fill(NEW_TASK);
    await form.getByLabel('Mô tả').fill('Mỗi hộ được hỏi về việc dùng Cổng dịch vụ công quốc gia.');
    await form.getByLabel('Người phụ trách').fill('Bí thư chi bộ');
    await form.getByLabel('Kết quả cần đạt').fill('Phiếu khảo sát của từng hộ');
    const lead = form.getByRole('group', { name: 'Đơn vị chủ trì' });
    await lead.getByPlaceholder('Tìm đơn vị theo tên hoặc mã').fill('Tổ dân phố 1');
    await lead.getByRole('button', { name: /Chi bộ Tổ dân phố 1/ }).click();
    await lead.getByText(/Đã chọn: Chi bộ Tổ dân phố 1/).waitFor();
    const coordinators = form.getByRole('group', { name: 'Đơn vị phối hợp' });
    await coordinators.getByPlaceholder('Tìm đơn vị theo tên hoặc mã').fill('Tổ dân phố 2');
    await coordinators.getByRole('button', { name: 'Chi bộ Tổ dân phố 2' }).click();
    await coordinators.getByText('Đã chọn: Chi bộ Tổ dân phố 2').waitFor();
    await form.getByLabel('Mức ưu tiên').selectOption('HIGH');
    await form.getByLabel('Trọng số').fill('2');
    const taskDue = await form.getByLabel('Hạn hoàn thành').inputValue();
    expect(taskDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await form.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
    await form.getByLabel('Tên chỉ tiêu').fill('Số hộ được khảo sát');
    await form.getByLabel('Đơn vị tính').fill('hộ');
    await form.getByLabel('Giá trị ban đầu').fill('0');
    await form.getByLabel('Mục tiêu').fill('150');
    await form.getByLabel('Hạn đạt chỉ tiêu').fill(taskDue);
    await screenshot(page, JOURNEY, 'desktop-1-sub-task-form');
    await form.getByRole('button', { name: 'Tạo nhiệm vụ con' }).click();
    await page.getByText(`Đã tạo nhiệm vụ con «${NEW_TASK}».`).first().waitFor();
    await page.locator('.node .title', { hasText: NEW_TASK }).waitFor();
    // The tree, reloaded from the server, shows what the form set.
    const created = page.locator('.node', { has: page.locator('.title', { hasText: NEW_TASK }) }).last();
    const [y, m, d] = taskDue.split('-');
    await created.getByText('Phối hợp: Chi bộ Tổ dân phố 2').waitFor();
    await created.getByText('Ưu tiên cao').waitFor();
    await created.getByText('Trọng số 2').waitFor();
    await created.getByText(`Số hộ được khảo sát: 150 hộ · Hạn: ${d}/${m}/${y}`).waitFor();
    await screenshot(page, JOURNEY, 'desktop-2-sub-task-created');
    await page.setViewportSize(PHONE);
    await screenshot(page, JOURNEY, 'phone-plan');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // The cell officer syncs and sees the new task.
    await phone.page.goto(new URL('/sync', server.url).toString());
    await phone.page.getByRole('main').getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await phone.page.goto(server.url);
    await phone.page.getByText(NEW_TASK).first().waitFor({ timeout: 60_000 });
    await screenshot(phone.page, JOURNEY, 'phone-1-cell-sees-new-task');

    // The commune leader works through the review queue with the keyboard.
    const reviewer = await openBrowser(DESKTOP);
    open.push(reviewer);
    const rp = reviewer.page;
    await signIn(rp, server.url, 'lanhdao.xuanhuong', '/committee/reviews');
    const list = rp.getByRole('listbox', { name: 'Danh sách báo cáo chờ duyệt, cũ nhất trước' });
    await list.waitFor();
    const before = await list.getByRole('option').count();
    expect(before).toBeGreaterThan(0);
    // The screen opens on its heading, as every screen does; j (named in the shortcuts line) goes into the list.
    await expect.poll(() => rp.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await rp.keyboard.press('j');
    await expect.poll(() => rp.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await screenshot(rp, JOURNEY, 'desktop-3-review-queue');
    const selectedId = () => rp.locator('[role="option"][aria-selected="true"]').getAttribute('id');
    const ids = await list.getByRole('option').evaluateAll((els) => els.map((e) => e.id));
    if (before > 1) {
      await rp.keyboard.press('j');
      await expect.poll(selectedId).toBe(ids[1]);
      await rp.keyboard.press('ArrowUp');
      await expect.poll(selectedId).toBe(ids[0]);
    }
    const chosen = rp.locator('[role="option"][aria-selected="true"]');
    const title = (await chosen.locator('.title').innerText()).trim();
    const optionId = await chosen.getAttribute('id');
    await rp.keyboard.press('a');
    await rp.getByText(`Đã duyệt báo cáo «${title}».`).waitFor();
    await expect.poll(() => list.getByRole('option').count()).toBe(before - 1);
    await screenshot(rp, JOURNEY, 'desktop-4-approved');
    await rp.setViewportSize(PHONE);
    await screenshot(rp, JOURNEY, 'phone-review-queue');

    // The approval is stored: the report, oldest first on the first page before, is gone after a reload.
    await rp.setViewportSize(DESKTOP);
    await rp.reload();
    await list.waitFor();
    expect(await rp.locator(`[id="${optionId}"]`).count()).toBe(0);
  });
});
