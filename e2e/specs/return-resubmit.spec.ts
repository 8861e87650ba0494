import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { eventually, openTasksOf, recordReportThroughUi, signIn, taskCard } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'return-resubmit';
const CELL = 'CB-LD-XUANHUONG-1';

/** The cell's row on the commune leader's dashboard: [completion rate, average progress] as shown. */
async function cellRow(page: Page, cellName: string): Promise<[string, string]> {
  const row = page.locator('table.units tbody tr').filter({ has: page.getByRole('button', { name: cellName, exact: true }) });
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  return [cells[3]!, cells[4]!];
}

/** The same figures from the database: completed count as 100, cancelled tasks left out. */
async function expectedAverage(server: RunningServer): Promise<string> {
  const [row] = await server.sql<{ avg: number }>(
    `select avg(case when t.state = 'COMPLETED' then 100 else t.progress end)::float8 as avg
       from task t join unit u on u.id = t.lead_unit_id where u.code = $1 and t.state <> 'CANCELLED'`,
    [CELL],
  );
  return `${Math.round(row!.avg)}%`;
}

/**
 * From the task's committee page, follows its "review this report" link into the review queue
 * and waits until the queue has that report selected.
 */
async function reviewFromTaskPage(page: Page, task: { id: string; title: string }, reportId: string, tag: string): Promise<void> {
  if (new URL(page.url()).pathname !== `/committee/tasks/${task.id}`)
    await page.goto(new URL(`/committee/tasks/${task.id}`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: task.title }).waitFor({ timeout: 30_000 });
  await page.locator(`a[href*="reportId=${reportId}"]`).click();
  await page.waitForURL((url) => url.pathname === '/committee/reviews');
  const detail = page.locator('.detail-pane');
  await detail.getByRole('heading', { level: 2, name: task.title }).waitFor({ timeout: 30_000 });
  await detail.getByText(tag, { exact: false }).first().waitFor();
  await page.locator(`#review-item-${reportId}[aria-selected="true"]`).waitFor();
}

