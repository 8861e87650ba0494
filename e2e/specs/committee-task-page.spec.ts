import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { apiToken, eventually, gql, signIn, UPDATE_TASK } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'committee-task-page';
const CELL = 'CB-LD-XUANHUONG-1';
const FOCAL = 'daumoi.xuanhuong';

describe.runIf(chromiumAvailable())('committee task page', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('pages through a long history, and the assigner cancels the task with a reason; the phone learns it on its next sync', async () => {
    const officer = await openBrowser();
    const focal = await openBrowser(DESKTOP);
    try {
      // An open task of the cell, assigned by the focal officer's commune.
      const [task] = await server.sql<{ id: string; title: string; version: number }>(
        `select t.id, t.title, t.version from task t join unit u on u.id = t.lead_unit_id
           join account a on a.username = $2 and a.unit_id = t.assigner_unit_id
          where u.code = $1 and t.state = 'OPEN' order by t.title limit 1`,
        [CELL, FOCAL],
      );
      expect(task).toBeDefined();
      // A long history: more changes than the page shows at first (10).
      await server.sql(
        `insert into task_history (task_id, kind, reason, at)
         select $1, 'UPDATED', 'Thay đổi số ' || n, now() - make_interval(days => 100 - n) from generate_series(1, 12) n`,
        [task!.id],
      );
      const [{ n: changes }] = await server.sql<{ n: number }>(`select count(*)::int as n from task_history where task_id = $1`, [
        task!.id,
      ]);

      // The phone has the task.
      await signIn(officer.page, server, 'canbo.tdp1');
      await officer.page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await officer.page.getByText('Đã gửi hết').first().waitFor();
      await officer.page.goto(new URL(`/tasks/${task!.id}`, server.url).toString());
      await officer.page.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      expect(await officer.page.locator('[data-test="status"]').innerText()).not.toBe('Đã hủy');

      // The committee page shows the latest changes and loads the older ones on demand.
      const page = focal.page;
      await signIn(page, server, FOCAL, `/committee/tasks/${task!.id}`);
      await page.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      const history = page.locator('[data-test="task-history"] > li');
      await expect.poll(() => history.count()).toBe(10);
      await page.getByRole('heading', { name: `Lịch sử thay đổi (${changes})` }).waitFor();
      await page.getByRole('button', { name: `Xem thêm ${changes - 10} thay đổi` }).click();
      await expect.poll(() => history.count()).toBe(changes);
      await page
        .locator('[data-test="task-history"] .reason')
        .filter({ hasText: /Thay đổi số 1$/ })
        .waitFor();
      await screenshots(page, JOURNEY, '1-history-more');

      // Cancelling asks for a reason first.
      await page.getByRole('button', { name: 'Huỷ nhiệm vụ' }).click();
      const form = page.locator('form.cancel-form');
      await form.getByRole('heading', { name: `Huỷ nhiệm vụ «${task!.title}»?` }).waitFor();
      await form.getByRole('button', { name: 'Huỷ nhiệm vụ' }).click();
      await form.getByText('Hãy nêu lý do huỷ.').waitFor();
      const reasonField = form.getByLabel('Lý do huỷ (bắt buộc)');
      expect(await reasonField.getAttribute('aria-invalid')).toBe('true');
      const reason = `Trùng với nhiệm vụ của tỉnh (e2e-${Date.now().toString(36)})`;
      await reasonField.fill(reason);

      // Meanwhile someone else edits the task: the confirmation shows the current task first.
      const token = await apiToken(server, FOCAL);
      const renamed = `${task!.title} (đã sửa)`;
      await gql(server, token, UPDATE_TASK, { input: { id: task!.id, baseVersion: task!.version, title: renamed } });
      await form.getByRole('button', { name: 'Huỷ nhiệm vụ' }).click();
      await form.getByText(/Có người đã thay đổi nhiệm vụ này/).waitFor();
      await page.getByRole('heading', { level: 1, name: renamed }).waitFor();
      expect(await reasonField.inputValue()).toBe(reason);
      await screenshots(page, JOURNEY, '2-cancel-conflict');
      expect(await server.sql(`select 1 from task where id = $1 and state = 'CANCELLED'`, [task!.id])).toHaveLength(0);

      await form.getByRole('button', { name: 'Huỷ nhiệm vụ' }).click();
      await page.getByText(`Đã huỷ nhiệm vụ «${renamed}».`).first().waitFor();
      await page.locator('.status-line .badge').getByText('Đã hủy', { exact: true }).waitFor();
      await page.locator('[data-test="task-history"] > li').first().getByText(reason).waitFor();
      await screenshots(page, JOURNEY, '3-cancelled');
      const [stored] = await server.sql<{ state: string }>(`select state from task where id = $1`, [task!.id]);
      expect(stored!.state).toBe('CANCELLED');

      // The phone learns it on its next sync.
      await officer.page.goto(new URL('/sync', server.url).toString());
      await officer.page.getByRole('main').getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await officer.page.goto(new URL(`/tasks/${task!.id}`, server.url).toString());
      await eventually(
        'the cancelled task on the phone',
        () => officer.page.locator('[data-test="status"]').innerText(),
        (text) => text === 'Đã hủy',
        30_000,
      );
      await screenshots(officer.page, JOURNEY, '4-phone-cancelled');
    } finally {
      await officer.close();
      await focal.close();
    }
  });
});
