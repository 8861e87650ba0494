import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { apiToken, derivedCaughtUp, eventually, gql, signIn, taskCard, UPDATE_TASK } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'report-periods';
const CELL = 'CB-LD-XUANHUONG-1';
const COMMUNE = 'C-LD-XUANHUONG';

/** Today in Viet Nam, as the server counts periods. */
function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

interface Month {
  key: string;
  startOn: string;
  endOn: string;
  /** MM/YYYY, as the screens write a monthly period. */
  label: string;
  /** The last day of the month as DD/MM/YYYY: the due date under "0 days after the period". */
  endLabel: string;
}

/** The calendar month `back` months before the one containing `day`. */
function monthBefore(day: string, back: number): Month {
  const d = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 - back, 1));
  const y = d.getUTCFullYear();
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const last = new Date(Date.UTC(y, d.getUTCMonth() + 1, 0)).getUTCDate();
  return {
    key: `${y}-${m}`,
    startOn: `${y}-${m}-01`,
    endOn: `${y}-${m}-${last}`,
    label: `${m}/${y}`,
    endLabel: `${last}/${m}/${y}`,
  };
}

/** The cell's line in the dashboard's periodic-reporting table: [due, on time, late, missing]. */
async function complianceRow(page: Page, cellName: string): Promise<string[]> {
  const row = page.locator(`[data-test="compliance"] tbody tr[data-unit="${cellName}"]`);
  if ((await row.count()) === 0) return [];
  return (await row.locator('td').allInnerTexts()).slice(0, 4);
}

async function openDashboard(page: Page, server: RunningServer): Promise<void> {
  await page.goto(new URL('committee/dashboard', server.url).toString());
  await page.locator('[data-test="compliance"] table, [data-test="compliance"] .muted').first().waitFor({ timeout: 30_000 });
}

/**
 * Opens the committee warnings list filtered to MISSED_REPORT. The choice is made again until the
 * list shows that kind alone: just after a page load the app may still re-render the page (the
 * session is read back), which puts the filter back to "all kinds".
 */
async function openMissedReports(page: Page, server: RunningServer): Promise<void> {
  await page.goto(new URL('committee/warnings', server.url).toString());
  await page.getByRole('heading', { level: 1, name: 'Cảnh báo sớm' }).waitFor();
  const select = page.getByLabel('Loại cảnh báo');
  await eventually(
    'the list of missed reports alone',
    async () => {
      if ((await select.inputValue()) !== 'MISSED_REPORT') await select.selectOption({ label: 'Thiếu báo cáo định kỳ' });
      await page.waitForTimeout(500);
      const kinds = await page.locator('ul.warnings li .kind').allInnerTexts();
      return { value: await select.inputValue(), kinds };
    },
    (r) => r.value === 'MISSED_REPORT' && r.kinds.every((k) => k === 'Thiếu báo cáo định kỳ'),
    30_000,
  );
}

/** The MISSED_REPORT reason shown for the task in the committee warnings list. */
async function missedReason(page: Page, server: RunningServer, title: string): Promise<string> {
  await openMissedReports(page, server);
  const item = page.locator('ul.warnings li').filter({ has: page.getByRole('link', { name: title, exact: true }) });
  await item.waitFor({ timeout: 30_000 });
  expect(await item.locator('.kind').innerText()).toBe('Thiếu báo cáo định kỳ');
  return item.locator('.why').innerText();
}

