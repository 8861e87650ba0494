import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBothSizes, type Violation } from '../support/axe.js';
import { DESKTOP, openBrowser, PHONE } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { openTasksOf, saveOfflineWhileProvinceEdits, signIn, taskCard, waitForServiceWorker } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

// The screens added after the first accessibility journey, each audited at phone and at desktop size.
const JOURNEY = 'accessibility';
const TIMEOUT = 300_000;

function expectNone(violations: Violation[]): void {
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe.runIf(chromiumAvailable())('accessibility of the editing, planning and administration screens', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it(
    'field app: the task edit screen and the conflict screen',
    async () => {
      const violations: Violation[] = [];
      const [task] = await openTasksOf(server, 'C-LD-XUANHUONG', 1);
      const tag = Date.now().toString(36);
      const phone = await openBrowser(PHONE);
      try {
        const { page, context } = phone;
        await signIn(page, server, 'daumoi.xuanhuong');
        await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
        await page.getByText('Đã gửi hết').first().waitFor({ timeout: 60_000 });
        await waitForServiceWorker(page);

        // An edit saved on the phone with no network, while the province changes the same field.
        await context.setOffline(true);
        await (await taskCard(page, task!)).click();
        await page.getByRole('link', { name: 'Sửa thông tin nhiệm vụ' }).click();
        await page.getByRole('heading', { level: 1, name: 'Sửa nhiệm vụ' }).waitFor();
        await page.getByLabel('Mô tả', { exact: true }).fill(`Mô tả sửa trên điện thoại (${tag}).`);
        violations.push(...(await auditBothSizes(page, JOURNEY, 'task-edit')));
        // The skip link is measured where it shows, on focus: a 44 px target too.
        const skip = page.getByRole('link', { name: 'Bỏ qua, đến nội dung chính' });
        await skip.focus();
        expect((await skip.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        await skip.blur();
        await saveOfflineWhileProvinceEdits(page, context, server, task!, tag);
        await page.getByRole('heading', { level: 1, name: 'Đồng bộ' }).waitFor();
        await page.getByRole('link', { name: 'Xem và chọn' }).click();
        await page.getByRole('heading', { level: 1, name: 'Xung đột dữ liệu' }).waitFor();
        await page.getByRole('radio', { name: new RegExp(`Bản trên máy chủ.*${tag}`) }).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'conflict')));
      } finally {
        await phone.close();
      }
      expectNone(violations);
    },
    TIMEOUT,
  );

  it(
    'committee: review queue, task plan with the sub-task form open, and the committee task screen',
    async () => {
      const violations: Violation[] = [];
      const leader = await openBrowser(DESKTOP);
      try {
        const { page } = leader;
        await signIn(page, server, 'lanhdao.xuanhuong', '/committee/reviews');
        const list = page.getByRole('listbox', { name: 'Danh sách báo cáo chờ duyệt, cũ nhất trước' });
        await list.getByRole('option').first().waitFor({ timeout: 30_000 });
        await page.locator('.detail-pane h2').waitFor({ timeout: 30_000 });
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-reviews')));
        const skip = page.getByRole('link', { name: 'Bỏ qua, đến nội dung chính' });
        await skip.focus();
        expect((await skip.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        await skip.blur();

        const [task] = await openTasksOf(server, 'C-LD-XUANHUONG', 1);
        await page.goto(new URL(`committee/tasks/${task!.id}`, server.url).toString());
        await page.getByRole('heading', { level: 1, name: task!.title }).waitFor({ timeout: 30_000 });
        await page.locator('#task-reports-title').waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-task')));
      } finally {
        await leader.close();
      }

      const focal = await openBrowser(DESKTOP);
      try {
        const { page } = focal;
        await signIn(page, server, 'daumoi.xuanhuong', '/committee/plan');
        await page.getByRole('heading', { level: 1, name: 'Phân rã và giao nhiệm vụ' }).waitFor();
        const resolution = page.getByLabel('Nghị quyết');
        const option57 = await resolution.locator('option', { hasText: '57-NQ/TW' }).getAttribute('value');
        await resolution.selectOption(option57!);
        const parent = page.locator('.node', { hasText: 'Phổ cập kỹ năng số cho người dân – Phường Xuân Hương' }).first();
        await parent.waitFor({ timeout: 30_000 });
        await parent
          .getByRole('button', { name: /^Thêm nhiệm vụ con/ })
          .first()
          .click();
        const form = page.locator('form.sub-form');
        await form.getByLabel('Tên nhiệm vụ').waitFor();
        await form.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
        await form.getByLabel('Tên chỉ tiêu').waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-plan-sub-task-form')));
      } finally {
        await focal.close();
      }
      expectNone(violations);
    },
    TIMEOUT,
  );

  it(
    'committee administration: units, accounts (create form and one-time password), audit log, evaluation and printable report',
    async () => {
      const violations: Violation[] = [];
      const admin = await openBrowser(DESKTOP);
      try {
        const { page } = admin;
        await signIn(page, server, 'admin.lamdong', '/committee/admin/units');
        await page.locator('button.name').first().waitFor({ timeout: 30_000 });
        await page.locator('button.name').first().click();
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        await page.locator('form', { hasText: 'Thêm đơn vị cấp dưới' }).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-admin-units')));

        await page.getByRole('link', { name: 'Tài khoản', exact: true }).click();
        const form = page.locator('form.create');
        await form.getByLabel('Tên đăng nhập').fill('a11y.kiemtra');
        await form.getByLabel('Tên hiển thị').fill('Kiểm tra trợ năng');
        await form.getByLabel('Đơn vị').selectOption({ index: 1 });
        await form.getByLabel('Quản trị').check();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-admin-accounts-create')));
        await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
        await page.locator('[data-test="temporary-password"]').waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-admin-accounts-password')));
        await page.getByRole('button', { name: 'Tôi đã trao mật khẩu' }).click();

        await page.getByRole('link', { name: 'Nhật ký' }).click();
        await page.locator('.event', { hasText: 'Tạo tài khoản' }).first().waitFor({ timeout: 30_000 });
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-audit')));
      } finally {
        await admin.close();
      }

      const leader = await openBrowser(DESKTOP);
      try {
        const { page } = leader;
        await signIn(page, server, 'lanhdao.lamdong', '/committee/evaluation');
        await page.locator('.filters select').first().selectOption('YEAR');
        await page.locator('ul.tasks[aria-busy="false"]').waitFor();
        await page.locator('.task').first().waitFor({ timeout: 30_000 });
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-evaluation')));

        await page.getByRole('link', { name: 'Báo cáo in' }).click();
        await page.getByRole('heading', { level: 1, name: 'Báo cáo tình hình thực hiện nghị quyết' }).waitFor();
        await page.locator('.by-child tbody tr').first().waitFor({ timeout: 30_000 });
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-report')));
      } finally {
        await leader.close();
      }
      expectNone(violations);
    },
    TIMEOUT,
  );
});
