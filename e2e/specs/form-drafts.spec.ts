import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBothSizes } from '../support/axe.js';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { eventually, openTasksOf, signIn, waitForServiceWorker } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'form-drafts';

/** The keys in the phone's drafts store (IndexedDB). */
const draftKeys = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('resolute');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const keys = open.result.transaction('drafts').objectStore('drafts').getAllKeys();
          keys.onsuccess = () => {
            resolve(keys.result.map(String));
            open.result.close();
          };
        };
      }),
  );
const FOCAL = 'daumoi.xuanhuong';
const COMMUNE = 'C-LD-XUANHUONG';

describe.runIf(chromiumAvailable())('half-typed forms survive', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('a task edit typed on the phone survives going offline and a reload, and is gone once saved', async () => {
    const phone = await openBrowser();
    try {
      const { page, context } = phone;
      const [task] = await server.sql<{ id: string; title: string }>(
        `select t.id, t.title from task t join unit u on u.id = t.lead_unit_id
          where u.code = $1 and t.state = 'OPEN' order by t.title limit 1`,
        [COMMUNE],
      );
      expect(task).toBeDefined();
      await signIn(page, server, FOCAL);
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await page.getByText('Đã gửi hết').first().waitFor();
      await waitForServiceWorker(page);

      const typed = `Đang soạn dở: rà soát danh sách hộ (e2e-${Date.now().toString(36)})`;
      await page.goto(new URL(`/tasks/${task!.id}/edit`, server.url).toString());
      await page.getByLabel('Mô tả').fill(typed);
      await page.locator('[data-test="draft-saved"]').waitFor();
      // No signal, and the page is reloaded (the phone closed the app): the input is still there.
      await context.setOffline(true);
      await page.reload();
      await page.locator('[data-test="draft-restored"]').waitFor({ timeout: 30_000 });
      expect(await page.getByLabel('Mô tả').inputValue()).toBe(typed);
      await screenshots(page, JOURNEY, '1-edit-restored-offline');

      // Saved on the phone: the draft is gone, and the edit goes out with the signal.
      await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
      await page.locator('[data-test="edit-saved"]').waitFor();
      await context.setOffline(false);
      await eventually(
        'the edit on the server',
        () => server.sql<{ description: string }>(`select description from task where id = $1`, [task!.id]),
        (rows) => rows[0]?.description === typed,
        90_000,
      );
      await page.goto(new URL(`/tasks/${task!.id}/edit`, server.url).toString());
      await page.getByLabel('Mô tả').waitFor();
      await page.waitForTimeout(500);
      expect(await page.locator('[data-test="draft-restored"]').count()).toBe(0);
      expect(await draftKeys(page)).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('a report typed offline is still there after a reload, and its draft is gone once it is saved', async () => {
    const phone = await openBrowser();
    try {
      const { page, context } = phone;
      const [task] = await openTasksOf(server, 'CB-LD-XUANHUONG-1', 1);
      await signIn(page, server, 'canbo.tdp1');
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await page.getByText('Đã gửi hết').first().waitFor();
      await waitForServiceWorker(page);

      await context.setOffline(true);
      await page.goto(new URL(`/tasks/${task!.id}/report`, server.url).toString());
      const narrative = `Đã họp tổ, còn chờ số liệu (e2e-${Date.now().toString(36)})`;
      await page.fill('#report-percent', '45');
      await page.fill('#report-narrative', narrative);
      await page.locator('[data-test="draft-saved"]').waitFor();
      expect(await draftKeys(page)).toEqual([`report:${task!.id}`]);
      // Kept on the device, not in the tab: nothing is left in sessionStorage.
      expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('resolute.draft.')))).toEqual([]);

      // The app is closed and opened again with no signal: the text is back.
      await page.reload();
      await page.locator('[data-test="draft-restored"]').waitFor({ timeout: 30_000 });
      expect(await page.inputValue('#report-narrative')).toBe(narrative);
      expect(await page.inputValue('#report-percent')).toBe('45');
      await screenshots(page, JOURNEY, '4-report-restored-offline');

      await page.getByRole('button', { name: 'Lưu báo cáo' }).click();
      await page.getByText('Đã lưu trên điện thoại này, chưa gửi.').waitFor();
      expect(await draftKeys(page)).toEqual([]);
      await page.goto(new URL(`/tasks/${task!.id}/report`, server.url).toString());
      await page.locator('#report-narrative').waitFor();
      await page.waitForTimeout(500);
      expect(await page.inputValue('#report-narrative')).toBe('');
      expect(await page.locator('[data-test="draft-restored"]').count()).toBe(0);

      // The report goes out with the signal, once.
      await context.setOffline(false);
      await eventually(
        'the report on the server',
        () => server.sql<{ n: number }>(`select count(*)::int as n from progress_report where narrative = $1`, [narrative]),
        (rows) => rows[0]?.n === 1,
        90_000,
      );
    } finally {
      await phone.close();
    }
  });

  it('the committee’s sub-task and reschedule forms are offered back after a reload, keep their input through a lost connection, and start empty once sent or cancelled', async () => {
    const desk = await openBrowser(DESKTOP);
    try {
      const { page, context } = desk;
      await signIn(page, server, FOCAL, '/committee/plan');
      await page.getByRole('heading', { name: 'Phân rã và giao nhiệm vụ' }).waitFor();
      const parent = page.locator('.node', { hasText: 'Phổ cập kỹ năng số cho người dân – Phường Xuân Hương' }).first();
      await parent.waitFor({ timeout: 30_000 });
      const openSubForm = () =>
        parent
          .getByRole('button', { name: /^Thêm nhiệm vụ con/ })
          .first()
          .click();
      await openSubForm();
      let form = page.locator('form.sub-form');
      await form.getByLabel('Tên nhiệm vụ').fill('Tập huấn kỹ năng số cho tổ trưởng dân phố');
      await form.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
      await form.getByLabel('Tên chỉ tiêu').fill('Số tổ trưởng được tập huấn');
      await form.locator('[data-test="draft-saved"]').waitFor();
      await page.reload();
      await parent.waitFor({ timeout: 30_000 });
      // The page offers the closed form's draft back: "continue" opens the form with it.
      const prompt = page.locator('[data-test="draft-prompt"]');
      await prompt.getByText(/^Thêm nhiệm vụ con: «.+», giữ trên máy lúc/).waitFor({ timeout: 30_000 });
      const violations = await auditBothSizes(page, JOURNEY, 'plan-draft-offered');
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await prompt.getByRole('button', { name: /^Tiếp tục soạn/ }).click();
      form = page.locator('form.sub-form');
      await form.locator('[data-test="draft-restored"]').waitFor();
      expect(await prompt.count()).toBe(0);
      expect(await form.getByLabel('Tên nhiệm vụ').inputValue()).toBe('Tập huấn kỹ năng số cho tổ trưởng dân phố');
      expect(await form.getByLabel('Tên chỉ tiêu').inputValue()).toBe('Số tổ trưởng được tập huấn');
      await screenshots(page, JOURNEY, '2-sub-task-restored');
      // Cancelled: the next opening starts empty.
      await form.getByRole('button', { name: 'Huỷ', exact: true }).click();
      await openSubForm();
      form = page.locator('form.sub-form');
      await form.getByLabel('Tên nhiệm vụ').waitFor();
      expect(await form.getByLabel('Tên nhiệm vụ').inputValue()).toBe('');
      expect(await form.locator('[data-test="draft-restored"]').count()).toBe(0);
      await form.getByRole('button', { name: 'Huỷ', exact: true }).click();
      // Nothing is offered once the draft is gone.
      await page.reload();
      await parent.waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      expect(await page.locator('[data-test="draft-prompt"]').count()).toBe(0);

      // The reschedule form on the task page: reloaded, then sent while the connection is gone.
      // A day earlier than today's due date stays inside the parent's and after the start.
      const [task] = await server.sql<{ id: string; title: string; day: string }>(
        `select t.id, t.title, to_char(t.due_on - 1, 'YYYY-MM-DD') as day
           from task t join account a on a.username = $1 and a.unit_id = t.assigner_unit_id
          where t.state = 'OPEN' and t.due_on is not null and (t.start_on is null or t.start_on < t.due_on - 1)
            and not exists (select 1 from task c where c.parent_id = t.id) order by t.title limit 1`,
        [FOCAL],
      );
      await page.goto(new URL(`/committee/tasks/${task!.id}`, server.url).toString());
      await page.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      await page.getByRole('button', { name: 'Đổi hạn' }).click();
      const reason = `Chờ kinh phí bổ sung (e2e-${Date.now().toString(36)})`;
      await page.getByLabel('Hạn hoàn thành mới').fill(task!.day);
      await page.getByLabel('Lý do', { exact: true }).fill(reason);
      await page.locator('form.change-form [data-test="draft-saved"]').waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      await page
        .locator('[data-test="draft-prompt"]')
        .getByRole('button', { name: /^Tiếp tục soạn/ })
        .click();
      await page.locator('form.change-form [data-test="draft-restored"]').waitFor();
      expect(await page.getByLabel('Lý do', { exact: true }).inputValue()).toBe(reason);
      expect(await page.getByLabel('Hạn hoàn thành mới').inputValue()).toBe(task!.day);

      await context.setOffline(true);
      await page.locator('form.change-form').getByRole('button', { name: 'Lưu', exact: true }).click();
      await page.locator('form.change-form [role="alert"]').waitFor();
      expect(await page.getByLabel('Lý do', { exact: true }).inputValue()).toBe(reason);
      await screenshots(page, JOURNEY, '3-reschedule-offline');
      await context.setOffline(false);
      await page.locator('form.change-form').getByRole('button', { name: 'Lưu', exact: true }).click();
      await page.locator('form.change-form').waitFor({ state: 'detached' });
      const [stored] = await server.sql<{ due: string }>(`select due_on::text as due from task where id = $1`, [task!.id]);
      expect(stored!.due).toBe(task!.day);
      await page.getByRole('button', { name: 'Đổi hạn' }).click();
      await page.getByLabel('Lý do', { exact: true }).waitFor();
      expect(await page.getByLabel('Lý do', { exact: true }).inputValue()).toBe('');
    } finally {
      await desk.close();
    }
  });
});