describe.runIf(chromiumAvailable())('periodic reporting', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('a monthly schedule with missed months shows MISSED_REPORT in the warnings and the compliance figures; the phone lists the period owed and then the one due', async () => {
    const today = todayInVietnam();
    const [p1, p2] = [monthBefore(today, 1), monthBefore(today, 2)];
    // A task the commune gave the cell, still running past this month, nothing waiting on it.
    const [task] = await server.sql<{ id: string; title: string; version: number }>(
      `select t.id, t.title, t.version from task t
         join unit l on l.id = t.lead_unit_id join unit a on a.id = t.assigner_unit_id
        where l.code = $1 and a.code = $2 and t.state = 'OPEN' and t.due_on > $3::date + 40
          and not exists (select 1 from progress_report r where r.task_id = t.id and r.state <> 'APPROVED')
        order by t.title limit 1`,
      [CELL, COMMUNE, today],
    );
    expect(task).toBeDefined();
    const [{ name: cellName }] = await server.sql<{ name: string }>(`select name from unit where code = $1`, [CELL]);

    // The task started two months back (set through the API here; the next journey uses the reschedule form).
    const focalToken = await apiToken(server, 'daumoi.xuanhuong');
    await gql(server, focalToken, UPDATE_TASK, { input: { id: task!.id, baseVersion: task!.version, startOn: p2.startOn } });

    const focal = await openBrowser(DESKTOP);
    const committee = await openBrowser(DESKTOP);
    const officer = await openBrowser();
    try {
      // The commune's focal officer asks the cell for a report every month, due on the month's
      // last day, on the committee task page: both past months are now missing.
      await signIn(focal.page, server, 'daumoi.xuanhuong', `/committee/tasks/${task!.id}`);
      const control = focal.page.locator('[data-test="data-control"]');
      await control.getByRole('button', { name: 'Lịch báo cáo', exact: true }).click({ timeout: 30_000 });
      await control.getByLabel('Báo cáo định kỳ', { exact: true }).selectOption({ label: 'Hằng tháng' });
      const dueDays = control.getByLabel('Hạn nộp: số ngày sau khi hết kỳ');
      await dueDays.fill('năm');
      await control.getByRole('button', { name: 'Lưu', exact: true }).click();
      await control.getByText('Hạn nộp phải là một số ngày nguyên từ 0 đến 366.').waitFor();
      expect(await dueDays.getAttribute('aria-invalid')).toBe('true');
      await dueDays.fill('0');
      await control.getByRole('button', { name: 'Lưu', exact: true }).click();
      await control.locator('[data-test="report-schedule"]').getByText('Hằng tháng, hạn 0 ngày sau khi hết kỳ').waitFor();
      await screenshots(focal.page, JOURNEY, '0-schedule-set');
      const [saved] = await server.sql<{ report_frequency: string; report_due_days: number }>(
        `select report_frequency, report_due_days from task where id = $1`,
        [task!.id],
      );
      expect(saved).toEqual({ report_frequency: 'MONTHLY', report_due_days: 0 });
      await derivedCaughtUp(server);

      const { page } = committee;
      await signIn(page, server, 'lanhdao.xuanhuong', '/committee/warnings');
      expect(await missedReason(page, server, task!.title)).toBe(
        `Thiếu báo cáo kỳ ${p1.label} (hạn ${p1.endLabel}) và 1 kỳ trước đó.`,
      );
      await screenshots(page, JOURNEY, '1-warnings-missed-report');

      await openDashboard(page, server);
      expect(await complianceRow(page, cellName!)).toEqual(['2', '0', '0', '2']);
      const problems = page.locator('[data-test="compliance"] .problems li').filter({ hasText: task!.title });
      expect(await problems.allInnerTexts()).toEqual([
        expect.stringContaining(`Kỳ ${p1.label} — hạn ${p1.endLabel} — Thiếu báo cáo`),
        expect.stringContaining(`Kỳ ${p2.label} — hạn ${p2.endLabel} — Thiếu báo cáo`),
      ]);
      await screenshots(page, JOURNEY, '2-dashboard-compliance');

      // The phone works the periods out from the synced schedule: the oldest owed first.
      const phone = officer.page;
      await signIn(phone, server, 'canbo.tdp1');
      await phone.getByText('Đã gửi hết').first().waitFor({ timeout: 60_000 });
      const card = await taskCard(phone, task!);
      await card
        .locator('[data-test="next-report"]')
        .getByText(`Thiếu báo cáo kỳ ${p2.label} (hạn ${p2.endLabel}) · Số kỳ chưa báo cáo: 2`)
        .waitFor({ timeout: 30_000 });
      await screenshots(phone, JOURNEY, '3-phone-periods-owed');

      // The officer reports the older month (the form's default), late.
      await card.click();
      await phone.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      await phone.getByRole('link', { name: 'Báo cáo tiến độ', exact: true }).click();
      const period = phone.getByLabel('Kỳ báo cáo');
      await period.waitFor();
      expect(await period.inputValue()).toBe(p2.key);
      expect(await period.locator('option:checked').innerText()).toBe(`Kỳ ${p2.label} — hạn ${p2.endLabel}`);
      await phone.fill('#report-percent', '20');
      await phone.fill('#report-narrative', `Báo cáo bổ sung tháng ${p2.label}.`);
      await screenshots(phone, JOURNEY, '4-phone-report-period');
      await phone.getByRole('button', { name: 'Lưu báo cáo' }).click();
      await phone.getByRole('heading', { level: 1, name: /Đã lưu báo cáo|Đã gửi báo cáo/ }).waitFor();
      const [stored] = await eventually(
        'the report on the server',
        () => server.sql<{ period_key: string }>(`select period_key from progress_report where task_id = $1`, [task!.id]),
        (rows) => rows.some((r) => r.period_key === p2.key),
      );
      expect(stored!.period_key).toBe(p2.key);
      await derivedCaughtUp(server);

      // The warning now names only the month still owed; the figures count one late, one missing.
      expect(await missedReason(page, server, task!.title)).toBe(`Thiếu báo cáo kỳ ${p1.label} (hạn ${p1.endLabel}).`);
      await openDashboard(page, server);
      expect(await complianceRow(page, cellName!)).toEqual(['2', '0', '1', '1']);
      expect(await problems.allInnerTexts()).toEqual([
        expect.stringContaining(`Kỳ ${p1.label} — hạn ${p1.endLabel} — Thiếu báo cáo`),
        expect.stringContaining(`Kỳ ${p2.label} — hạn ${p2.endLabel} — Trễ hạn`),
      ]);
      await screenshots(page, JOURNEY, '5-dashboard-one-late-one-missing');

      await phone.getByRole('link', { name: 'Về nhiệm vụ' }).click();
      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await (
        await taskCard(phone, task!)
      )
        .locator('[data-test="next-report"]')
        .getByText(`Thiếu báo cáo kỳ ${p1.label} (hạn ${p1.endLabel})`, { exact: true })
        .waitFor({ timeout: 30_000 });
      await screenshots(phone, JOURNEY, '6-phone-next-owed');

      // The last month owed is reported too: no warning is left, both months count late, and the
      // phone lists the month under way, "report for MM/YYYY due DD/MM/YYYY".
      await (await taskCard(phone, task!)).click();
      await phone.getByRole('link', { name: 'Báo cáo tiến độ', exact: true }).click();
      await period.waitFor();
      expect(await period.inputValue()).toBe(p1.key);
      await phone.fill('#report-percent', '35');
      await phone.fill('#report-narrative', `Báo cáo tháng ${p1.label}.`);
      await phone.getByRole('button', { name: 'Lưu báo cáo' }).click();
      await phone.getByRole('heading', { level: 1, name: /Đã lưu báo cáo|Đã gửi báo cáo/ }).waitFor();
      await eventually(
        'both months on the server',
        () => server.sql<{ period_key: string }>(`select period_key from progress_report where task_id = $1`, [task!.id]),
        (rows) => rows.some((r) => r.period_key === p1.key),
      );
      await derivedCaughtUp(server);
      await openMissedReports(page, server);
      await page.getByText('0 cảnh báo', { exact: true }).waitFor({ timeout: 30_000 });
      expect(await page.locator('ul.warnings li').count()).toBe(0);
      await openDashboard(page, server);
      expect(await complianceRow(page, cellName!)).toEqual(['2', '0', '2', '0']);
      const current = monthBefore(today, 0);
      await phone.getByRole('link', { name: 'Về nhiệm vụ' }).click();
      await phone.getByRole('link', { name: 'Nhiệm vụ', exact: true }).click();
      await (
        await taskCard(phone, task!)
      )
        .locator('[data-test="next-report"]')
        .getByText(`Báo cáo kỳ ${current.label}, hạn ${current.endLabel}`, { exact: true })
        .waitFor({ timeout: 30_000 });
      await screenshots(phone, JOURNEY, '7-phone-report-due');
    } finally {
      await focal.close();
      await committee.close();
      await officer.close();
    }
  });
  it('an indicator given a monthly schedule on the committee screen shows MISSED_REPORT for its missed months, in the compliance figures and on the phone', async () => {
    const today = todayInVietnam();
    const [p1, p2] = [monthBefore(today, 1), monthBefore(today, 2)];
    // Another task the commune gave the cell, unscheduled, with an indicator running past this month.
    const [task] = await server.sql<{
      id: string;
      title: string;
      indicator_id: string;
      indicator_name: string;
      due_label: string;
      after_due: string;
    }>(
      `select t.id, t.title, i.id as indicator_id, i.name as indicator_name, to_char(t.due_on, 'DD/MM/YYYY') as due_label,
              to_char(t.due_on + 1, 'YYYY-MM-DD') as after_due
         from task t join indicator i on i.task_id = t.id
         join unit l on l.id = t.lead_unit_id join unit a on a.id = t.assigner_unit_id
        where l.code = $1 and a.code = $2 and t.state = 'OPEN' and t.due_on > $3::date + 40 and t.report_frequency is null
          and (i.due_on is null or i.due_on > $3::date)
          and not exists (select 1 from progress_report r where r.task_id = t.id and r.state <> 'APPROVED')
        order by t.title desc, i.created_at limit 1`,
      [CELL, COMMUNE, today],
    );
    expect(task).toBeDefined();

    const focal = await openBrowser(DESKTOP);
    const committee = await openBrowser(DESKTOP);
    const officer = await openBrowser();
    try {
      await signIn(focal.page, server, 'daumoi.xuanhuong', `/committee/tasks/${task!.id}`);
      const desk = focal.page;
      await desk.getByRole('heading', { level: 1, name: task!.title }).waitFor({ timeout: 30_000 });

      // The start date goes back two months on the reschedule form; one after the due date is refused there.
      await desk.getByRole('button', { name: 'Đổi hạn' }).click();
      const change = desk.locator('form.change-form');
      await change.getByLabel('Lý do', { exact: true }).fill('Tính từ đầu kỳ báo cáo');
      await change.getByLabel('Ngày bắt đầu', { exact: true }).fill(task!.after_due);
      await change.getByRole('button', { name: 'Lưu', exact: true }).click();
      await change.getByText(`Ngày bắt đầu không được sau hạn hoàn thành (${task!.due_label}).`).waitFor();
      await change.getByLabel('Ngày bắt đầu', { exact: true }).fill(p2.startOn);
      await change.getByRole('button', { name: 'Lưu', exact: true }).click();
      await change.waitFor({ state: 'detached' });
      const [started] = await server.sql<{ start_on: string }>(`select start_on::text as start_on from task where id = $1`, [
        task!.id,
      ]);
      expect(started!.start_on).toBe(p2.startOn);

      // The indicator's own schedule: monthly, due on the month's last day.
      const control = desk.locator('[data-test="data-control"]');
      await control
        .locator('[data-test="indicator-schedule"]')
        .filter({ hasText: task!.indicator_name })
        .getByRole('button', { name: /^Lịch báo cáo/ })
        .click();
      const form = control.locator('.control-form');
      await form.getByText(`Lịch báo cáo của chỉ tiêu «${task!.indicator_name}»`).waitFor();
      await form.getByLabel('Báo cáo định kỳ', { exact: true }).selectOption({ label: 'Hằng tháng' });
      const dueDays = form.getByLabel('Hạn nộp: số ngày sau khi hết kỳ');
      await dueDays.fill('400');
      await form.getByRole('button', { name: 'Lưu', exact: true }).click();
      await form.getByText('Hạn nộp phải là một số ngày nguyên từ 0 đến 366.').waitFor();
      await dueDays.fill('0');
      // The task already has reports: the change says why.
      await form.getByLabel('Lý do', { exact: true }).fill('Theo dõi số liệu hằng tháng');
      await form.getByRole('button', { name: 'Lưu', exact: true }).click();
      await control
        .locator(`[data-test="indicator-schedule-${task!.indicator_id}"]`)
        .getByText('Hằng tháng, hạn 0 ngày sau khi hết kỳ')
        .waitFor({ timeout: 30_000 });
      await screenshots(desk, JOURNEY, '8-indicator-schedule-set');
      const [saved] = await server.sql<{ report_frequency: string; report_due_days: number }>(
        `select report_frequency, report_due_days from indicator where id = $1`,
        [task!.indicator_id],
      );
      expect(saved).toEqual({ report_frequency: 'MONTHLY', report_due_days: 0 });
      await derivedCaughtUp(server);

      const { page } = committee;
      await signIn(page, server, 'lanhdao.xuanhuong', '/committee/warnings');
      expect(await missedReason(page, server, task!.title)).toBe(
        `Chỉ tiêu «${task!.indicator_name}» thiếu báo cáo kỳ ${p1.label} (hạn ${p1.endLabel}) và 1 kỳ trước đó.`,
      );
      await screenshots(page, JOURNEY, '9-warnings-indicator-missed');

      await openDashboard(page, server);
      const problems = page
        .locator('[data-test="compliance"] .problems li')
        .filter({ hasText: `chỉ tiêu «${task!.indicator_name}»` })
        .filter({ hasText: task!.title });
      expect(await problems.allInnerTexts()).toEqual([
        expect.stringContaining(`Kỳ ${p1.label} — hạn ${p1.endLabel} — Thiếu báo cáo`),
        expect.stringContaining(`Kỳ ${p2.label} — hạn ${p2.endLabel} — Thiếu báo cáo`),
      ]);

      // The phone lists the indicator's month owed, worked out from the synced schedule.
      const phone = officer.page;
      await signIn(phone, server, 'canbo.tdp1');
      await phone.getByText('Đã gửi hết').first().waitFor({ timeout: 60_000 });
      const card = await taskCard(phone, task!);
      await card
        .locator('[data-test="next-indicator-report"]')
        .getByText(`Thiếu báo cáo chỉ tiêu «${task!.indicator_name}» kỳ ${p2.label} (hạn ${p2.endLabel}) · Số kỳ chưa báo cáo: 2`)
        .waitFor({ timeout: 30_000 });
      await screenshots(phone, JOURNEY, '10-phone-indicator-owed');
    } finally {
      await focal.close();
      await committee.close();
      await officer.close();
    }
  });
});
