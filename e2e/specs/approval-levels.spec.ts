import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { eventually, recordReportThroughUi, signIn, taskCard, waitForServiceWorker } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'approval-levels';
const CELL = 'CB-LD-XUANHUONG-1';
const COMMUNE = 'C-LD-XUANHUONG';

interface Row {
  id: string;
  state: string;
  approval_levels: number;
  approved_levels: number;
}

/**
 * Sets a task's approval levels on the plan screen, as the assigning unit's focal officer does:
 * opens the task's parent in the tree (when it has one), then the task's "approval levels" form.
 */
async function setLevelsOnPlanScreen(
  page: Page,
  server: RunningServer,
  task: { id: string; title: string; parentTitle: string | null },
  levels: number,
  reason: string,
): Promise<void> {
  await signIn(page, server, 'daumoi.xuanhuong', '/committee/plan');
  await page.getByRole('heading', { level: 1, name: 'Phân rã và giao nhiệm vụ' }).waitFor();
  if (task.parentTitle)
    await page
      .getByRole('button', { name: new RegExp(`nhiệm vụ con của «${task.parentTitle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}»$`) })
      .first()
      .click({ timeout: 30_000 });
  const node = page
    .locator('li.node')
    .filter({ has: page.locator(`a[href="/committee/tasks/${task.id}"]`) })
    .last();
  // The button's name ends with the task's title for screen readers (a visually hidden part).
  await node.getByRole('button', { name: /^Cấp duyệt/ }).click({ timeout: 30_000 });
  const form = page.locator('form.control-form');
  await form.getByLabel('Số cấp duyệt báo cáo').selectOption({ label: `${levels} cấp` });
  await form.getByRole('button', { name: 'Lưu', exact: true }).click();
  // Without a reason nothing is sent.
  await form.getByText('Hãy nêu lý do.').waitFor();
  await form.getByLabel('Lý do').fill(reason);
  await form.getByRole('button', { name: 'Lưu', exact: true }).click();
  await page.getByText(`Đã đặt cấp duyệt cho «${task.title}».`, { exact: true }).first().waitFor();
  await node.locator('[data-test="approval-levels"]').first().getByText(`Duyệt ${levels} cấp`).waitFor();
}

/** The cell's row on the commune dashboard: [completion rate, average progress] as shown. */
async function cellRow(page: Page, cellName: string): Promise<[string, string]> {
  const row = page.locator('table.units tbody tr').filter({ has: page.getByRole('button', { name: cellName, exact: true }) });
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  return [cells[3]!, cells[4]!];
}

/** The dashboard's "approved at a lower level, not yet final" figure. */
async function notFinal(page: Page): Promise<string> {
  return page.locator('[data-test="approved-not-final"] strong').innerText();
}

async function openDashboard(page: Page, server: RunningServer): Promise<void> {
  await page.goto(new URL('committee/dashboard', server.url).toString());
  await page.locator('[data-test="approved-not-final"]').waitFor({ timeout: 30_000 });
}

/** Opens the review queue on one report, as its task page's link does, and waits until it is selected. */
async function openInQueue(page: Page, server: RunningServer, reportId: string): Promise<void> {
  await page.goto(new URL(`committee/reviews?reportId=${reportId}`, server.url).toString());
  await page.locator(`#review-item-${reportId}[aria-selected="true"]`).waitFor({ timeout: 30_000 });
}

async function approveInQueue(page: Page, server: RunningServer, reportId: string, announced: string): Promise<void> {
  await openInQueue(page, server, reportId);
  await page.getByRole('button', { name: 'Duyệt (a)' }).click();
  await page.getByText(announced).waitFor();
}

/** The cell's average progress from the database: completed count as 100, cancelled left out. */
async function expectedAverage(server: RunningServer): Promise<string> {
  const [row] = await server.sql<{ avg: number }>(
    `select avg(case when t.state = 'COMPLETED' then 100 else t.progress end)::float8 as avg
       from task t join unit u on u.id = t.lead_unit_id where u.code = $1 and t.state <> 'CANCELLED'`,
    [CELL],
  );
  return `${Math.round(row!.avg)}%`;
}

