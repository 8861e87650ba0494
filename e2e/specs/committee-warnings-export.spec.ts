import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { openTasksOf, signIn } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'committee';
const COMMUNE = 'C-LD-XUANHUONG';
const DUE = '2025-05-31';

/**
 * Waits until the derived-data worker has applied every change: the warnings list reads the
 * facts it keeps, and just after the server starts it is still deriving the demo data.
 */
async function derivedCaughtUp(server: RunningServer): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const health = (await (await fetch(new URL('healthz', server.url))).json()) as { derived?: { lagSeconds: number } };
    if (health.derived?.lagSeconds === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the derived-data worker did not catch up within 120 s');
}

/** Today in Viet Nam, as the server counts days overdue. */
function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

describe.runIf(chromiumAvailable())('committee: warnings and export', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('shows an overdue task with its reason in words and exports an XLSX with Vietnamese headers and the expected rows', async () => {
    // A task of one of the commune's cells, made long overdue so it leads the list whatever the demo dates.
    const [task] = await openTasksOf(server, 'CB-LD-XUANHUONG-2', 1);
    await server.sql(`update task set due_on = $2 where id = $1`, [task!.id, DUE]);
    await derivedCaughtUp(server);
    const [{ progress }] = await server.sql<{ progress: number }>(`select progress from task where id = $1`, [task!.id]);
    const days = Math.round((Date.parse(todayInVietnam()) - Date.parse(DUE)) / 86_400_000);

    const browser = await openBrowser(DESKTOP);
    const downloads = await mkdtemp(path.join(os.tmpdir(), 'resolute-export-'));
    try {
      const { page } = browser;
      await signIn(page, server, 'lanhdao.xuanhuong', '/committee/warnings');
      await page.getByRole('heading', { level: 1, name: 'Cảnh báo sớm' }).waitFor();
      await page.getByLabel('Loại cảnh báo').selectOption({ label: 'Quá hạn' });
      await page.getByLabel('Sắp xếp').selectOption({ label: 'Hạn hoàn thành' });

      const item = page.locator('ul.warnings li').filter({ has: page.getByRole('link', { name: task!.title, exact: true }) });
      await item.waitFor({ timeout: 30_000 });
      expect(await item.locator('.kind').innerText()).toBe('Quá hạn');
      expect(await item.locator('.why').innerText()).toBe(
        `Quá hạn ${days} ngày (hạn 31/05/2025), tiến độ ${Math.round(progress)}%.`,
      );
      await screenshots(page, JOURNEY, '1-warnings-overdue');

      // The link names the task and opens the committee's own task screen (tested below).
      expect(await item.getByRole('link', { name: task!.title, exact: true }).getAttribute('href')).toBe(
        `/committee/tasks/${task!.id}`,
      );

      // The task list of the commune's subtree as a spreadsheet, from the dashboard.
      await page.goto(new URL('committee/dashboard', server.url).toString());
      const exportButton = page.getByRole('button', { name: 'Xuất danh sách nhiệm vụ (Excel)' });
      await exportButton.waitFor();
      await screenshots(page, JOURNEY, '3-dashboard-exports');
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), exportButton.click()]);
      expect(download.suggestedFilename()).toBe('tasks.xlsx');
      const file = path.join(downloads, 'tasks.xlsx');
      await download.saveAs(file);

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const sheet = workbook.getWorksheet('Nhiệm vụ');
      expect(sheet).toBeDefined();
      const values = (n: number) => (sheet!.getRow(n).values as unknown[]).slice(1);
      expect(String(values(1)[0])).toContain('Danh sách nhiệm vụ');
      expect(values(2)).toEqual([
        'Nhiệm vụ',
        'Nghị quyết',
        'Đơn vị chủ trì',
        'Người phụ trách',
        'Kết quả đầu ra',
        'Ngày bắt đầu',
        'Hạn hoàn thành',
        'Trạng thái',
        'Tiến độ (%)',
        'Mức ưu tiên',
        'Báo cáo gần nhất',
      ]);
      const expected = await server.sql<{ title: string }>(
        `select t.title from task t join unit c on c.code = $1
          where t.lead_unit_path like c.path || '%' order by t.due_on asc nulls last, t.id`,
        [COMMUNE],
      );
      const titles: string[] = [];
      for (let n = 3; n <= sheet!.rowCount; n++) titles.push(String(values(n)[0]));
      expect(titles).toEqual(expected.map((r) => r.title));
      // Soonest due first: the overdue task leads, with its status in words.
      expect(values(3)[0]).toBe(task!.title);
      expect(values(3)[7]).toBe('Quá hạn');
      expect((values(3)[6] as Date).toISOString().slice(0, 10)).toBe(DUE);
    } finally {
      await browser.close();
      await rm(downloads, { recursive: true, force: true });
    }
  });

  it('opens the warned task from the warnings list, with the overdue reason on its page', async () => {
    const [task] = await openTasksOf(server, 'CB-LD-XUANHUONG-2', 1);
    await server.sql(`update task set due_on = $2 where id = $1`, [task!.id, DUE]);
    await derivedCaughtUp(server);
    const [{ progress }] = await server.sql<{ progress: number }>(`select progress from task where id = $1`, [task!.id]);
    const days = Math.round((Date.parse(todayInVietnam()) - Date.parse(DUE)) / 86_400_000);
    const browser = await openBrowser(DESKTOP);
    try {
      const { page } = browser;
      await signIn(page, server, 'lanhdao.xuanhuong', '/committee/warnings');
      await page.getByLabel('Loại cảnh báo').selectOption({ label: 'Quá hạn' });
      const link = page.locator('ul.warnings li').getByRole('link', { name: task!.title, exact: true });
      await link.click({ timeout: 30_000 });
      await page.waitForURL((url) => url.pathname === `/committee/tasks/${task!.id}`);
      await page.getByRole('heading', { level: 1, name: task!.title }).waitFor({ timeout: 30_000 });
      const warnings = page.getByRole('region', { name: /^Cảnh báo hiện có/ });
      await warnings.getByText(`Quá hạn ${days} ngày (hạn 31/05/2025), tiến độ ${Math.round(progress)}%.`).waitFor();
      expect(await page.locator('.status-line .badge').innerText()).toBe('Quá hạn');
      await screenshots(page, JOURNEY, '2-warning-opens-task');
    } finally {
      await browser.close();
    }
  });
});