describe.runIf(chromiumAvailable())('return and resubmit', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('a returned report reaches the officer with its comment, the answer is approved, the dashboard moves', async () => {
    const officer = await openBrowser();
    const leader = await openBrowser(DESKTOP);
    try {
      const [task] = await openTasksOf(server, CELL, 1);
      const [{ name: cellName }] = await server.sql<{ name: string }>(`select name from unit where code = $1`, [CELL]);
      const tag = `e2e-${Date.now().toString(36)}`;
      const phone = officer.page;

      // The officer records a report online; it is sent at once.
      await signIn(phone, server, 'canbo.tdp1');
      await phone.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await recordReportThroughUi(phone, task!, { percent: 40, narrative: `Đã họp chi bộ triển khai (${tag}).` });
      await phone.getByRole('heading', { level: 1, name: 'Đã gửi báo cáo' }).waitFor({ timeout: 60_000 });
      const [first] = await server.sql<{ id: string; state: string }>(
        `select id, state from progress_report where narrative like $1`,
        [`%${tag}%`],
      );
      expect(first).toMatchObject({ state: 'SUBMITTED' });

      // The commune leader, on a desktop, sees the dashboard before the review.
      await signIn(leader.page, server, 'lanhdao.xuanhuong', '/committee/dashboard');
      const averageBefore = await expectedAverage(server);
      const before = await eventually(
        'the dashboard',
        () => cellRow(leader.page, cellName!),
        (r) => r[1] === averageBefore,
        30_000,
      );
      await screenshots(leader.page, JOURNEY, '1-dashboard-before');

      // The leader opens the task from its committee page, follows it to the review queue, and
      // returns the report with a comment typed in the queue's box (keyboard: r, then the box).
      const comment = `Đề nghị bổ sung số liệu cụ thể về số đảng viên tham gia (${tag}).`;
      await reviewFromTaskPage(leader.page, task!, first!.id, tag);
      await leader.page.keyboard.press('r');
      const box = leader.page.getByLabel('Ý kiến khi trả lại (bắt buộc)');
      await box.waitFor();
      expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
      await box.fill(comment);
      await screenshots(leader.page, JOURNEY, '1b-leader-returns');
      await leader.page.getByRole('button', { name: 'Trả lại báo cáo' }).click();
      await leader.page.getByText(`Đã trả lại báo cáo «${task!.title}».`).waitFor();
      const [returnedRow] = await server.sql<{ state: string; review_comment: string }>(
        `select state, review_comment from progress_report where id = $1`,
        [first!.id],
      );
      expect(returnedRow).toEqual({ state: 'RETURNED', review_comment: comment });

      // The officer syncs and sees the comment on the task.
      await phone.getByRole('link', { name: 'Về nhiệm vụ' }).click();
      await phone.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      await phone.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      const returned = phone.getByRole('region', { name: 'Báo cáo bị trả lại' });
      await returned.getByText(comment).waitFor({ timeout: 60_000 });
      await screenshots(phone, JOURNEY, '2-officer-sees-comment');

      // The officer answers with a new report.
      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await recordReportThroughUi(phone, task!, {
        percent: 100,
        narrative: `Đã bổ sung: 27/30 đảng viên tham gia, biên bản kèm theo (${tag}).`,
        answering: true,
      });
      await phone.getByRole('heading', { level: 1, name: 'Đã gửi báo cáo' }).waitFor({ timeout: 60_000 });
      const answer = await eventually(
        'the answer on the server',
        () =>
          server.sql<{ id: string; answers_report_id: string }>(
            `select id, answers_report_id from progress_report where narrative like $1 and id <> $2`,
            [`%${tag}%`, first!.id],
          ),
        (rows) => rows.length === 1,
      );
      expect(answer[0]!.answers_report_id).toBe(first!.id);

      // The leader sees the returned report with its comment on the task's page, and approves the
      // answer in the review queue with its button; the dashboard shows the new progress.
      await leader.page.goto(new URL(`committee/tasks/${task!.id}`, server.url).toString());
      const returnedReport = leader.page.locator('.report-returned');
      await returnedReport.getByText(comment).waitFor({ timeout: 30_000 });
      expect(await returnedReport.innerText()).toContain('Trả lại bởi');
      await reviewFromTaskPage(leader.page, task!, answer[0]!.id, tag);
      await leader.page.getByRole('button', { name: 'Duyệt (a)' }).click();
      await leader.page.getByText(`Đã duyệt báo cáo «${task!.title}».`).waitFor();
      // Progress and state follow the approval through the derived-data worker, within seconds.
      const [{ state, progress }] = await eventually(
        'the approved progress on the task',
        () => server.sql<{ state: string; progress: number }>(`select state, progress from task where id = $1`, [task!.id]),
        (rows) => rows[0]?.state === 'COMPLETED',
        30_000,
      );
      expect([state, progress]).toEqual(['COMPLETED', 100]);
      await leader.page.goto(new URL('committee/dashboard', server.url).toString());
      const averageAfter = await expectedAverage(server);
      expect(averageAfter).not.toBe(averageBefore);
      // The dashboard reads the rollups the approval updated: the cell's figures move.
      const after = await eventually(
        'the new progress',
        () => cellRow(leader.page, cellName!),
        (r) => r[1] === averageAfter,
        30_000,
      );
      expect(after[0]).not.toBe(before[0]);
      await screenshots(leader.page, JOURNEY, '3-dashboard-after');

      // And the officer's phone shows the task approved after its next sync.
      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await phone.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await (await taskCard(phone, task!)).getByText('Đã duyệt').waitFor({ timeout: 60_000 });
      await screenshots(phone, JOURNEY, '4-officer-sees-approved');
    } finally {
      await officer.close();
      await leader.close();
    }
  });
});