describe.runIf(chromiumAvailable())('approval at two levels', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('an offline report climbs commune then province, a province return reaches the phone, the answer counts once both approve', async () => {
    const officer = await openBrowser();
    const commune = await openBrowser(DESKTOP);
    const province = await openBrowser(DESKTOP);
    const focal = await openBrowser(DESKTOP);
    try {
      // A task the commune gave the cell, with nothing waiting on it; the commune's focal officer
      // asks for two levels of approval on it (commune, then province) on the plan screen.
      const [task] = await server.sql<{ id: string; title: string; version: number; parentTitle: string | null }>(
        `select t.id, t.title, t.version, p.title as "parentTitle" from task t
           left join task p on p.id = t.parent_id
           join unit l on l.id = t.lead_unit_id join unit a on a.id = t.assigner_unit_id
          where l.code = $1 and a.code = $2 and t.state = 'OPEN'
            and not exists (select 1 from progress_report r where r.task_id = t.id and r.state <> 'APPROVED')
          order by t.title limit 1`,
        [CELL, COMMUNE],
      );
      expect(task).toBeDefined();
      await setLevelsOnPlanScreen(focal.page, server, task!, 2, 'Nhiệm vụ trọng điểm của tỉnh');
      await screenshots(focal.page, JOURNEY, '0-plan-sets-two-levels');
      const [levels] = await server.sql<{ approval_levels: number }>(`select approval_levels from task where id = $1`, [
        task!.id,
      ]);
      expect(levels!.approval_levels).toBe(2);
      const [{ name: cellName }] = await server.sql<{ name: string }>(`select name from unit where code = $1`, [CELL]);
      const tag = `e2e-${Date.now().toString(36)}`;
      const phone = officer.page;

      // The cell officer syncs, goes offline, reports, and syncs when the signal returns.
      await signIn(phone, server, 'canbo.tdp1');
      await phone.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await phone.getByText('Đã gửi hết').first().waitFor();
      await waitForServiceWorker(phone);
      await officer.context.setOffline(true);
      await phone.reload();
      await phone.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 30_000 });
      await recordReportThroughUi(phone, task!, { percent: 70, narrative: `Đã triển khai tại tổ dân phố (${tag}).` });
      await phone.getByRole('heading', { level: 1, name: 'Đã lưu báo cáo' }).waitFor();
      expect(await server.sql(`select 1 from progress_report where narrative like $1`, [`%${tag}%`])).toHaveLength(0);
      await screenshots(phone, JOURNEY, '1-reported-offline');
      await officer.context.setOffline(false);
      await phone.getByText('Đã gửi hết').first().waitFor({ timeout: 90_000 });
      const [first] = await eventually(
        'the report on the server',
        () =>
          server.sql<Row>(`select id, state, approval_levels, approved_levels from progress_report where narrative like $1`, [
            `%${tag}%`,
          ]),
        (rows) => rows.length === 1,
      );
      expect(first).toMatchObject({ state: 'SUBMITTED', approval_levels: 2, approved_levels: 0 });
      await phone.getByRole('link', { name: 'Về nhiệm vụ' }).click();
      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await (await taskCard(phone, task!)).getByText('Chờ xã duyệt').waitFor({ timeout: 60_000 });

      // The commune dashboard before any review.
      await signIn(commune.page, server, 'lanhdao.xuanhuong', '/committee/dashboard');
      await openDashboard(commune.page, server);
      const averageBefore = await expectedAverage(server);
      await eventually(
        'the dashboard',
        () => cellRow(commune.page, cellName!),
        (r) => r[1] === averageBefore,
        30_000,
      );
      expect(await notFinal(commune.page)).toBe('0');

      // The commune approves: the report moves to the province's queue, not yet final.
      await approveInQueue(
        commune.page,
        server,
        first!.id,
        `Đã duyệt báo cáo «${task!.title}» ở cấp 1; báo cáo chuyển lên cấp trên (Chờ tỉnh duyệt).`,
      );
      await screenshots(commune.page, JOURNEY, '2-commune-approves');
      const [afterCommune] = await server.sql<Row & { progress: number }>(
        `select r.state, r.approved_levels, t.progress from progress_report r join task t on t.id = r.task_id where r.id = $1`,
        [first!.id],
      );
      expect(afterCommune).toMatchObject({ state: 'SUBMITTED', approved_levels: 1 });
      // The dashboard shows it apart, and the cell's progress has not taken it.
      await openDashboard(commune.page, server);
      await eventually(
        'the not-final figure',
        () => notFinal(commune.page),
        (n) => n === '1',
        30_000,
      );
      expect((await cellRow(commune.page, cellName!))[1]).toBe(averageBefore);
      await screenshots(commune.page, JOURNEY, '3-dashboard-not-final');
      // The commune's task page says where it waits.
      await commune.page.goto(new URL(`committee/tasks/${task!.id}`, server.url).toString());
      await commune.page.locator('.report-submitted').getByText('Chờ tỉnh duyệt').first().waitFor({ timeout: 30_000 });
      await commune.page.locator('[data-test="not-final"]').first().waitFor();

      // The phone shows it waiting at the province.
      await phone.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await (await taskCard(phone, task!)).getByText('Chờ tỉnh duyệt').waitFor({ timeout: 60_000 });
      await screenshots(phone, JOURNEY, '4-phone-awaiting-province');

      // The province returns it with a comment from its queue (r, the box, the button).
      const comment = `Đề nghị gửi kèm biên bản họp tổ dân phố (${tag}).`;
      await signIn(province.page, server, 'lanhdao.lamdong', '/committee/dashboard');
      await openInQueue(province.page, server, first!.id);
      await province.page.locator('[data-test="approval-levels"]').getByText('Cấp 2/2').waitFor();
      await province.page.keyboard.press('r');
      const box = province.page.getByLabel('Ý kiến khi trả lại (bắt buộc)');
      await box.fill(comment);
      await province.page.getByRole('button', { name: 'Trả lại báo cáo' }).click();
      await province.page.getByText(`Đã trả lại báo cáo «${task!.title}».`).waitFor();
      await screenshots(province.page, JOURNEY, '5-province-returns');

      // The phone shows the return with the province's comment.
      await (await taskCard(phone, task!)).click();
      await phone.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      await phone.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await phone.getByRole('region', { name: 'Báo cáo bị trả lại' }).getByText(comment).waitFor({ timeout: 60_000 });
      await screenshots(phone, JOURNEY, '6-phone-sees-return');

      // The answer starts the chain again: the commune, then the province approve it.
      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await recordReportThroughUi(phone, task!, {
        percent: 100,
        narrative: `Đã bổ sung biên bản họp (${tag}).`,
        answering: true,
      });
      await phone.getByRole('heading', { level: 1, name: 'Đã gửi báo cáo' }).waitFor({ timeout: 60_000 });
      const [answer] = await eventually(
        'the answer on the server',
        () =>
          server.sql<Row>(
            `select id, state, approval_levels, approved_levels from progress_report where narrative like $1 and id <> $2`,
            [`%${tag}%`, first!.id],
          ),
        (rows) => rows.length === 1,
      );
      expect(answer).toMatchObject({ state: 'SUBMITTED', approval_levels: 2, approved_levels: 0 });
      await approveInQueue(
        commune.page,
        server,
        answer!.id,
        `Đã duyệt báo cáo «${task!.title}» ở cấp 1; báo cáo chuyển lên cấp trên (Chờ tỉnh duyệt).`,
      );
      await approveInQueue(province.page, server, answer!.id, `Đã duyệt báo cáo «${task!.title}».`);
      const [done] = await eventually(
        'the approved progress on the task',
        () => server.sql<{ state: string; progress: number }>(`select state, progress from task where id = $1`, [task!.id]),
        (rows) => rows[0]?.state === 'COMPLETED',
        30_000,
      );
      expect(done).toEqual({ state: 'COMPLETED', progress: 100 });

      // The dashboard counts it now, and nothing is left not final.
      await openDashboard(commune.page, server);
      const averageAfter = await expectedAverage(server);
      expect(averageAfter).not.toBe(averageBefore);
      await eventually(
        'the new progress',
        () => cellRow(commune.page, cellName!),
        (r) => r[1] === averageAfter,
        30_000,
      );
      expect(await notFinal(commune.page)).toBe('0');
      await screenshots(commune.page, JOURNEY, '7-dashboard-counts-it');

      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await phone.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await (await taskCard(phone, task!)).getByText('Đã duyệt').waitFor({ timeout: 60_000 });
      await screenshots(phone, JOURNEY, '8-phone-approved');
    } finally {
      await officer.close();
      await commune.close();
      await province.close();
      await focal.close();
    }
  });
});
